import ArgumentParser
import AuditLog
import Dispatch
import Foundation
import PromptGate
import Reporting

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Write a period's report as one self-contained HTML file (SVG charts, no scripts, no external files).",
        discussion: """
            Reads the log once for the counts (prompts per day by department, decisions over time, the rules that \
            fired most with their guideline sources, registered systems used, attempts at unregistered systems, \
            high-impact purposes and their assessments) and verifies it against DATA/checkpoint at the same time; \
            witnesses come from DATA/checkpoint.cosigned. Every number names the `promptgate log show` command that \
            prints the entries behind it.

            --public keeps only what is safe to publish: counts by department, system and rule, counts below \
            --threshold shown as "< N", next to the registry's transparency record; no user ids and no text.

            Exit status: 0 written (also when verification failed: the report says so); 2 usage or I/O error.
            """)

    @OptionGroup var location: LogLocation
    @Option(help: "Only entries at or after this time (RFC 3339 text or a prefix, e.g. 2026-12-01).") var since: String?
    @Option(help: "Only entries before this time.") var until: String?
    @Option(help: ArgumentHelp("Where to write the HTML file.", valueName: "path")) var out: String
    @Flag(name: .customLong("public"), help: "Only what is safe to publish, small counts suppressed.")
    var publicPage = false
    @Option(help: "With --public: counts below this are shown as \"< N\".") var threshold = 10
    @Option(help: ArgumentHelp("The AI registry folder: review dates, the transparency record.", valueName: "folder"))
    var registry: String?
    @OptionGroup var guidelines: GuidelineOptions
    @Option(
        help: ArgumentHelp(
            "Witness policy file: cosignatures in DATA/checkpoint.cosigned are checked against it.",
            valueName: "path"))
    var witnessPolicy: String?
    @Flag(inversion: .prefixedNo, help: "Verify the log against its signed checkpoint.") var verify = true
    @Option(help: "The publishing organisation (the transparency record).") var organization = "City"
    @Option(help: "The page's title.") var title: String?

    func run() throws {
        guard threshold >= 1 else { throw ValidationError("--threshold must be at least 1") }
        let source: any LogSource
        do { source = try location.source() } catch { throw CLIError("report: \(error)") }
        defer { source.close() }
        var loadedRegistry: Registry?
        if let registry {
            do { loadedRegistry = try Registry.load(directory: registry) } catch {
                throw CLIError("report: registry error: \(error)")
            }
        }
        let sources = ReportContext.ruleSources(try guidelines.load())
        let policy: WitnessPolicy?
        do {
            policy = try witnessPolicy.map { path throws(ConfigurationError) in try WitnessPolicy.load(path: path) }
        } catch {
            throw CLIError("report: \(error)")
        }

        // The counts, and the verifier's own pass over the same log: at once on two cores for segment files, one
        // after the other for a database (one connection).
        let paths = location.progressPaths(source)
        let progress = ProgressBar(paths: paths, enabled: !paths.isEmpty && isatty(STDERR_FILENO) == 1)
        let results = ReportPasses()
        let (since, until, verify) = (self.since, self.until, self.verify)
        let folder = (source as? FolderLogSource)?.directory
        let pass = { (pass: Int) in
            if pass == 0 {
                results.statistics = Result(catching: { () throws(AuditLogError) in
                    try ReportStatistics.read(
                        lines: try source.lineReader(), since: since, until: until, progress: progress.update)
                })
            } else {
                results.verification = Self.verification(source: source, witnessFolder: folder, policy: policy)
            }
        }
        if folder != nil {
            // Safe to share: a folder's source is immutable paths, and each pass opens the files on its own.
            nonisolated(unsafe) let shared = pass
            DispatchQueue.concurrentPerform(iterations: verify ? 2 : 1) { shared($0) }
        } else {
            (0..<(verify ? 2 : 1)).forEach(pass)
        }
        progress.done()
        let statistics: ReportStatistics
        do { statistics = try results.statistics!.get() } catch { throw CLIError("report: \(error)") }
        let now = Date()
        let context = ReportContext(
            page: publicPage ? .publicSummary(threshold: threshold) : .full,
            title: title ?? (publicPage ? "Generative AI use: public summary" : "PromptGate audit report"),
            generatedAt: AuditEntry.rfc3339(now), today: String(AuditEntry.rfc3339(now).prefix(10)),
            verification: results.verification, registry: loadedRegistry, ruleSources: sources,
            publisher: .init(organization: organization, country: "", area: ""))
        let html = ReportPage.render(statistics, context: context)
        guard FileManager.default.createFile(atPath: out, contents: Data(html.utf8)) else {
            throw CLIError("report: cannot write \(out)")
        }
        let verdict = results.verification.map { $0.ok ? "log verified" : "log verification FAILED" } ?? "not verified"
        printError(
            "report: \(statistics.prompts) prompts in \(statistics.entries) entries (\(statistics.linesRead) lines read); \(verdict); wrote \(out)"
        )
    }

    /// `promptgate verify`'s result for the log, as the report shows it; cosignatures are read from `witnessFolder`.
    static func verification(source: any LogSource, witnessFolder: String?, policy: WitnessPolicy?)
        -> VerificationSummary
    {
        func failed(_ why: String) -> VerificationSummary {
            VerificationSummary(
                ok: false, lines: 0, checkpointSize: nil, root: nil, unsignedTrailing: 0, witnesses: [],
                problems: [why], warnings: [])
        }
        do {
            let keys = try source.verifierKeys()
            guard let checkpoint = try source.latestCheckpoint() else {
                return failed(
                    "\((source as? FolderLogSource)?.checkpointPath ?? source.name): cannot read the checkpoint")
            }
            let report = try LogVerifier.verify(lines: try source.lineReader(), checkpoints: [checkpoint], keys: keys)
            let best = report.verified.max { $0.size < $1.size }
            return VerificationSummary(
                ok: report.ok, lines: report.lines, checkpointSize: best?.size,
                root: best.map { Data($0.root).base64EncodedString() }, unsignedTrailing: report.unsignedTrailing,
                witnesses: witnessFolder.map { witnesses(folder: $0, policy: policy) } ?? [],
                problems: report.problems, warnings: report.warnings)
        } catch {
            return failed("\(error)")
        }
    }

    /// The cosignatures on DATA/checkpoint.cosigned: checked against the policy, or listed as unchecked.
    static func witnesses(folder: String, policy: WitnessPolicy?) -> [String] {
        guard let note = try? BoundedFile.text(WitnessedCheckpoint.path(dataDirectory: folder), limit: 64 << 10) else {
            return []
        }
        let format = ISO8601DateFormatter()
        if let policy {
            var lines = policy.vouches(note: note).map { index, vouch in
                "\(policy.witnesses[index].name) cosigned at \(format.string(from: Date(timeIntervalSince1970: TimeInterval(vouch.time)))) (checked)"
            }
            let met = policy.isSatisfied(by: Set(policy.vouches(note: note).map(\.index)))
            lines.append("quorum \(policy.quorumDescription): \(met ? "met" : "NOT met")")
            return lines
        }
        guard let (_, signatures) = try? SignedNote.split(note) else { return [] }
        // A cosignature is a key id, an 8-byte time and a 64-byte Ed25519 signature.
        return signatures.compactMap { SignedNote.signature($0) }.filter { $0.bytes.count == 4 + 8 + 64 }.map {
            "\($0.name) (a cosignature; not checked: give --witness-policy)"
        }
    }
}

/// The two passes' results, each written by one of them before `concurrentPerform` returns.
private final class ReportPasses: @unchecked Sendable {
    var statistics: Result<ReportStatistics, AuditLogError>?
    var verification: VerificationSummary?
}
