import Foundation
import TestSupport
import Testing

@testable import AuditLog

@Suite("AuditLog: an entry too large for one line keeps what fits and says so")
struct EntryFittingTests {
    @Test("5,000 fingerprints and long texts: the line fits a tile bundle, the note counts what was cut, it verifies")
    func oversizedEntry() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory)
            var entry = AuditEntry(event: .requestScreened)
            entry.requestID = "pg-big"
            entry.fingerprints = (0..<5000).map {
                AuditEntry.Fingerprint(type: "EMAIL_ADDRESS", hmac: String(repeating: "ab", count: 16) + "\($0)")
            }
            entry.promptRedacted = String(repeating: "\u{1}quoted \"text\" ", count: 2000)  // escapes grow it
            entry.responseRedacted = String(repeating: "answer ", count: 3000)
            _ = try await store.append(entry)
            var small = AuditEntry(event: .requestScreened)
            small.requestID = "pg-small"
            small.fingerprints = [AuditEntry.Fingerprint(type: "EMAIL_ADDRESS", hmac: "abc")]
            _ = try await store.append(small)
            try await store.close()

            let lines = try String(contentsOfFile: directory + "/audit.log", encoding: .utf8)
                .split(separator: "\n").map(String.init)
            let big = try #require(lines.first { $0.contains("pg-big") })
            #expect(big.utf8.count <= EntryBundle.maxEntryBytes)
            #expect(big.contains("entry cut to fit a 65535-byte log line"))
            #expect(big.contains("of 5000 fingerprints"))
            let kept = big.components(separatedBy: "\"hmac\"").count - 1
            #expect(kept > 100 && kept < 5000)
            let unchanged = try #require(lines.first { $0.contains("pg-small") })
            #expect(!unchanged.contains("entry cut"))
            #expect(try AuditLogTests.verify(directory).ok)
        }
    }
}
