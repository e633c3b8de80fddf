import Crypto
import Dispatch
import Foundation
import JSONCore

/// The outcome of checking a log against its checkpoints.
public struct VerificationReport: Sendable {
    public init() {}

    /// Lines in the log file.
    public var lines = 0
    /// Lines after the largest checkpoint given: no signature vouches for them.
    public var unsignedTrailing = 0
    /// The checkpoints that verified: their sizes and roots.
    public var verified: [Checkpoint] = []
    public var problems: [String] = []
    public var warnings: [String] = []
    public var notes: [String] = []
    /// Entries whose sealed texts were erased by retention (their keys destroyed); their lines are unchanged.
    public var erased = 0
    /// The first line at which the log goes wrong (1-based), when one line can be named.
    public var firstFailingLine: Int?
    public var firstFailingReason: String?

    public var ok: Bool { problems.isEmpty && !verified.isEmpty }

    /// Records `line` as the first failing line if it is earlier than the one recorded.
    public mutating func markBad(_ line: Int, _ why: String) {
        if firstFailingLine.map({ line < $0 }) ?? true {
            firstFailingLine = line
            firstFailingReason = why
        }
    }
}

/// Checks a log file the way an auditor's independent tool does (`tlogverify`): every checkpoint's signature and
/// Merkle root, and the `prev` hash chain of every line, in one streaming pass.
public enum LogVerifier {
    /// A checkpoint to check, with a label for messages (usually its path).
    public struct CheckpointInput: Sendable {
        public var label: String
        public var note: String
        public init(label: String, note: String) {
            self.label = label
            self.note = note
        }
    }

    /// Verifies the log, given as its segment files in order (or one file), against `checkpoints` signed by one of
    /// `keys`. `progress` is told the bytes read so far.
    public static func verify(
        logPaths: [String], checkpoints: [CheckpointInput], keys: [LogVerifierKey], checkChain: Bool = true,
        progress: ((Int) -> Void)? = nil
    ) throws(AuditLogError) -> VerificationReport {
        try verify(
            lines: LineReader(paths: logPaths), checkpoints: checkpoints, keys: keys, checkChain: checkChain,
            progress: progress)
    }

    /// Verifies the log whose lines `reader` yields (segment files, a database: ``LogSource``) against
    /// `checkpoints` signed by one of `keys`, in one pass over the lines.
    public static func verify(
        lines reader: any LogLineSource, checkpoints: [CheckpointInput], keys: [LogVerifierKey],
        checkChain: Bool = true, progress: ((Int) -> Void)? = nil
    ) throws(AuditLogError) -> VerificationReport {
        var report = VerificationReport()
        var targets: [(label: String, checkpoint: Checkpoint, got: TreeHash?)] = []
        for input in checkpoints {
            do {
                let checkpoint = try Checkpoint.open(note: input.note, trusted: keys)
                targets.append((input.label, checkpoint, checkpoint.size == 0 ? MerkleTree.emptyRoot : nil))
            } catch {
                report.problems.append("\(input.label): \(error)")
            }
        }
        targets.sort { $0.checkpoint.size < $1.checkpoint.size }
        if let first = targets.first, targets.contains(where: { $0.checkpoint.origin != first.checkpoint.origin }) {
            report.problems.append("the checkpoints have different origins")
        }
        let maxSize = targets.last?.checkpoint.size ?? 0
        let treeState = TreeState(targets: targets, maxSize: maxSize)
        let chainState = ChainState()

        try reader.forEachChunk(progress: progress) { lines, first in
            // The Merkle leaves and the chain checks of a chunk are independent: one core each. Each part touches
            // only its own state, and concurrentPerform returns after both, while the line buffers are valid.
            let batch = LineBatch(lines: lines)
            DispatchQueue.concurrentPerform(iterations: checkChain ? 2 : 1) { part in
                if part == 0 {
                    treeState.add(batch.lines, first: first)
                } else {
                    chainState.check(batch.lines, first: first)
                }
            }
        }
        targets = treeState.targets
        let chainFirst = chainState.first
        let chainFailures = chainState.failures
        let lineNumber = reader.lines
        report.lines = lineNumber

        for target in targets {
            guard let got = target.got else {
                report.problems.append(
                    "\(target.label): the log has \(lineNumber) line(s) but the checkpoint commits to \(target.checkpoint.size): \(target.checkpoint.size - lineNumber) line(s) missing (tail cut off, or lines deleted)"
                )
                report.markBad(
                    lineNumber + 1,
                    "the log ends after line \(lineNumber), the checkpoint size is \(target.checkpoint.size)")
                continue
            }
            if got != target.checkpoint.root {
                report.problems.append(
                    "\(target.label): the Merkle root of lines 1..\(target.checkpoint.size) is \(Data(got).base64EncodedString()) but the checkpoint says \(Data(target.checkpoint.root).base64EncodedString()): the lines are not the ones that were signed"
                )
            } else {
                report.notes.append("\(target.label): the Merkle root of lines 1..\(target.checkpoint.size) matches")
                report.verified.append(target.checkpoint)
            }
        }
        if !targets.isEmpty, lineNumber > maxSize {
            report.unsignedTrailing = lineNumber - maxSize
            report.warnings.append(
                "\(lineNumber - maxSize) line(s) after line \(maxSize) are covered by no checkpoint given: only the hash chain vouches for them, and anyone who can write the file could have added them"
            )
        }
        if reader.noFinalNewline {
            report.warnings.append("the last line (\(lineNumber)) has no trailing newline: possibly a partial write")
        }
        if checkChain {
            if let first = chainFirst {
                report.problems.append(
                    "hash chain: line \(first.line): \(first.why) (\(chainFailures) line(s) fail the chain check)")
                report.markBad(first.line, first.why)
            } else {
                report.notes.append("hash chain: all \(lineNumber) line(s) link to their predecessor")
            }
        }
        if checkpoints.isEmpty { report.problems.append("no checkpoint given") }
        return report
    }

    /// Verifies one log file.
    public static func verify(
        logPath: String, checkpoints: [CheckpointInput], keys: [LogVerifierKey], checkChain: Bool = true,
        progress: ((Int) -> Void)? = nil
    ) throws(AuditLogError) -> VerificationReport {
        try verify(
            logPaths: [logPath], checkpoints: checkpoints, keys: keys, checkChain: checkChain, progress: progress)
    }

    private static let leafPrefix: [UInt8] = [0]

    /// Lines of one read chunk, borrowed for the length of a `concurrentPerform` that reads them.
    private struct LineBatch: @unchecked Sendable {
        let lines: [UnsafeRawBufferPointer]
    }

    /// The Merkle side of a verification: leaves, and roots at the checkpoints' sizes. One thread at a time.
    private final class TreeState: @unchecked Sendable {
        var tree = MerkleTree()
        var targets: [(label: String, checkpoint: Checkpoint, got: TreeHash?)]
        var nextTarget: Int
        let maxSize: Int

        init(targets: [(label: String, checkpoint: Checkpoint, got: TreeHash?)], maxSize: Int) {
            self.targets = targets
            self.maxSize = maxSize
            self.nextTarget = targets.firstIndex { $0.got == nil } ?? targets.count
        }

        func add(_ lines: [UnsafeRawBufferPointer], first: Int) {
            let count = max(0, min(lines.count, maxSize - first + 1))
            for offset in 0..<count {
                tree.append(leafHash: LogVerifier.leafHash(lines[offset]))
                let number = first + offset
                while nextTarget < targets.count, targets[nextTarget].checkpoint.size == number {
                    targets[nextTarget].got = tree.root
                    nextTarget += 1
                }
            }
        }
    }

    /// The chain side of a verification. One thread at a time.
    private final class ChainState: @unchecked Sendable {
        var expected = [UInt8](repeating: 0, count: 32)  // SHA-256 of the previous line; zeros before line 1
        var first: (line: Int, why: String)?
        var failures = 0

        func check(_ lines: [UnsafeRawBufferPointer], first start: Int) {
            for (offset, line) in lines.enumerated() {
                let number = start + offset
                if let why = LogVerifier.chainProblem(line: line, number: number, expected: expected) {
                    failures += 1
                    if first == nil { first = (number, why) }
                }
                expected = LogVerifier.plainHash(line)
            }
        }
    }

    static func leafHash(_ line: UnsafeRawBufferPointer) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: leafPrefix)
        hasher.update(bufferPointer: line)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    static func plainHash(_ line: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bufferPointer: line)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    /// Why a line's `prev` does not link to the line before (whose SHA-256 is `expected`), or `nil` if it does.
    static func chainProblem(line: UnsafeRawBufferPointer, number: Int, expected: [UInt8]) -> String? {
        switch LineCheck.check(line) {
        case .failure(let why):
            return why
        case .prev(let range, let escaped):
            let field = UnsafeRawBufferPointer(rebasing: line[range])
            if !escaped, field.count == 64 {
                var matches = true
                for i in 0..<32 {
                    let high = lowerHexValue(field[2 * i])
                    let low = lowerHexValue(field[2 * i + 1])
                    if high < 0 || low < 0 || UInt8(high << 4 | low) != expected[i] {
                        matches = false
                        break
                    }
                }
                if matches { return nil }
            }
            let got: String
            if escaped {
                var quoted: [UInt8] = [0x22]
                quoted += field
                quoted.append(0x22)
                got = (try? JSONParser.parse(quoted))?.stringValue ?? ""
            } else {
                got = String(decoding: field, as: UTF8.self)
            }
            let want = hexString(expected)
            if got == want { return nil }
            if got.lowercased() == want { return "\"prev\" has the right digest but not in lowercase hex" }
            if number == 1 {
                return
                    "the first line's \"prev\" is \(got.prefix(16))…, want 64 zeros: the log does not start at its first entry"
            }
            return
                "\"prev\" is \(got.prefix(16))… but SHA-256(line \(number - 1)) is \(want.prefix(16))…: line \(number - 1) was modified, or lines were deleted, inserted or reordered here"
        }
    }

    @inline(__always) static func lowerHexValue(_ b: UInt8) -> Int {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return -1
        }
    }
}
