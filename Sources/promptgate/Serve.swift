import ArgumentParser
import AuditLog
import FeedOTLP
import Foundation
import Logging
import PromptGate
import PromptGateServer
import Screening
import Transport

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
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
            "Address to listen on (default \(ServerConfiguration.defaultListen)). Loopback by default; listen wider only behind a firewall.",
            valueName: "host:port"))
    var listen: String?

    @Option(
        help: ArgumentHelp(
            "The upstream's OpenAI-style base URL. Default: $PROMPTGATE_UPSTREAM, else \(GateConfiguration.defaultUpstreamBaseURL).",
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

    @Option(
        help: ArgumentHelp(
            "Where the audit log is: file (segment files in the data folder, the default) or postgres://user@host:port/database?sslmode=verify-full for one log shared by several proxies (password in $PROMPTGATE_LOG_PASSWORD; every proxy of a log uses the same origin and log.key).",
            valueName: "file|url"))
    var log: String?

    @Option(
        help:
            "Sign a checkpoint after this many audit entries (and always at shutdown). Default \(AuditLogConfiguration.defaultCheckpointEvery)."
    )
    var checkpointEvery: Int?

    @Option(
        help:
            "Roll the audit log to a new segment file past this many bytes (and every UTC day). Default \(AuditLogConfiguration.defaultMaxSegmentBytes >> 20) MiB."
    )
    var maxSegmentBytes: Int?

    @Option(
        help:
            "Sign a checkpoint at least this many seconds after the last one while entries arrive. Default \(AuditLogConfiguration.defaultCheckpointInterval.wholeSeconds)."
    )
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

    @Option(
        help:
            "When a registered system's review date has passed: warn or block. Default \(GateConfiguration.defaultReviewOverdue.rawValue)."
    )
    var reviewOverdue: ReviewOverduePolicy?

    @Option(
        help:
            "Parts that cannot be screened as text (images, audio, PDF, token arrays): block or allow (forwarded and recorded as unscreened, with media type, size and a keyed fingerprint). Default \(GateConfiguration.defaultUnscreenedParts.rawValue). A department's policy may say otherwise."
    )
    var unscreenedParts: UnscreenedPartsPolicy?

    @Option(
        help: ArgumentHelp(
            "The HMAC key for fingerprints of values, kept apart from the log (default DATA/fingerprint.key).",
            valueName: "path"))
    var fingerprintKey: String?

    @Option(
        help: ArgumentHelp(
            "Witness policy file (C2SP tlog-policy): checkpoints are submitted to its witnesses, and the one a quorum cosigned is published as DATA/checkpoint.cosigned.",
            valueName: "path"))
    var witnessPolicy: String?

    @Option(
        help: ArgumentHelp("PEM bundle of trusted CAs for the upstream (e.g. a corporate root).", valueName: "path"))
    var caBundle: String?

    @Option(help: ArgumentHelp("Outbound proxy URL; libcurl otherwise reads https_proxy / no_proxy.", valueName: "url"))
    var proxy: String?

    @Option(
        help:
            "Seconds allowed to connect to the upstream. Default \(TransportConfiguration.defaultConnectTimeout.wholeSeconds)."
    )
    var connectTimeout: Int?

    @Option(
        help:
            "Seconds allowed for the upstream's first response byte. Default \(TransportConfiguration.defaultFirstByteTimeout.wholeSeconds)."
    )
    var firstByteTimeout: Int?

    @Option(
        help:
            "Seconds an upstream stream may stay silent before it is cut. Default \(TransportConfiguration.defaultIdleTimeout.wholeSeconds)."
    )
    var idleTimeout: Int?

    @Option(
        help:
            "Seconds a client may take to send a whole request (or sit idle between requests). Default \(ServerConfiguration.defaultClientTimeout.wholeSeconds)."
    )
    var clientTimeout: Int?

    @Option(
        help: "Largest request body accepted, in bytes. Default \(GateConfiguration.defaultMaxRequestBytes >> 20) MiB.")
    var maxRequestBytes: Int?

    @Option(
        help: ArgumentHelp(
            "Decision feed for the security team as JSON Lines (no prompt text, no values): a file to append to (created 0600), or - for standard output.",
            valueName: "path"))
    var feedJsonl: String?

    @Option(
        help: ArgumentHelp(
            "Decision feed to a syslog receiver (RFC 5424; TCP with octet counting).",
            valueName: "udp://host:514|tcp://host:601"))
    var feedSyslog: String?

    @Option(
        help: ArgumentHelp(
            "The feed's syslog facility. Default \(SyslogSink.defaultFacility.rawValue).", valueName: "facility"))
    var feedSyslogFacility: String?

    @Option(
        help: ArgumentHelp(
            "Decision feed as OpenTelemetry logs to a collector's OTLP/HTTP URL (records go to /v1/logs).",
            valueName: "url"))
    var feedOtlp: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Serve the audit log read-only as C2SP tlog-tiles at /log/ (config publish_log; default: on).")
    var publishLog: Bool?

    /// The options given, by the name of the setting each overrides: the top layer of the configuration.
    private var overrides: [String: String] {
        let options: [(String, String?)] = [
            ("listen", listen), ("upstream", upstream), ("upstream_key_file", upstreamKeyFile),
            ("anthropic_upstream", anthropicUpstream), ("anthropic_key_file", anthropicKeyFile),
            ("ollama_upstream", ollamaUpstream), ("data", data.folder), ("guidelines", guidelines.folder),
            ("origin", origin), ("log", log), ("checkpoint_every", checkpointEvery.map(String.init)),
            ("checkpoint_seconds", checkpointSeconds.map(String.init)),
            ("max_segment_bytes", maxSegmentBytes.map(String.init)), ("users", users), ("registry", registry),
            ("policy", policy), ("department", department), ("disclosure_notice", disclosureNotice),
            ("review_overdue", reviewOverdue?.rawValue), ("unscreened_parts", unscreenedParts?.rawValue),
            ("fingerprint_key", fingerprintKey), ("witness_policy", witnessPolicy), ("ca_bundle", caBundle),
            ("proxy", proxy),
            ("connect_timeout", connectTimeout.map(String.init)),
            ("first_byte_timeout", firstByteTimeout.map(String.init)), ("idle_timeout", idleTimeout.map(String.init)),
            ("client_timeout", clientTimeout.map(String.init)), ("max_request_bytes", maxRequestBytes.map(String.init)),
            ("publish_log", publishLog.map { $0 ? "true" : "false" }),
            ("feed_jsonl", feedJsonl), ("feed_syslog", feedSyslog), ("feed_syslog_facility", feedSyslogFacility),
            ("feed_otlp", feedOtlp),
        ]
        return Dictionary(uniqueKeysWithValues: options.compactMap { name, value in value.map { (name, $0) } })
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        // A file-size limit must make an audit append fail (and the request fail closed), not kill the proxy.
        signal(SIGXFSZ, SIG_IGN)
        // The library reads the file and the environment, and maps them with their defaults; the options go on top.
        var configuration: GateConfiguration
        var serverConfiguration: ServerConfiguration
        let openTrail: AuditTrailOpener?
        let logName: String
        do {
            var settings = try ProxySettings.load(file: config)
            try settings.apply(overrides: overrides)
            configuration = try GateConfiguration(settings: settings)
            serverConfiguration = try ServerConfiguration(settings: settings)
            openTrail = try AuditStoreChoice.opener(settings: settings, logger: Logger(label: "promptgate.auditlog"))
            configuration.retentionKeys = try AuditStoreChoice.retentionKeys(settings: settings)
            logName = AuditStoreChoice.describe(settings: settings, folder: configuration.dataDirectory)
        } catch {
            throw CLIError("configuration error: \(error)")
        }
        if let reason = startNewLog {
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError("--start-new-log needs a reason: it is recorded in the new log for the auditors")
            }
            configuration.startNewLog = reason
        }
        if configuration.users == nil {
            printError(
                "PromptGate: no users file (--users): requests are anonymous and any client on this machine can use the proxy."
            )
        }
        if configuration.registry == nil {
            printError(
                "PromptGate: no AI registry (--registry): any model at the upstream is reachable, and high-impact purposes are blocked."
            )
        }
        let folder = configuration.dataDirectory
        if openTrail != nil, serverConfiguration.publishLog {
            // The tiles are read from the data folder's segment files, which a shared log does not have.
            serverConfiguration.publishLog = false
            printError("PromptGate: the log is in PostgreSQL: /log/ (tlog-tiles) is not served by this proxy.")
        }

        let gate: Gate
        let report: Gate.StartupReport
        do {
            // The OTLP channel is the server's (swift-otel); the library opens the JSON Lines and syslog ones.
            let otlp = try configuration.feed.otlp.map {
                try OTLPSink(collector: $0, diagnostics: Logger(label: "promptgate.feed"))
            }
            (gate, report) = try await Gate.start(
                configuration, feedSinks: otlp.map { [$0] } ?? [], openTrail: openTrail)
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
                "PromptGate: started a new audit log as asked: \(restart.mismatch). The old checkpoints are in \(openTrail == nil ? folder + "/" : "")\(restart.supersededFolder); the restart is recorded."
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
        if let policy = configuration.witnessPolicy {
            let asked = policy.witnesses.filter { $0.url != nil }.map(\.name).joined(separator: ", ")
            printError(
                "PromptGate: checkpoints go to the witnesses \(asked.isEmpty ? "(none with a URL)" : asked); quorum \(policy.quorumDescription); published as \(folder)/\(WitnessedCheckpoint.fileName)."
            )
        }
        let feed = configuration.feed
        let channels =
            [feed.jsonLines.map { $0 == "-" ? "JSON Lines to stdout" : "JSON Lines to \($0)" }]
            + [
                feed.syslog.map { "syslog to \($0) (\(feed.syslogFacility.rawValue))" },
                feed.otlp.map { "OTLP to \($0)" },
            ]
        if !channels.compactMap({ $0 }).isEmpty {
            printError("PromptGate: decision feed: \(channels.compactMap { $0 }.joined(separator: ", ")).")
        }
        let server = ProxyServer(gate: gate, configuration: serverConfiguration)
        let host = serverConfiguration.host
        let packList = configuration.packs.map { "\($0.id)@\($0.version)" }.joined(separator: ", ")
        let upstreamURL = configuration.upstreamBaseURL
        do {
            try await server.run { bound in
                printLine(
                    "PromptGate listening on http://\(host):\(bound) (OpenAI base URL http://\(host):\(bound)/v1)")
                printLine(
                    "PromptGate forwarding to \(upstreamURL); guidelines: \(packList); audit log: \(logName)")
            }
        } catch {
            try? await gate.shutdown()
            throw error
        }
        try await gate.shutdown()
        printError("PromptGate: stopped; final checkpoint signed at \(await gate.auditLog.size) entries.")
    }
}

extension Duration {
    /// Whole seconds, as the options take them (for the defaults in their help).
    fileprivate var wholeSeconds: Int64 { components.seconds }
}
