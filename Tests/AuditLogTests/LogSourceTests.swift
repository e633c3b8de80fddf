import Foundation
import TestSupport
import Testing

@testable import AuditLog

/// The verifier reads any ``LogSource``, and `log export` writes any source in the file form: the same report
/// whichever way the lines come, and an export that verifies as the original does.
@Suite("AuditLog: verifying and exporting a log from any source")
struct LogSourceTests {
    /// Lines held in memory, handed out in chunks of `chunk` lines: a stand-in for a database.
    final class MemoryLines: LogLineSource {
        let all: [[UInt8]]
        let chunk: Int
        /// Fail after this many lines (a connection lost mid-read).
        let failAfter: Int?
        private(set) var lines = 0
        let noFinalNewline = false

        init(_ all: [[UInt8]], chunk: Int = 3, failAfter: Int? = nil) {
            self.all = all
            self.chunk = chunk
            self.failAfter = failAfter
        }

        func forEachChunk(
            progress: ((Int) -> Void)?, _ body: ([UnsafeRawBufferPointer], Int) -> Void
        ) throws(AuditLogError) {
            var start = 0
            while start < all.count {
                if let failAfter, start >= failAfter {
                    throw AuditLogError.io(path: "memory", reason: "connection lost")
                }
                let part = Array(all[start..<min(start + chunk, all.count)])
                let joined = part.joined().map { $0 }
                var ends: [Int] = []
                var end = 0
                for line in part {
                    end += line.count
                    ends.append(end)
                }
                joined.withUnsafeBytes { raw in
                    var from = 0
                    let views = ends.map { to in
                        defer { from = to }
                        return UnsafeRawBufferPointer(rebasing: raw[from..<to])
                    }
                    body(views, start + 1)
                }
                lines += part.count
                start += part.count
            }
        }
    }

    /// A folder's checkpoints and keys with lines from memory.
    struct MemorySource: LogSource {
        let folder: FolderLogSource
        let lines: [[UInt8]]
        var failAfter: Int?

        var name: String { "memory" }
        func isEmpty() throws(AuditLogError) -> Bool { lines.isEmpty }
        func lineReader() throws(AuditLogError) -> any LogLineSource { MemoryLines(lines, failAfter: failAfter) }
        func latestCheckpoint() throws(AuditLogError) -> LogVerifier.CheckpointInput? {
            try folder.latestCheckpoint()
        }
        func checkpointHistory() throws(AuditLogError) -> [LogVerifier.CheckpointInput] {
            try folder.checkpointHistory()
        }
        func verifierKeys() throws(AuditLogError) -> [LogVerifierKey] { try folder.verifierKeys() }
    }

    static func lines(of directory: String) throws -> [[UInt8]] {
        var all: [[UInt8]] = []
        try LogLines.forEach(paths: try LogSegments.list(directory: directory)) { line, _ in all.append(Array(line)) }
        return all
    }

    static func report(_ source: any LogSource) throws -> VerificationReport {
        let inputs = try [source.latestCheckpoint()].compactMap { $0 } + source.checkpointHistory()
        return try LogVerifier.verify(
            lines: source.lineReader(), checkpoints: inputs, keys: source.verifierKeys())
    }

    /// What a report says, without the checkpoints' labels (paths differ between sources).
    static func essence(_ report: VerificationReport) -> [String] {
        [
            "lines \(report.lines)", "unsigned \(report.unsignedTrailing)",
            "verified \(report.verified.map(\.size))", "first \(report.firstFailingLine ?? 0)",
            "why \(report.firstFailingReason ?? "")", "problems \(report.problems.count)",
        ]
    }

    @Test("lines from memory, in odd-sized chunks, verify exactly as the files do; so does a swap in them")
    func sameReportWhateverTheSource() async throws {
        try await withTemporaryDirectory { directory in
            try await LogContinuityTests.writeLog(directory, count: 23, every: 5)
            let folder = try FolderLogSource(directory: directory)
            var lines = try Self.lines(of: directory)
            let fromFiles = try Self.report(folder)
            let fromMemory = try Self.report(MemorySource(folder: folder, lines: lines))
            #expect(fromFiles.ok && fromMemory.ok)
            #expect(Self.essence(fromFiles) == Self.essence(fromMemory))
            #expect(fromMemory.verified.map(\.size).contains(23))

            lines.swapAt(9, 10)
            let swapped = try Self.report(MemorySource(folder: folder, lines: lines))
            #expect(!swapped.ok)
            #expect(swapped.firstFailingLine == 10)
        }
    }

    @Test("an export is the file form: the same lines byte for byte, every checkpoint, the keys, private modes")
    func exportVerifiesAsTheOriginal() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory + "/data"
            let store = try AuditLogTests.makeStore(data, every: 4, segmentBytes: 1500)
            for i in 0..<30 {
                var entry = AuditEntry(event: .requestScreened)
                entry.note = "entry \(i) ünïcode \u{2028}"
                _ = try await store.append(entry)
            }
            try await store.close()
            let segments = try LogSegments.list(directory: data)
            #expect(segments.count > 1, "the log should span several segments")

            let out = directory + "/export"
            let summary = try LogExport.write(try FolderLogSource(directory: data), to: out)
            #expect(summary.lines == 30 && summary.checkpointSize == 30)
            let original = try segments.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }.reduce(Data(), +)
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/audit.log")) == original)
            let history = try FileManager.default.contentsOfDirectory(atPath: data + "/checkpoints").sorted()
            #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/checkpoints").sorted() == history)
            #expect(
                try String(contentsOfFile: out + "/log.vkey", encoding: .utf8)
                    == String(contentsOfFile: data + "/log.vkey", encoding: .utf8))

            let exported = try FolderLogSource(directory: out)
            #expect(
                Self.essence(try Self.report(exported))
                    == Self.essence(try Self.report(FolderLogSource(directory: data))))
            #expect(try Self.report(exported).ok)

            for path in [out, out + "/checkpoints", out + "/keys"] { #expect(Self.mode(path) == 0o700, "\(path)") }
            for path in [
                out + "/audit.log", out + "/checkpoint", out + "/log.vkey", out + "/checkpoints/" + history[0],
            ] {
                #expect(Self.mode(path) == 0o600, "\(path)")
            }
        }
    }

    @Test("an export never overwrites a folder, and a source failing half way leaves nothing behind")
    func exportIsAllOrNothing() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory + "/data"
            try await LogContinuityTests.writeLog(data, count: 12)
            let folder = try FolderLogSource(directory: data)

            let existing = directory + "/existing"
            try FileManager.default.createDirectory(atPath: existing, withIntermediateDirectories: false)
            #expect(throws: AuditLogError.self) { try LogExport.write(folder, to: existing) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: existing).isEmpty)

            let failing = MemorySource(folder: folder, lines: try Self.lines(of: data), failAfter: 6)
            #expect(throws: AuditLogError.self) { try LogExport.write(failing, to: directory + "/half") }
            let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            #expect(left == ["data", "existing"], "\(left)")
        }
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int ?? -1) & 0o777
    }
}
