import Foundation
import TestSupport
import Testing

@testable import AuditLog

/// A log that goes backwards must not be written on: the store checks it against every checkpoint signed over it.
@Suite("AuditLog: a cut, deleted or rewritten log is refused at start")
struct LogContinuityTests {
    /// A log of `count` entries, closed (so a checkpoint signs all of them), in `directory`.
    static func writeLog(_ directory: String, count: Int, every: Int = 4) async throws {
        let store = try AuditLogTests.makeStore(directory, every: every)
        for i in 0..<count {
            var entry = AuditEntry(event: .requestScreened)
            entry.note = "entry \(i)"
            _ = try await store.append(entry)
        }
        try await store.close()
    }

    static func reopen(_ directory: String, startNewLog: Bool = false) throws -> AuditLogStore {
        let (keys, _) = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
        return try AuditLogStore(
            configuration: AuditLogConfiguration(
                directory: directory, origin: "test.example/log", checkpointInterval: nil),
            signingKeys: keys, startNewLog: startNewLog)
    }

    static func expectRefused(_ directory: String, mentioning words: String) {
        do {
            _ = try reopen(directory)
            Issue.record("the store opened a log that does not match its checkpoints")
        } catch {
            guard let error = error as? AuditLogError, case .rolledBack(let why) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(why.contains(words), "\(why)")
        }
    }

    static func cut(_ path: String, droppingLines count: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        lines.removeLast(count)
        try Data(lines.map { Data($0) + Data([0x0A]) }.joined()).write(to: URL(fileURLWithPath: path))
    }

    @Test("an intact log reopens, and says nothing was left unsigned")
    func intact() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            let store = try Self.reopen(directory)
            #expect(await store.size == 10)
            #expect(store.unsignedAtStart == 0)
            #expect(store.restart == nil)
            try await store.close()
        }
    }

    @Test("a log cut below its newest checkpoint is refused, naming how many signed entries are gone")
    func cutBelowCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            try Self.cut(directory + "/audit.log", droppingLines: 3)
            Self.expectRefused(directory, mentioning: "3 signed entries are gone")
        }
    }

    @Test("a deleted log is refused while its checkpoints remain")
    func deleted() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            try FileManager.default.removeItem(atPath: directory + "/audit.log")
            Self.expectRefused(directory, mentioning: "10 signed entries are gone")
        }
    }

    @Test("a changed entry, even with the newest checkpoint deleted, fails against an older one in the history")
    func rewritten() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            let path = directory + "/audit.log"
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "entry 1\"", with: "entry X\"")
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.removeItem(atPath: directory + "/checkpoint")
            Self.expectRefused(directory, mentioning: "the root differs")
        }
    }

    @Test("a checkpoint file altered by hand is refused")
    func forgedCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            let path = directory + "/checkpoint"
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
                of: "\n10\n", with: "\n9\n")
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            Self.expectRefused(directory, mentioning: "does not verify")
        }
    }

    @Test("entries after the newest checkpoint (a crash, or a forged line) are counted at start")
    func unsignedTail() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            // A line appended behind the proxy's back: chained correctly, signed by nothing.
            let store = try Self.reopen(directory)
            var entry = AuditEntry(event: .requestScreened)
            entry.actor = "alice"
            _ = try await store.append(entry)
            // Simulate a crash: drop the store without close(), so no checkpoint covers the new line.
            try FileManager.default.removeItem(atPath: directory + "/audit.lock")
            let reopened = try Self.reopen(directory)
            #expect(reopened.unsignedAtStart == 1)
            try await reopened.close()
            try await store.close()
        }
    }

    @Test("an operator who declares a new log keeps the old checkpoints aside; without the declaration: refused")
    func declaredRestart() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.writeLog(directory, count: 10)
            try FileManager.default.removeItem(atPath: directory + "/audit.log")
            Self.expectRefused(directory, mentioning: "gone")
            let store = try Self.reopen(directory, startNewLog: true)
            let restart = try #require(store.restart)
            #expect(restart.previousSize == 10)
            #expect(FileManager.default.fileExists(atPath: directory + "/" + restart.supersededFolder + "/checkpoint"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/checkpoint"))
            _ = try await store.append(AuditEntry(event: .logRestarted))
            try await store.close()
            // The new log verifies on its own and reopens without the declaration.
            #expect(try AuditLogTests.verify(directory).ok)
            let again = try Self.reopen(directory)
            #expect(again.restart == nil)
            try await again.close()
        }
    }

    @Test("a data folder others can read is made private, and reported")
    func permissions() async throws {
        try await withTemporaryDirectory { directory in
            chmod(directory, 0o777)
            let store = try Self.reopen(directory)
            #expect(store.permissionsFixed.map(\.path) == [directory])
            var info = stat()
            stat(directory, &info)
            #expect(info.st_mode & 0o077 == 0)
            try await store.close()
        }
    }

    @Test("a log line without end (an endless or foreign file) is refused with bounded memory")
    func endlessLine() {
        withTemporaryDirectorySync { directory in
            let path = directory + "/huge.log"
            _ = FileManager.default.createFile(atPath: path, contents: Data(count: LineReader.maxLineBytes + 4096))
            #expect(throws: AuditLogError.self) { try LogLines.forEach(paths: [path]) { _, _ in } }
        }
    }
}
