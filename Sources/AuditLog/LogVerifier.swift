import Crypto
import Foundation
import JSONCore

/// The outcome of checking a log against its checkpoints.
public struct VerificationReport: Sendable {
    /// Lines in the log file.
    public var lines = 0
    /// The checkpoints that verified: their sizes and roots.
    public var verified: [Checkpoint] = []
    public var problems: [String] = []
    public var warnings: [String] = []
    public var notes: [String] = []
    /// The first line at which the log goes wrong (1-based), when one line can be named.
    public var firstFailingLine: Int?
    public var firstFailingReason: String?

    public var ok: Bool { problems.isEmpty && !verified.isEmpty }

    mutating func markBad(_ line: Int, _ why: String) {
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

    /// Verifies `logPath` against `checkpoints` signed by one of `keys`. `progress` is told the bytes read so far.
    public static func verify(
        logPath: String, checkpoints: [CheckpointInput], keys: [LogVerifierKey], checkChain: Bool = true,
        progress: ((Int) -> Void)? = nil
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

        guard let handle = FileHandle(forReadingAtPath: logPath) else {
            throw AuditLogError.io(path: logPath, reason: "cannot open the log")
        }
        defer { try? handle.close() }
        var tree = MerkleTree()
        var expectedPrev = String(repeating: "0", count: 64)
        var chainFirst: (line: Int, why: String)?
        var chainFailures = 0
        var lineNumber = 0
        var nextTarget = targets.firstIndex { $0.got == nil } ?? targets.count
        var carry: [UInt8] = []
        var bytesRead = 0
        var noFinalNewline = false

        func take(_ line: ArraySlice<UInt8>) {
            lineNumber += 1
            if lineNumber <= maxSize {
                tree.append(leafData: line)
                while nextTarget < targets.count, targets[nextTarget].checkpoint.size == lineNumber {
                    targets[nextTarget].got = tree.root
                    nextTarget += 1
                }
            }
            if checkChain {
                if let why = chainProblem(line: line, number: lineNumber, expected: expectedPrev) {
                    chainFailures += 1
                    if chainFirst == nil { chainFirst = (lineNumber, why) }
                }
                expectedPrev = hexString(SHA256.hash(data: Array(line)))
            }
        }

        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw AuditLogError.io(path: logPath, reason: "read failed: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            bytesRead += chunk.count
            let bytes = [UInt8](chunk)
            var start = 0
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                if carry.isEmpty {
                    take(bytes[start..<newline])
                } else {
                    carry.append(contentsOf: bytes[start..<newline])
                    take(carry[...])
                    carry.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            carry.append(contentsOf: bytes[start...])
            progress?(bytesRead)
        }
        if !carry.isEmpty {
            noFinalNewline = true
            take(carry[...])
        }
        report.lines = lineNumber

        for target in targets {
            guard let got = target.got else {
                report.problems.append(
                    "\(target.label): the log has \(lineNumber) line(s) but the checkpoint commits to \(target.checkpoint.size): \(target.checkpoint.size - lineNumber) line(s) missing (tail cut off, or lines deleted)")
                report.markBad(lineNumber + 1, "the log ends after line \(lineNumber), the checkpoint size is \(target.checkpoint.size)")
                continue
            }
            if got != target.checkpoint.root {
                report.problems.append(
                    "\(target.label): the Merkle root of lines 1..\(target.checkpoint.size) is \(Data(got).base64EncodedString()) but the checkpoint says \(Data(target.checkpoint.root).base64EncodedString()): the lines are not the ones that were signed")
            } else {
                report.notes.append("\(target.label): the Merkle root of lines 1..\(target.checkpoint.size) matches")
                report.verified.append(target.checkpoint)
            }
        }
        if !targets.isEmpty, lineNumber > maxSize {
            report.notes.append("\(lineNumber - maxSize) line(s) after line \(maxSize) are not covered by a checkpoint (chain-checked only)")
        }
        if noFinalNewline {
            report.warnings.append("the last line (\(lineNumber)) has no trailing newline: possibly a partial write")
        }
        if checkChain {
            if let first = chainFirst {
                report.problems.append("hash chain: line \(first.line): \(first.why) (\(chainFailures) line(s) fail the chain check)")
                report.markBad(first.line, first.why)
            } else {
                report.notes.append("hash chain: all \(lineNumber) line(s) link to their predecessor")
            }
        }
        if checkpoints.isEmpty { report.problems.append("no checkpoint given") }
        return report
    }

    /// Why a line's `prev` does not link to the line before, or `nil` if it does.
    static func chainProblem(line: ArraySlice<UInt8>, number: Int, expected: String) -> String? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return "the line is not valid JSON (\(error))"
        }
        guard case .object(let members) = value else { return "the line is not a JSON object" }
        let prevs = members.filter { $0.key == "prev" }
        guard prevs.count == 1 else { return "missing top-level \"prev\" member" }
        guard case .string(let got) = prevs[0].value else { return "\"prev\" is not a JSON string" }
        if got == expected { return nil }
        if got.lowercased() == expected { return "\"prev\" has the right digest but not in lowercase hex" }
        if number == 1 {
            return "the first line's \"prev\" is \(got.prefix(16))…, want 64 zeros: the log does not start at its first entry"
        }
        return "\"prev\" is \(got.prefix(16))… but SHA-256(line \(number - 1)) is \(expected.prefix(16))…: line \(number - 1) was modified, or lines were deleted, inserted or reordered here"
    }
}
