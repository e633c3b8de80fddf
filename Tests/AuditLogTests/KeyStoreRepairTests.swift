import Foundation
import TestSupport
import Testing

@testable import AuditLog

@Suite("AuditLog: the verifier key always matches the signing key on disk")
struct KeyStoreRepairTests {
    @Test("a missing or stale log.vkey is written again from log.key at the next start")
    func repairsVerifierKey() throws {
        try withTemporaryDirectorySync { directory in
            let (created, outcome) = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
            #expect(outcome == .created)
            let expected = created[0].verifierKey.text + "\n"
            // Killed between the signing key and its verifier key: no log.vkey.
            try FileManager.default.removeItem(atPath: directory + "/log.vkey")
            _ = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
            #expect(try String(contentsOfFile: directory + "/log.vkey", encoding: .utf8) == expected)
            // A rotation killed half way: log.vkey names a key that does not sign.
            let other = try LogSigningKey(generatingFor: "test.example/log")
            try Data((other.verifierKey.text + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/log.vkey"))
            let (loaded, again) = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
            #expect(again == .loaded && loaded.map(\.keyID) == created.map(\.keyID))
            #expect(try String(contentsOfFile: directory + "/log.vkey", encoding: .utf8) == expected)
        }
    }
}
