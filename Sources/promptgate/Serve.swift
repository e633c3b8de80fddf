import ArgumentParser
import AuditLog
import Foundation
import Logging
import PromptGate
import PromptGateServer
import Screening
import Transport

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the screening proxy that employees' chat tools point at.",
        discussion: """
            Point an OpenAI-compatible tool at http://HOST:PORT/v1 instead of the provider. Each prompt is screened, \
            redacted or blocked, recorded in the audit log (fsynced before it leaves), forwarded to the upstream with \
            the city's key, and the answer comes back with placeholders restored.

            On first run a checkpoint signing key is generated in the data folder (log.key, secret) with its \
            verifier key (log.vkey) for auditors. SIGTERM or Ctrl-C finishes open requests and signs a final \
            checkpoint.

            Settings come from, in order of precedence: these options, PROMPTGATE_* environment variables, the YAML \
            file given by --config (or $PROMPTGATE_CONFIG; see docs/promptgate.example.yaml), then the defaults \
            shown. PROMPTGATE_UPSTREAM_KEY holds the city's upstream API key itself (never logged).
            """)

    @Option(help: ArgumentHelp("YAML configuration file (else $PROMPTGATE_CONFIG).", valueName: "path"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "Address to listen on (default 127.0.0.1:8787). Loopback by default; listen wider only behind a firewall.",
            valueName: "host:port"))
    var listen: String?

    @Option(
        help: ArgumentHelp(
            "The upstream's OpenAI-style base URL. Default: $PROMPTGATE_UPSTREAM, else https://api.openai.com/v1.",
            valueName: "url"))
    var upstream: String?

    @Option(
        help: ArgumentHelp(
            "File holding the city's upstream API key (else $PROMPTGATE_UPSTREAM_KEY).", valueName: "path"))
    var upstreamKeyFile: String?

    @Option(
        help: ArgumentHelp(
            "The Anthropic-style base URL for /v1/messages (e.g. https://api.anthropic.com/v1). Without it, /v1/messages answers 404.",
            valueName: "url"))
    var anthropicUpstream: String?

    @Option(
        help: ArgumentHelp(
            "File holding the city's Anthropic API key (else $PROMPTGATE_ANTHROPIC_KEY).", valueName: "path"))
    var anthropicKeyFile: String?

    @Option(
        help: ArgumentHelp(
            "The Ollama server for /api/chat (e.g. http://127.0.0.1:11434). Without it, /api/chat answers 404.",
            valueName: "url"))
    var ollamaUpstream: String?

    @OptionGroup var data: DataOptions
    @OptionGroup var guidelines: GuidelineOptions

    @Option(
        help: ArgumentHelp(
            "The audit log's origin and signing key name. Default: <hostname>/promptgate.", valueName: "name"))
    var origin: String?

    @Option(help: "Sign a checkpoint after this many audit entries (and always at shutdown). Default 1000.")
    var checkpointEvery: Int?

    @Option(help: "Roll the audit log to a new segment file past this many bytes (and every UTC day). Default 256 MiB.")
    var maxSegmentBytes: Int?

    @Option(help: "Sign a checkpoint at least this many seconds after the last one while entries arrive. Default 5.")
    var checkpointSeconds: Int?

    @Option(
        help: ArgumentHelp(
            "Start a new audit log although the one in the data folder no longer matches its signed checkpoints (cut, deleted or replaced). The old checkpoints are kept aside and the restart is recorded and signed with this reason. Without it such a log is refused.",
            valueName: "reason"))
    var startNewLog: String?

    @Option(
        help: ArgumentHelp(
            "The users file: per-user proxy keys (stored hashed) with departments. Without it requests are anonymous.",
            valueName: "path"))
    var users: String?

    @Option(
        help: ArgumentHelp(
            "The city's AI registry (a folder of YAML files): only registered, approved systems are reachable.",
            valueName: "folder"))
    var registry: String?

    @Option(
        help: ArgumentHelp(
            "The department policy file (packs, per-rule overrides, monitor mode per department).", valueName: "path"))
    var policy: String?

    @Option(
        help: ArgumentHelp("The department this proxy serves (its rules in the policy file apply).", valueName: "id"))
    var department: String?

    @Option(
        help: ArgumentHelp(
            "A notice appended to answers of resident-facing systems (the disclosure header is always sent).",
            valueName: "text"))
    var disclosureNotice: String?

    @Option(help: "When a registered system's review date has passed: warn (default) or block.")
    var reviewOverdue: ReviewOverduePolicy?

    @Option(
        help:
            "Parts that cannot be screened as text (images, audio, PDF, token arrays): block (default) or allow (forwarded and recorded as unscreened, with media type, size and a keyed fingerprint). A department's policy may say otherwise."
    )
    var unscreenedParts: UnscreenedPartsPolicy?

    @Option(
        help: ArgumentHelp(
            "The HMAC key for fingerprints of values, kept apart from the log (default DATA/fingerprint.key).",
            valueName: "path"))
    var fingerprintKey: String?

    @Option(
        help: ArgumentHelp("PEM bundle of trusted CAs for the upstream (e.g. a corporate root).", valueName: "path"))
    var caBundle: String?

    @Option(help: ArgumentHelp("Outbound proxy URL; libcurl otherwise reads https_proxy / no_proxy.", valueName: "url"))
    var proxy: String?

    @Option(help: "Seconds allowed to connect to the upstream. Default 10.")
    var connectTimeout: Int?

    @Option(help: "Seconds allowed for the upstream's first response byte. Default 120.")
    var firstByteTimeout: Int?

    @Option(help: "Seconds an upstream stream may stay silent before it is cut. Default 120.")
    var idleTimeout: Int?

    @Option(help: "Seconds a client may take to send a whole request (or sit idle between requests). Default 30.")
    var clientTimeout: Int?

    @Option(help: "Largest request body accepted, in bytes. Default 8 MiB.")
    var maxRequestBytes: Int?

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        // A file-size limit must make an audit append fail (and the request fail closed), not kill the proxy.
        signal(SIGXFSZ, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        var settings = ProxySettings()
        if let path = config ?? environment["PROMPTGATE_CONFIG"], !path.isEmpty {
            settings = try explained("configuration") { try ProxySettings.load(path: path) }
        }
        settings.apply(environment: environment)
        func number(_ option: Int?, _ name: String, _ fallback: Int) throws -> Int {
            if let option { return option }
            return try explained("configuration") { try settings.int(name) } ?? fallback
        }
        let (host, port) = try parseListen(listen ?? settings.string("listen") ?? "127.0.0.1:8787")
        let packs = try guidelines.load(configured: settings.string("guidelines"))
        let folder = data.resolved(configured: settings.string("data"))
        let maxRequestBytes = try number(self.maxRequestBytes, "max_request_bytes", 8 << 20)
        var configuration = GateConfiguration(
            upstreamBaseURL: upstream ?? settings.string("upstream") ?? "https://api.openai.com/v1",
            upstreamAPIKey: try secret(
                file: upstreamKeyFile ?? settings.string("upstream_key_file"),
                environment: environment["PROMPTGATE_UPSTREAM_KEY"]),
            packs: packs, dataDirectory: folder,
            checkpointEvery: try number(checkpointEvery, "checkpoint_every", 1000),
            checkpointInterval: .seconds(try number(checkpointSeconds, "checkpoint_seconds", 5)),
            maxSegmentBytes: try number(maxSegmentBytes, "max_segment_bytes", 256 << 20),
            transport: TransportConfiguration(
                connectTimeout: .seconds(try number(connectTimeout, "connect_timeout", 10)),
                firstByteTimeout: .seconds(try number(firstByteTimeout, "first_byte_timeout", 120)),
                idleTimeout: .seconds(try number(idleTimeout, "idle_timeout", 120)),
                caBundlePath: caBundle ?? settings.string("ca_bundle"),
                clientCertificatePath: settings.string("client_certificate"),
                clientKeyPath: settings.string("client_key"),
                proxy: proxy ?? settings.string("proxy"), noProxy: settings.string("no_proxy"),
                http2: try explained("configuration") { try settings.bool("http2") } ?? true),
            maxRequestBytes: maxRequestBytes)
        configuration.anthropicBaseURL = anthropicUpstream ?? settings.string("anthropic_upstream")
        configuration.ollamaBaseURL = ollamaUpstream ?? settings.string("ollama_upstream")
        configuration.anthropicAPIKey = try secret(
            file: anthropicKeyFile ?? settings.string("anthropic_key_file"),
            environment: environment["PROMPTGATE_ANTHROPIC_KEY"])
        if let origin = origin ?? settings.string("origin") { configuration.logOrigin = origin }
        configuration.fingerprintKeyPath = fingerprintKey ?? settings.string("fingerprint_key")
        configuration.reviewOverdue =
            try choice(reviewOverdue, "review_overdue", in: settings) ?? configuration.reviewOverdue
        configuration.unscreenedParts =
            try choice(unscreenedParts, "unscreened_parts", in: settings) ?? configuration.unscreenedParts
        configuration.defaultDepartment = department ?? settings.string("department")
        if let reason = startNewLog {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError("--start-new-log needs a reason: it is recorded in the new log for the auditors")
            }
            configuration.startNewLog = reason
        }
        if let users = users ?? settings.string("users") {
            configuration.users = try explained("users file") { try UserDirectory.load(path: users) }
        } else {
            printError(
                "PromptGate: no users file (--users): requests are anonymous and any client on this machine can use the proxy."
            )
        }
        configuration.disclosureNotice = disclosureNotice ?? settings.string("disclosure_notice")
        if let policy = policy ?? settings.string("policy") {
            configuration.policies = try explained("policy") { try DepartmentPolicies.load(path: policy, packs: packs) }
        }
        if let registry = registry ?? settings.string("registry") {
            configuration.registry = try explained("registry") { try Registry.load(directory: registry) }
        } else {
            printError(
                "PromptGate: no AI registry (--registry): any model at the upstream is reachable, and high-impact purposes are blocked."
            )
        }

        let gate: Gate
        let report: Gate.StartupReport
        do {
            (gate, report) = try await Gate.start(configuration)
        } catch {
            throw CLIError("cannot start: \(error)")
        }
        if report.keyCreated {
            printError(
                """
                PromptGate: generated a new audit-log signing key in \(folder)/log.key (secret, mode 0600).
                PromptGate: give auditors the verifier key in \(folder)/log.vkey:
                  \(gate.verifierKey.text)
                """)
        }
        for (path, mode) in report.permissionsFixed {
            printError(
                "PromptGate: WARNING: \(path) could be read by others (mode \(String(mode, radix: 8))); it was made private."
            )
        }
        if let restart = report.restart {
            printError(
                "PromptGate: started a new audit log as asked: \(restart.mismatch). The old checkpoints are in \(folder)/\(restart.supersededFolder); the restart is recorded."
            )
        }
        if report.unsignedAtStart > 0 {
            printError(
                "PromptGate: \(report.unsignedAtStart) audit entries after the last signed checkpoint were found (the proxy stopped without closing the log); recorded and signed now."
            )
        }
        if let recovered = report.recoveredTo {
            printError(
                "PromptGate: the audit log ended in a torn line (a crash mid-write); it was moved to \(recovered) and recorded."
            )
        }
        if configuration.upstreamAPIKey == nil {
            printError(
                "PromptGate: no upstream key (set PROMPTGATE_UPSTREAM_KEY or --upstream-key-file): requests go upstream without one."
            )
        }
        let server = ProxyServer(
            gate: gate,
            configuration: ServerConfiguration(
                host: host, port: port, maxRequestBytes: maxRequestBytes,
                clientTimeout: .seconds(max(1, try number(clientTimeout, "client_timeout", 30)))))
        let packList = packs.map { "\($0.id)@\($0.version)" }.joined(separator: ", ")
        let upstreamURL = configuration.upstreamBaseURL
        do {
            try await server.run { bound in
                printLine(
                    "PromptGate listening on http://\(host):\(bound) (OpenAI base URL http://\(host):\(bound)/v1)")
                printLine(
                    "PromptGate forwarding to \(upstreamURL); guidelines: \(packList); audit log: \(folder)/audit.log")
            }
        } catch {
            try? await gate.shutdown()
            throw error
        }
        try await gate.shutdown()
        printError("PromptGate: stopped; final checkpoint signed at \(await gate.auditLog.size) entries.")
    }

    /// A setting with a fixed set of values: the option if given, else the configuration's (refused with its
    /// file and line if it is none of them), else nil.
    private func choice<T: RawRepresentable & CaseIterable>(_ option: T?, _ name: String, in settings: ProxySettings)
        throws -> T? where T.RawValue == String
    {
        if let option { return option }
        guard let text = settings.string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: " or ")
            throw CLIError("configuration error: \(settings.values[name]?.origin ?? ""): \(name) must be \(allowed)")
        }
        return value
    }

    /// Runs a loader, turning its error into a message that names what was being loaded (file and line included).
    private func explained<T>(_ what: String, _ load: () throws -> T) throws -> T {
        do {
            return try load()
        } catch {
            throw CLIError("\(what) error: \(error)")
        }
    }

    /// A key from its file, else from an environment variable's value.
    private func secret(file: String?, environment value: String?) throws -> Secret? {
        if let path = file {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("cannot read the key file \(path)")
            }
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return key.isEmpty ? nil : Secret(key)
        }
        if let value, !value.isEmpty { return Secret(value) }
        return nil
    }
}

/// Splits `host:port` (IPv6 as `[::1]:8787`).
func parseListen(_ text: String) throws -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
        (0...65535).contains(port)
    else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8787") }
    var host = String(text[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return (host.isEmpty ? "127.0.0.1" : host, port)
}
