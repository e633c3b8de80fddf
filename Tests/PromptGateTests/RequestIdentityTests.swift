import Testing

@testable import PromptGate

@Suite("Request ids and keyed fingerprints")
struct RequestIdentityTests {
    @Test("a request id is pg- and 24 lowercase hex digits, fresh each time")
    func requestIDs() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = RequestContext.newRequestID()
            #expect(id.hasPrefix("pg-") && id.utf8.count == 27)
            #expect(id.dropFirst(3).allSatisfy { $0.isHexDigit && !$0.isUppercase })
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test(
        "a fingerprint is the first 16 bytes of HMAC-SHA-256(key, type, 0, value), the same however often it is taken")
    func fingerprints() {
        let key = (0..<32).map { UInt8($0 &* 7 &+ 3) }
        let fingerprinter = Fingerprinter(key: key)
        // HMAC-SHA-256 computed elsewhere (Python's hmac module) for this key.
        let values = [
            ("maria.gonzalez@example.org", "EMAIL_ADDRESS", "033572f02c6406af43a3067433078744"),
            ("", "PERSON", "9b50eefa25ade5ffbb242c8a547bd219"), ("Zoë", "PERSON", "aa77a76155f26a9a72d0b685bbdd6b1c"),
        ]
        for _ in 0..<3 {
            for (value, type, expected) in values {
                #expect(fingerprinter.fingerprint(value, type: type) == expected)
            }
        }
        #expect(fingerprinter.fingerprint("a", type: "T") != fingerprinter.fingerprint("a", type: "U"))
        #expect(fingerprinter.fingerprint(bytes: [1, 2, 3], type: "ATTACHMENT image/png").utf8.count == 32)
    }
}
