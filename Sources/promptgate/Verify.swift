import ArgumentParser
import AuditLog
import Foundation
import JSONCore

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify an audit log: checkpoint signatures, Merkle roots and the hash chain.",
        discussion: """
            Streams the log once. Checks that each checkpoint is signed by a trusted key, that the RFC 6962 root of \
            the log's first SIZE lines equals the checkpoint's, and that every line's "prev" is the SHA-256 of the \
            line before. Prints the first failing line and why.

            Defaults come from the data folder: its segments (audit-*.log, then audit.log), DATA/checkpoint, \
            DATA/log.vkey. Give several --checkpoint to check a newer one and one you kept earlier in one pass: a \
            rewritten or forked history fails against the earlier one.

            Exit status: 0 verified; 1 verification failed; 2 usage or I/O error.
            """)

    @OptionGroup var location: LogLocation

    @Option(
        help: ArgumentHelp("A signed checkpoint to check (repeatable; default DATA/checkpoint).", valueName: "path"))
    var checkpoint: [String] = []

    @Flag(help: "Check every checkpoint ever signed (DATA/checkpoints/*) in the same pass, not only the newest.")
    var allCheckpoints = false

    @Option(
        help: ArgumentHelp(
            "A trusted verifier key, literal or @file (repeatable; default DATA/log.vkey and DATA/keys/*).",
            valueName: "key"))
    var key: [String] = []

    @Flag(inversion: .prefixedNo, help: "Check the \"prev\" hash chain.")
    var chain = true

    @Option(
        help: ArgumentHelp(
            "Also check an inclusion proof against the log and the checkpoint of its size.", valueName: "path"))
    var inclusionProof: String?

    @Option(
        help: ArgumentHelp(
            "Also check a consistency proof between the two checkpoints of its sizes.", valueName: "path"))
    var consistencyProof: String?

    @Option(
        help: ArgumentHelp(
            "Witness policy file (C2SP tlog-policy): each checkpoint must carry cosignatures meeting its quorum (default checkpoint DATA/checkpoint.cosigned).",
            valueName: "path"))
    var witnessPolicy: String?

    @Option(
        help: ArgumentHelp(
            "A witness's verifier key (type 0x04), literal or @file (repeatable; instead of --witness-policy).",
            valueName: "key"))
    var witness: [String] = []

    @Option(help: "How many of the --witness keys must have cosigned (default: all).")
    var witnessQuorum: Int?

    @Flag(help: "Print the result as JSON.")
    var json = false

    // Published trees and proofs that travel (VerifyTiles.swift): no log file needed.
    @Option(
        help: ArgumentHelp(
            "Verify the C2SP tlog-tiles tree served at this URL prefix (URL/checkpoint, URL/tile/…) from its tiles alone; --checkpoint files are earlier checkpoints it must be consistent with.",
            valueName: "url"))
    var url: String?

    @Option(
        help: ArgumentHelp(
            "Verify a copy of a published tile tree in this folder (as `promptgate publish` writes it).",
            valueName: "folder"))
    var tiles: String?

    @Flag(inversion: .prefixedNo, help: "With --url or --tiles: also check every entry bundle against the tiles.")
    var entries = true

    @Option(
        help: ArgumentHelp(
            "Verify an offline proof file (`promptgate prove entry`, C2SP tlog-proof) on its own.", valueName: "path"))
    var proof: String?

    @Option(
        help: ArgumentHelp(
            "With --proof: the entry (the log line) the proof must be about.", valueName: "path"))
    var entry: String?

    @Option(
        help: ArgumentHelp(
            "Verify a records-request bundle (`promptgate disclose`) offline; give the city's published key with --key.",
            valueName: "folder"))
    var disclosure: String?

    func run() throws {
        if let disclosure { return try runDisclosure(disclosure) }
        if let proof { return try runProofFile(proof) }
        if url != nil || tiles != nil { return try runFromTiles() }
        let folder = location.data.resolved
        let witnesses = try witnessRule()
        do {
            let source = try location.source()
            defer { source.close() }
            var inputs: [LogVerifier.CheckpointInput] = []
            for path in checkpoint.isEmpty && witnesses != nil
                ? [folder + "/" + WitnessedCheckpoint.fileName] : checkpoint
            {
                guard let note = try BoundedFile.text(path) else {
                    throw AuditLogError.io(path: path, reason: "cannot read the checkpoint")
                }
                inputs.append(LogVerifier.CheckpointInput(label: path, note: note))
            }
            if inputs.isEmpty {
                guard let latest = try source.latestCheckpoint() else {
                    if try source.isEmpty() {
                        // A fresh log: nothing was written, so nothing needs a signature yet.
                        json
                            ? printJSON(VerificationReport(), fresh: true)
                            : print("verified 0 entries: no checkpoint yet (a fresh log)")
                        return
                    }
                    throw AuditLogError.io(path: location.checkpointLabel, reason: "cannot read the checkpoint")
                }
                inputs.append(latest)
            }
            if allCheckpoints { inputs += try source.checkpointHistory() }
            let keys: [LogVerifierKey]
            if key.isEmpty {
                keys = try source.verifierKeys()
            } else {
                keys = try key.map { argument throws(AuditLogError) in try LogKeyStore.verifierKey(argument: argument) }
            }
            let lines = try source.lineReader()
            let measured = location.progressPaths(source)
            let progress = ProgressBar(
                paths: measured, enabled: !json && !measured.isEmpty && isatty(STDERR_FILENO) == 1)
            var report = try LogVerifier.verify(
                lines: lines, checkpoints: inputs, keys: keys, checkChain: chain, progress: progress.update)
            progress.done()
            report.problems += forkProblems(inputs, keys: keys)
            // Texts erased by retention: counted, not a problem (their lines are unchanged and verified above).
            do {
                let tombstones = try location.retentionRing().tombstones
                report.erased = try RetentionCensus.erasedEntries(try source.lineReader(), tombstones: tombstones)
            } catch {
                report.warnings.append("the texts erased by retention could not be counted: \(error)")
            }
            if let inclusionProof { try checkInclusion(inclusionProof, report: &report, source: source) }
            if let consistencyProof { try checkConsistency(consistencyProof, report: &report) }
            if let witnesses { checkCosignatures(inputs, policy: witnesses, report: &report) }
            json ? printJSON(report) : printText(report)
            if !report.ok { throw ExitCode(1) }
        } catch let error as AuditLogError {
            printError("verify: \(error)")
            throw ExitCode(2)
        }
    }

    private func checkInclusion(
        _ path: String, report: inout VerificationReport, source: any LogSource
    ) throws(AuditLogError) {
        let proof = try InclusionProof(json: try readText(path))
        guard let checkpoint = report.verified.first(where: { $0.size == proof.size }) else {
            report.problems.append("inclusion proof: no verified checkpoint of size \(proof.size) was given")
            return
        }
        guard let line = try LogLeaves.line(proof.index + 1, reader: source.lineReader()) else {
            report.problems.append("inclusion proof: the log has no line \(proof.index + 1)")
            return
        }
        if proof.verify(leafHash: MerkleTree.leafHash(line), root: checkpoint.root) {
            report.notes.append("inclusion proof: line \(proof.index + 1) is in the tree of size \(proof.size)")
        } else {
            report.problems.append("inclusion proof does NOT verify for line \(proof.index + 1)")
            report.markBad(proof.index + 1, "line \(proof.index + 1) is not the entry the inclusion proof commits to")
        }
    }

    private func checkConsistency(_ path: String, report: inout VerificationReport) throws(AuditLogError) {
        let proof = try ConsistencyProof(json: try readText(path))
        guard let old = report.verified.first(where: { $0.size == proof.oldSize }),
            let new = report.verified.first(where: { $0.size == proof.newSize })
        else {
            report.problems.append(
                "consistency proof: give verified checkpoints of sizes \(proof.oldSize) and \(proof.newSize)")
            return
        }
        if proof.verify(oldRoot: old.root, newRoot: new.root) {
            report.notes.append(
                "consistency proof: the tree of size \(proof.oldSize) is a prefix of the tree of size \(proof.newSize)")
        } else {
            report.problems.append(
                "consistency proof does NOT verify: the log of size \(proof.newSize) is not an extension of the one of size \(proof.oldSize) (a fork or a rewrite)"
            )
        }
    }

    private func readText(_ path: String) throws(AuditLogError) -> String {
        guard let text = try BoundedFile.text(path, limit: 16 << 20) else {
            throw AuditLogError.io(path: path, reason: "cannot read the file")
        }
        return text
    }

    private func printText(_ report: VerificationReport) {
        for note in report.notes { print("ok:   \(note)") }
        for warning in report.warnings { print("WARN: \(warning)") }
        for problem in report.problems { print("FAIL: \(problem)") }
        if report.erased > 0 {
            print(
                "ok:   \(report.erased) entr\(report.erased == 1 ? "y's" : "ies'") texts erased by retention "
                    + "(their keys destroyed); their lines, hashes and proofs are unchanged")
        }
        if report.ok, let best = report.verified.max(by: { $0.size < $1.size }) {
            let unsigned =
                report.unsignedTrailing > 0
                ? "; \(report.unsignedTrailing) later entr\(report.unsignedTrailing == 1 ? "y is" : "ies are") signed by no checkpoint"
                : ""
            print(
                "verified \(best.size) entries, root \(Data(best.root).base64EncodedString()), \(chain ? "chain ok" : "chain not checked")\(unsigned)"
            )
        } else {
            let place =
                report.firstFailingLine.map { "first failing line \($0): \(report.firstFailingReason ?? "")" }
                ?? "not tied to one line (a checkpoint or signature problem, or a root mismatch the root alone cannot localize)"
            print("verification FAILED: \(report.problems.count) problem(s); \(place)")
        }
    }

    private func printJSON(_ report: VerificationReport, fresh: Bool = false) {
        var members: [(key: String, value: JSONValue)] = [
            ("ok", .bool(report.ok || fresh)), ("lines", .int(report.lines)),
            ("unsigned_trailing", .int(report.unsignedTrailing)), ("erased", .int(report.erased)),
            (
                "verified",
                .array(
                    report.verified.map {
                        .object([("size", .int($0.size)), ("root", .string(Data($0.root).base64EncodedString()))])
                    })
            ),
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

    init(paths: [String], enabled: Bool) {
        let size = paths.reduce(0) {
            $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0)
        }
        self.total = max(size, 1)
        self.enabled = enabled
    }

    func update(_ bytes: Int) {
        guard enabled else { return }
        let percent = min(100, bytes * 100 / total)
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent / 4
        printErrorInline(
            "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 25 - filled))] \(percent)%")
    }

    func done() { if enabled && lastPercent >= 0 { printErrorInline("\r\u{1B}[K") } }

    private func printErrorInline(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
