import AuditLog
import AuditLogPostgres
import Foundation
import JSONCore
import TestSupport
import Testing

@Suite("AuditLogPostgres: retention and legal holds on a log in PostgreSQL", .serialized)
struct PostgresRetentionTests {
    static let october = SealingKeyID(period: "2026-10", department: "parks", system: nil)
    static let held = SealingKeyID(period: "2026-10", department: "housing", system: nil)
    static let november = SealingKeyID(period: "2026-11", department: "parks", system: nil)

    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    /// Entries sealed with the keys of October (parks, housing) and November (parks), two proxies writing.
    static func sealedLog(_ url: String, keys: [LogSigningKey], store: PostgresRetentionKeyStore) async throws {
        let a = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys, every: 4), proxy: "a")
        let b = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys, every: 4), proxy: "b")
        for (n, id) in [october, held, november, october].enumerated() {
            var entry = PostgresTestLog.entry(n, proxy: "a")
            entry.department = id.department
            entry.promptRedacted = "prompt \(n) of \(id)"
            entry.responseRedacted = "answer \(n)"
            entry.seal = TextSeal(keyID: id, key: try #require(try await store.key(for: id)))
            _ = try await (n % 2 == 0 ? a : b).append(entry)
        }
        try await a.close()
        try await b.close()
    }

    /// `Retention` over the log in `url`: each of its entries appended by a proxy of its own, as the command does.
    static func retention(_ url: String, keys: [LogSigningKey], store: PostgresRetentionKeyStore) -> Retention {
        Retention(keys: store) { entry in
            let trail = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "cli")
            do {
                let seq = try await trail.append(entry).seq
                try await trail.close()
                return seq
            } catch {
                try? await trail.close()
                throw error
            }
        }
    }

    /// Verifies the log from the database against its newest checkpoint; the entries' texts erased are counted.
    static func verified(_ url: String, store: PostgresRetentionKeyStore) async throws -> (VerificationReport, Int) {
        let ring = try await store.ring()
        let source = try PostgresLogSource(url: try PostgresLogURL(url))
        defer { source.close() }
        let report = try LogVerifier.verify(
            lines: source.lineReader(), checkpoints: [try #require(try source.latestCheckpoint())],
            keys: source.verifierKeys())
        return (report, try RetentionCensus.erasedEntries(try source.lineReader(), tombstones: ring.tombstones))
    }

    @Test("apply erases the due months' texts, a hold keeps one until released; lines, checkpoints and proofs stay")
    func applyHoldRelease() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let store = PostgresRetentionKeyStore(url: try PostgresLogURL(url))
            try await Self.sealedLog(url, keys: keys, store: store)
            let before = try await PostgresTestLog.lines(url)
            let (fresh, none) = try await Self.verified(url, store: store)
            #expect(fresh.ok && none == 0)

            let retention = Self.retention(url, keys: keys, store: store)
            let now = try Self.date("2026-12-15T00:00:00Z")
            try await retention.hold(period: "2026-10", department: "housing", reason: "records request", now: now)
            let first = try await retention.apply(now: now) { _ in .days(30) }
            #expect(first.map(\.keyID) == [Self.october.description])
            #expect(try await store.key(for: Self.held) != nil)
            #expect(try await store.key(for: Self.november) != nil)

            let after = try await PostgresTestLog.lines(url)
            #expect(Array(after.prefix(before.count)) == before)  // not one byte of the entries changed
            let (report, erased) = try await Self.verified(url, store: store)
            #expect(report.ok, "\(report.problems)")
            #expect(erased == 2)
            let ring = try await store.ring()
            #expect(ring.tombstones[Self.october.description]?.destroyedAt == "2026-12-15T00:00:00.000Z")
            let entries = try after.map { try JSONParser.parse($0) }
            let opened = (0..<4).map { n in
                SealedText.open(entries[n]["prompt"]!, field: "prompt", seq: n, ring: ring)
            }
            #expect(opened[0] == .erased(keyID: Self.october.description, on: "2026-12-15T00:00:00.000Z"))
            #expect(opened[1] == .opened("prompt 1 of \(Self.held)"))
            #expect(opened[3].text == nil)

            // The erased entry's inclusion proof still verifies against the signed checkpoint.
            let signed = try #require(report.verified.last)
            let proof = try ProofBuilder(leaves: after.map { MerkleTree.leafHash($0) }).inclusion(
                index: 0, size: signed.size)
            #expect(proof.verify(leafHash: MerkleTree.leafHash(after[0]), root: signed.root))

            // Released, the held month goes at the next apply; every step is an entry.
            await #expect(throws: AuditLogError.self) {
                try await retention.release(period: "2026-10", department: "it", reason: "none placed", now: now)
            }
            try await retention.release(period: "2026-10", department: "housing", reason: "answered", now: now)
            #expect(try await store.holds().isEmpty)
            let second = try await retention.apply(now: now) { _ in .days(30) }
            #expect(second.map(\.keyID) == [Self.held.description])
            let (final, erasedNow) = try await Self.verified(url, store: store)
            #expect(final.ok && erasedNow == 3)
            let events = try await PostgresTestLog.lines(url).compactMap {
                try JSONParser.parse($0)["event"]?.stringValue
            }.filter { $0.hasPrefix("retention.") }
            #expect(events == ["retention.hold", "retention.applied", "retention.release", "retention.applied"])
            await store.close()
        }
    }

    @Test("a proxy's key store stops sealing with a key another process destroyed")
    func destroyedElsewhere() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let proxy = PostgresRetentionKeyStore(url: try PostgresLogURL(url), revalidateAfter: .milliseconds(200))
            let cli = PostgresRetentionKeyStore(url: try PostgresLogURL(url))
            let key = try #require(try await proxy.key(for: Self.october))
            #expect(try await cli.key(for: Self.october) == key)  // one key shared by every process
            try await cli.destroy(
                Self.october,
                tombstone: KeyTombstone(keyID: Self.october.description, destroyedAt: "2026-12-15", entry: 9))
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await proxy.key(for: Self.october) == nil)
            #expect(try await proxy.key(for: Self.november) != nil)
            #expect(PostgresRetentionKeyStore.defaultRevalidateAfter <= .seconds(1))
            await proxy.close()
            await cli.close()
        }
    }
}
