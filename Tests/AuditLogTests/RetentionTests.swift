import Crypto
import Foundation
import JSONCore
import TestSupport
import Testing

@testable import AuditLog

@Suite("AuditLog: retention destroys period keys, legal holds keep them, proofs stay valid")
struct RetentionTests {
    /// A log with two months of entries from two departments, sealed with a file key store; closed.
    static func twoMonths(_ directory: String) async throws -> (FileRetentionKeyStore, [SealingKeyID]) {
        let keys = FileRetentionKeyStore(dataDirectory: directory)
        let store = try AuditLogTests.makeStore(directory, every: 4)
        var ids: [SealingKeyID] = []
        for (n, (period, department)) in [("2026-10", "it"), ("2026-10", "parks"), ("2026-11", "it")].enumerated() {
            let id = SealingKeyID(period: period, department: department, system: nil)
            ids.append(id)
            var entry = AuditEntry(event: .requestScreened)
            entry.department = department
            entry.promptRedacted = "prompt \(n) to [EMAIL_ADDRESS_1]"
            entry.seal = TextSeal(keyID: id, key: try #require(try await keys.key(for: id)))
            _ = try await store.append(entry)
        }
        try await store.close()
        return (keys, ids)
    }

    static func retention(_ directory: String, keys: FileRetentionKeyStore) -> Retention {
        Retention(keys: keys) { entry in
            let store = try AuditLogTests.makeStore(directory)
            let seq = try await store.append(entry).seq
            try await store.close()
            return seq
        }
    }

    static func lines(_ directory: String) throws -> [JSONValue] {
        try String(contentsOfFile: directory + "/audit.log", encoding: .utf8).split(separator: "\n")
            .map { try JSONParser.parse(Array($0.utf8)) }
    }

    @Test("keys: created once (0600 in a 0700 folder), the same for a second store on the folder, gone when destroyed")
    func fileKeys() async throws {
        try await withTemporaryDirectory { directory in
            let id = SealingKeyID(period: "2026-12", department: "it", system: "city-assistant")
            let one = FileRetentionKeyStore(dataDirectory: directory)
            let key = try #require(try await one.key(for: id))
            let two = FileRetentionKeyStore(dataDirectory: directory)
            #expect(try await two.key(for: id) == key)
            let path = directory + "/retention/keys/2026-12+it+city-assistant.key"
            let file = try FileManager.default.attributesOfItem(atPath: path)
            #expect((file[.posixPermissions] as? Int) == 0o600)
            let folder = try FileManager.default.attributesOfItem(atPath: directory + "/retention")
            #expect((folder[.posixPermissions] as? Int) == 0o700)
            try await one.destroy(
                id, tombstone: KeyTombstone(keyID: id.description, destroyedAt: "2027-01-01", entry: 4))
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(try FileRetentionKeyStore(dataDirectory: directory).keyIDs() == [id])
            #expect(try await two.key(for: id) == nil)  // its cached copy is not used once the tombstone is there
            let ring = try await FileRetentionKeyStore(dataDirectory: directory).ring()
            #expect(ring.keys.isEmpty && ring.tombstones[id.description]?.entry == 4)
        }
    }

    @Test("apply destroys what is due: the texts read as erased, every line and checkpoint still verifies")
    func applyKeepsProofs() async throws {
        try await withTemporaryDirectory { directory in
            let (keys, ids) = try await Self.twoMonths(directory)
            let before = try Data(contentsOf: URL(fileURLWithPath: directory + "/audit.log"))
            let retention = Self.retention(directory, keys: keys)
            // 30 days after October ends: October is due on 2026-12-01, November on 2026-12-31.
            let now = try #require(ISO8601DateFormatter().date(from: "2026-12-15T00:00:00Z"))
            let destroyed = try await retention.apply(now: now) { _ in .days(30) }
            #expect(destroyed.map(\.keyID) == [ids[0], ids[1]].map(\.description))
            let after = try Data(contentsOf: URL(fileURLWithPath: directory + "/audit.log"))
            #expect(after.prefix(before.count) == before)  // not one byte of the entries changed
            #expect(try AuditLogTests.verify(directory).ok)
            let ring = try await keys.ring()
            let lines = try Self.lines(directory)
            let opened = (0..<3).map { SealedText.open(lines[$0]["prompt"]!, field: "prompt", seq: $0, ring: ring) }
            #expect(opened[0] == .erased(keyID: ids[0].description, on: "2026-12-15T00:00:00.000Z"))
            #expect(opened[1].text == nil)
            #expect(opened[2] == .opened("prompt 2 to [EMAIL_ADDRESS_1]"))
            let applied = try #require(lines.last)
            #expect(applied["event"]?.stringValue == "retention.applied")
            #expect(applied["note"]?.stringValue?.contains(ids[0].description) == true)
            #expect(ring.tombstones[ids[0].description]?.entry == applied["seq"]?.intValue)
            // The inclusion proof of the erased entry still verifies against the signed checkpoint.
            let signed = try #require(try AuditLogTests.verify(directory).verified.last)
            let raw = try String(contentsOfFile: directory + "/audit.log", encoding: .utf8).split(separator: "\n")
            let builder = ProofBuilder(leaves: raw.map { MerkleTree.leafHash(Array($0.utf8)) })
            let proof = try builder.inclusion(index: 0, size: signed.size)
            #expect(proof.verify(leafHash: MerkleTree.leafHash(Array(raw[0].utf8)), root: signed.root))
        }
    }

    @Test("a hold keeps a due key; released, the next apply destroys it")
    func holds() async throws {
        try await withTemporaryDirectory { directory in
            let (keys, ids) = try await Self.twoMonths(directory)
            let retention = Self.retention(directory, keys: keys)
            let now = try #require(ISO8601DateFormatter().date(from: "2027-06-01T00:00:00Z"))
            try await retention.hold(
                period: "2026-10", department: "parks", reason: "records request 2027-114", now: now)
            let first = try await retention.apply(now: now) { _ in .months(3) }
            #expect(Set(first.map(\.keyID)) == Set([ids[0], ids[2]].map(\.description)))
            #expect(try await keys.key(for: ids[1]) != nil)
            await #expect(throws: AuditLogError.self) {
                try await retention.release(period: "2026-10", department: "it", reason: "none placed", now: now)
            }
            try await retention.release(period: "2026-10", department: "parks", reason: "request closed", now: now)
            let second = try await retention.apply(now: now) { _ in .months(3) }
            #expect(second.map(\.keyID) == [ids[1].description])
            #expect(try AuditLogTests.verify(directory).ok)
            let events = try Self.lines(directory).compactMap { $0["event"]?.stringValue }.filter {
                $0.hasPrefix("retention.")
            }
            #expect(events == ["retention.hold", "retention.applied", "retention.release", "retention.applied"])
        }
    }

    @Test("a hold whose entry cannot be written is not placed")
    func holdNotRecorded() async throws {
        try await withTemporaryDirectory { directory in
            let keys = FileRetentionKeyStore(dataDirectory: directory)
            try await keys.addHold(RetentionHold(period: "2026-09", department: nil, reason: "older", placedAt: "x"))
            let failing = Retention(keys: keys) { _ in throw AuditLogError.unavailable("down") }
            await #expect(throws: AuditLogError.self) {
                try await failing.hold(period: "2026-09", department: nil, reason: "new", now: Date())
            }
            #expect(try await keys.holds().map(\.reason) == ["older"])
            for (period, reason) in [
                ("2026-13", "r"), ("26-01", "r"), ("2026-01", "  "), ("2026-01", String(repeating: "r", count: 2001)),
            ] {
                await #expect(throws: AuditLogError.self) {
                    try await failing.hold(period: period, department: nil, reason: reason, now: Date())
                }
            }
        }
    }

    @Test("the registry's retention texts and when each falls due")
    func spans() {
        #expect(
            RetentionSpan(text: "Prompts and answers are kept in the audit log for 6 months (EU AI Act Art. 26(6)).")
                == .months(6))
        #expect(RetentionSpan(text: "6 months in the audit log; case files stay in the case system.") == .months(6))
        #expect(RetentionSpan(text: "90 days") == .days(90))
        #expect(RetentionSpan(text: "2 years") == .months(24))
        #expect(RetentionSpan(text: "kept as long as needed") == nil)
        let iso = ISO8601DateFormatter()
        #expect(RetentionSpan.months(6).due(period: "2026-12") == iso.date(from: "2027-07-01T00:00:00Z"))
        #expect(RetentionSpan.months(0).due(period: "2026-12") == iso.date(from: "2027-01-01T00:00:00Z"))
        #expect(RetentionSpan.days(30).due(period: "2026-02") == iso.date(from: "2026-03-31T00:00:00Z"))
        #expect(RetentionSpan.months(1).due(period: "bad") == nil)
    }
}
