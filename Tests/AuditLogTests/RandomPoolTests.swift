import Crypto
import JSONCore
import Testing

@testable import AuditLog

@Suite("AuditLog: random bytes drawn from a pool")
struct RandomPoolTests {
    @Test("every draw is fresh, also across the pool's refills")
    func freshDraws() {
        // 12-byte draws (a nonce) and 100-byte draws, so some cross the end of the 256-byte pool.
        var seen = Set<[UInt8]>()
        for _ in 0..<2000 {
            let nonce = RandomPool.bytes(12)
            #expect(nonce.count == 12)
            #expect(nonce.contains { $0 != 0 })
            seen.insert(nonce)
        }
        #expect(seen.count == 2000)
        let wide = (0..<50).map { _ in RandomPool.bytes(100) }
        #expect(Set(wide).count == 50)
        #expect(wide.allSatisfy { $0.count == 100 && $0.contains { $0 != 0 } })
        let whole = RandomPool.bytes(256)
        #expect(whole.count == 256 && Set(whole).count > 100)
    }

    @Test("two sealings of the same text differ (a fresh nonce each)")
    func sealedNonces() throws {
        let key = SymmetricKey(size: .bits256)
        let seal = TextSeal(keyID: SealedTextTests.id, key: key)
        let first = SealedText.seal("the same text", field: "prompt", seq: 1, with: seal)
        let second = SealedText.seal("the same text", field: "prompt", seq: 1, with: seal)
        #expect(first["nonce"]?.stringValue != second["nonce"]?.stringValue)
        #expect(first["ct"]?.stringValue != second["ct"]?.stringValue)
    }
}
