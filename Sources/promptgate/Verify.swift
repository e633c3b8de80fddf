import ArgumentParser
import AuditLog
import Foundation
import JSONCore

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify an audit log: checkpoint signatures, Merkle roots and the hash chain.",
        discussion: """
            Streams the log once. Checks that each checkpoint is signed by a trusted key, that the RFC 6962 root of \
            the log's first SIZE lines equals the checkpoint's, and that every line's "prev" is the SHA-256 of the \
            line before. Prints the first failing line and why.

            Defaults come from the data folder: DATA/audit.log, DATA/checkpoint, DATA/log.vkey.

            Exit status: 0 verified; 1 verification failed; 2 usage or I/O error.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The log file (default DATA/audit.log).", valueName: "path"))
    var log: String?

    @Option(help: ArgumentHelp("A signed checkpoint to check (repeatable; default DATA/checkpoint).", valueName: "path"))
    var checkpoint: [String] = []

    @Option(help: ArgumentHelp("A trusted verifier key, literal or @file (repeatable; default @DATA/log.vkey).", valueName: "key"))
    var key: [String] = []

    @Flag(inversion: .prefixedNo, help: "Check the \"prev\" hash chain.")
    var chain = true

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let folder = data.resolved
        let logPath = log ?? folder + "/audit.log"
        let checkpointPaths = checkpoint.isEmpty ? [folder + "/checkpoint"] : checkpoint
        let keyArguments = key.isEmpty ? ["@" + folder + "/log.vkey"] : key
        do {
            let keys = try keyArguments.map { argument throws(AuditLogError) in try LogKeyStore.verifierKey(argument: argument) }
            var inputs: [LogVerifier.CheckpointInput] = []
            for path in checkpointPaths {
                guard let note = FileManager.default.contents(atPath: path) else {
                    throw AuditLogError.io(path: path, reason: "cannot read the checkpoint")
                }
                inputs.append(LogVerifier.CheckpointInput(label: path, note: String(decoding: note, as: UTF8.self)))
            }
            let progress = ProgressBar(path: logPath, enabled: !json && isatty(STDERR_FILENO) == 1)
            let report = try LogVerifier.verify(
                logPath: logPath, checkpoints: inputs, keys: keys, checkChain: chain, progress: progress.update)
            progress.done()
            json ? printJSON(report) : printText(report)
            if !report.ok { throw ExitCode(1) }
        } catch let error as AuditLogError {
            printError("verify: \(error)")
            throw ExitCode(2)
        }
    }

    private func printText(_ report: VerificationReport) {
        for note in report.notes { print("ok:   \(note)") }
        for warning in report.warnings { print("WARN: \(warning)") }
        for problem in report.problems { print("FAIL: \(problem)") }
        if report.ok, let best = report.verified.max(by: { $0.size < $1.size }) {
            print("verified \(best.size) entries, root \(Data(best.root).base64EncodedString()), \(chain ? "chain ok" : "chain not checked")")
        } else {
            let place = report.firstFailingLine.map { "first failing line \($0): \(report.firstFailingReason ?? "")" }
                ?? "not tied to one line (a checkpoint or signature problem, or a root mismatch the root alone cannot localize)"
            print("verification FAILED: \(report.problems.count) problem(s); \(place)")
        }
    }

    private func printJSON(_ report: VerificationReport) {
        var members: [(key: String, value: JSONValue)] = [
            ("ok", .bool(report.ok)), ("lines", .int(report.lines)),
            ("verified", .array(report.verified.map {
                .object([("size", .int($0.size)), ("root", .string(Data($0.root).base64EncodedString()))])
            })),
            ("problems", .array(report.problems.map { .string($0) })),
            ("warnings", .array(report.warnings.map { .string($0) })),
        ]
        if let line = report.firstFailingLine {
            members.append(("first_failing_line", .int(line)))
            members.append(("first_failing_reason", .string(report.firstFailingReason ?? "")))
        }
        print(JSONValue.object(members).serialized())
    }
}

/// A progress bar on standard error, for terminals only.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private var lastPercent = -1

    init(path: String, enabled: Bool) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        self.total = max(size, 1)
        self.enabled = enabled
    }

    func update(_ bytes: Int) {
        guard enabled else { return }
        let percent = min(100, bytes * 100 / total)
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent / 4
        printErrorInline("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 25 - filled))] \(percent)%")
    }

    func done() { if enabled && lastPercent >= 0 { printErrorInline("\r\u{1B}[K") } }

    private func printErrorInline(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
