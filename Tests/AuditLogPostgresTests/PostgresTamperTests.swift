import AuditLog
import AuditLogPostgres
import Foundation
import TestSupport
import Testing

/// The same verification whatever the store: `promptgate verify --log postgres://…` reads the rows (``PostgresLogSource``)
/// and must catch a tamper in the database at the same entry, with the same words, as the same tamper in the file
/// form (`log export`). Line N of the export is the row of `seq` N − 1.
@Suite("PostgreSQL log: a tamper in the database is caught where the file form catches it", .serialized)
struct PostgresTamperTests {
    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case changedRow = "a changed row"
        case deletedRow = "a deleted row"
        case swappedRows = "two rows swapped"
        case rewrittenTail = "a rewritten tail with re-signed checkpoints"
        var testDescription: String { rawValue }
    }

    /// The row the tampers aim at: line 10 of the export.
    static let target = 9

    /// A 30-entry log from two proxies sharing one key, signed every 5 entries; and an auditor's copy of the checkpoint
    /// the log had at 15 entries.
    static func makeLog(_ url: String, keys: [LogSigningKey]) async throws -> String {
        let a = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys, every: 5), proxy: "a")
        let b = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys, every: 5), proxy: "b")
        var saved: String?
        for n in 0..<30 {
            _ = try await (n % 2 == 0 ? a : b).append(PostgresTestLog.entry(n, proxy: n % 2 == 0 ? "a" : "b"))
            if n == 14 { saved = try await (a.health().holdsSignerLease ? a : b).writeCheckpoint() }
        }
        try await (a.health().holdsSignerLease ? a : b).writeCheckpoint()
        try await a.close()
        try await b.close()
        let auditor = try #require(saved)
        #expect(auditor.contains("\n15\n"), "the auditor's copy should sign 15 entries: \(auditor)")
        return auditor
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// `line` with its `prev` replaced.
    static func rechained(_ line: [UInt8], prev: String) -> [UInt8] {
        var text = String(decoding: line, as: UTF8.self)
        let range = text.range(of: #""prev":"[0-9a-f]{64}""#, options: .regularExpression)!
        text.replaceSubrange(range, with: "\"prev\":\"\(prev)\"")
        return Array(text.utf8)
    }

    /// The file form's line `index` replaced.
    static func replacing(_ line: [UInt8], with new: String, _ old: String) -> [UInt8] {
        Array(String(decoding: line, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }

    /// What a report says, with the checkpoints' names (a file path, a table row) taken out.
    static func essence(_ report: VerificationReport) -> [String] {
        let names = #"(audit_checkpoints size \d+( \(the newest\))?|\S*/checkpoints?(/\d+)?|auditor)"#
        func plain(_ text: String) -> String {
            text.replacingOccurrences(of: names, with: "CP", options: .regularExpression)
        }
        return [
            "lines \(report.lines)", "verified \(report.verified.map(\.size))",
            "first \(report.firstFailingLine.map(String.init) ?? "none")", "why \(report.firstFailingReason ?? "")",
        ] + report.problems.map(plain) + report.warnings.map(plain)
    }

    static func report(_ source: any LogSource, auditor: String?) throws -> VerificationReport {
        var inputs = try [source.latestCheckpoint()].compactMap { $0 }
        if let auditor { inputs.append(.init(label: "auditor", note: auditor)) }
        return try LogVerifier.verify(lines: source.lineReader(), checkpoints: inputs, keys: source.verifierKeys())
    }

    @Test("the untouched log reads the same from the database and from its export")
    func untouched() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let auditor = try await Self.makeLog(url, keys: keys)
            try withTemporaryDirectorySync { directory in
                let database = try PostgresLogSource(url: try PostgresLogURL(url))
                defer { database.close() }
                let summary = try LogExport.write(database, to: directory + "/export")
                #expect(summary.lines == 30 && summary.checkpointSize == 30)
                let folder = try FolderLogSource(directory: directory + "/export")
                let fromDatabase = try Self.report(database, auditor: auditor)
                #expect(fromDatabase.ok, "\(fromDatabase.problems)")
                #expect(fromDatabase.verified.map(\.size).sorted() == [15, 30])
                #expect(Self.essence(fromDatabase) == Self.essence(try Self.report(folder, auditor: auditor)))
                #expect(try database.checkpointHistory().count == folder.checkpointHistory().count)
            }
        }
    }

    @Test(
        "a tamper in the database is caught at the same line, with the same words, as in the file form",
        arguments: Tamper.allCases)
    func tamper(_ tamper: Tamper) async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let auditor = try await Self.makeLog(url, keys: keys)
            try await withTemporaryDirectory { directory in
                // The file form of the log, before the tamper.
                let files = directory + "/files"
                let before = try PostgresLogSource(url: try PostgresLogURL(url))
                try LogExport.write(before, to: files)
                before.close()
                let signedSizes = try FolderLogSource(directory: files).checkpointHistory().map {
                    try Checkpoint(body: $0.note.components(separatedBy: "\n\n")[0] + "\n").size
                }

                // The same tamper on the rows and on the file form.
                var lines = try await PostgresTestLog.lines(url)
                let statements = try Self.apply(tamper, to: &lines, keys: keys, signedSizes: signedSizes, files: files)
                try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: files + "/audit.log"))
                for statement in statements { try await PostgresTestLog.execute(url, statement) }

                let database = try PostgresLogSource(url: try PostgresLogURL(url))
                defer { database.close() }
                let fromDatabase = try Self.report(database, auditor: auditor)
                let fromFiles = try Self.report(try FolderLogSource(directory: files), auditor: auditor)
                #expect(!fromDatabase.ok && !fromFiles.ok)
                #expect(Self.essence(fromDatabase) == Self.essence(fromFiles))
                let t = Self.target
                switch tamper {
                case .changedRow:
                    #expect(fromDatabase.firstFailingLine == t + 2)
                    #expect(fromDatabase.firstFailingReason?.contains("line \(t + 1) was modified") == true)
                case .deletedRow, .swappedRows:
                    #expect(fromDatabase.firstFailingLine == t + 1)
                    #expect(fromDatabase.firstFailingReason?.contains("reordered") == true)
                case .rewrittenTail:
                    // The chain and the attacker's checkpoints agree; only the auditor's copy of size 15 does not,
                    // and a root alone cannot name the entry.
                    #expect(fromDatabase.firstFailingLine == nil)
                    #expect(fromDatabase.problems.count == 1)
                    #expect(fromDatabase.problems.first?.contains("lines 1..15") == true)
                    #expect(fromDatabase.verified.map(\.size) == [30])
                }

                // The export of the tampered rows is those rows, byte for byte: it repairs nothing.
                try LogExport.write(database, to: directory + "/after")
                let exported = try Data(contentsOf: URL(fileURLWithPath: directory + "/after/audit.log"))
                #expect(exported == Data(lines.flatMap { $0 + [0x0A] }))
            }
        }
    }

    /// Tampers with `lines` and the file form in `files` as `tamper` says; returns the SQL doing the same to the rows.
    static func apply(
        _ tamper: Tamper, to lines: inout [[UInt8]], keys: [LogSigningKey], signedSizes: [Int], files: String
    ) throws -> [String] {
        let t = target
        switch tamper {
        case .changedRow:
            lines[t] = replacing(lines[t], with: "jdoh", "jdoe")
            return ["UPDATE audit_entries SET line = '\\x\(hex(lines[t]))' WHERE seq = \(t)"]
        case .deletedRow:
            lines.remove(at: t)
            return ["DELETE FROM audit_entries WHERE seq = \(t)"]
        case .swappedRows:
            lines.swapAt(t, t + 1)
            return [
                "UPDATE audit_entries SET line = CASE seq WHEN \(t) THEN '\\x\(hex(lines[t]))'::bytea "
                    + "ELSE '\\x\(hex(lines[t + 1]))'::bytea END WHERE seq IN (\(t), \(t + 1))"
            ]
        case .rewrittenTail:
            // The attacker holds the log key: rewrites entry 9, chains every later row onto it, and re-signs every
            // checkpoint that covers it. Only the auditor's earlier copy can tell.
            var statements: [String] = []
            lines[t] = replacing(lines[t], with: "jdoh", "jdoe")
            for i in t..<lines.count {
                if i > t { lines[i] = rechained(lines[i], prev: AuditEntry.chainHash(of: lines[i - 1])) }
                statements.append(
                    "UPDATE audit_entries SET line = '\\x\(hex(lines[i]))', "
                        + "leaf_hash = '\\x\(hex(MerkleTree.leafHash(lines[i])))' WHERE seq = \(i)")
            }
            var tree = MerkleTree()
            for (i, line) in lines.enumerated() {
                tree.append(leafData: line)
                let size = i + 1
                guard size > t, signedSizes.contains(size) else { continue }
                let text = try Checkpoint(origin: PostgresTestLog.origin, size: size, root: tree.root).signed(by: keys)
                try text.write(toFile: files + "/checkpoints/\(size)", atomically: true, encoding: .utf8)
                if size == signedSizes.max() {
                    try text.write(toFile: files + "/checkpoint", atomically: true, encoding: .utf8)
                }
                statements.append(
                    "UPDATE audit_checkpoints SET text = convert_from('\\x\(hex(Array(text.utf8)))', 'UTF8'), "
                        + "root = '\\x\(hex(tree.root))' WHERE size = \(size)")
            }
            return statements
        }
    }
}
