import AuditLog
import Foundation
import Logging
import Screening
import Transport

/// The PromptGate pipeline: screen, decide, redact, record, forward through libcurl, restore, record.
///
/// Use it through the proxy server, or embed it in a Swift tool:
/// ```swift
/// let configuration = GateConfiguration(
///     upstreamBaseURL: "https://api.openai.com/v1", packs: try GuidelineLoader.embedded(),
///     dataDirectory: "/var/lib/casenotes-ai")
/// let (gate, _) = try await Gate.start(configuration)
/// let result = try gate.screen("Write to jane@example.org")  // findings, placeholders
/// let reply = try await gate.chat(model: "gpt-4o-mini", prompt: result.outgoingTexts[0])
/// print(reply.text)
/// try await gate.shutdown()
/// ```
/// Fail closed: if screening or the audit append fails, nothing goes upstream.
public final class Gate: Sendable {
    public let configuration: GateConfiguration
    public let screener: Screener
    public let policy: Policy
    /// Where entries go: the file log in the data folder, or a store shared with other proxies.
    public let auditLog: any AuditTrail
    public let verifierKey: LogVerifierKey
    /// The keys that seal entries' texts, by month, department and system (retention destroys them).
    public let retentionKeys: any RetentionKeyStore
    let client: CurlClient
    let fingerprinter: Fingerprinter
    /// Counters and latencies for `GET /metrics`.
    public let metrics = GateMetrics()
    /// The pack each rule belongs to, for department pack selection.
    let packOfRule: [String: String]
    let logger: Logger
    /// Response entries still being written after their answer went out.
    let afterward = AfterwardRecords()
    /// The host of each protocol's upstream, parsed once (every entry and registry check names it).
    let upstreamHosts: [ChatWire: String]
    /// Gets checkpoints cosigned by the configured witnesses, off the request path (nil: no witness policy).
    public let witnesses: WitnessSubmitter?
    /// The security team's feed of decisions, one queue per channel (nil: no channel is on).
    let feed: DecisionFeed?

    /// What happened at start-up that the operator must know.
    public struct StartupReport: Sendable {
        /// A signing key was generated: hand `log.vkey` to the auditors.
        public var keyCreated: Bool
        /// A torn last line was set aside in this file.
        public var recoveredTo: String?
        /// Entries found after the newest signed checkpoint (the proxy before stopped without closing the log):
        /// recorded, and signed now.
        public var unsignedAtStart: Int = 0
        /// Files and folders that others could read, made private, with the mode they had.
        public var permissionsFixed: [(path: String, mode: mode_t)] = []
        /// The operator declared a new log over one that no longer matched its checkpoints: what was found and
        /// where the old checkpoints were kept.
        public var restart: AuditLogStore.Restart?
    }

    private init(
        configuration: GateConfiguration, screener: Screener, auditLog: any AuditTrail, verifierKey: LogVerifierKey,
        fingerprinter: Fingerprinter, logger: Logger, feedSinks: [any DecisionSink], witnesses: WitnessSubmitter?
    ) {
        self.configuration = configuration
        self.feed =
            feedSinks.isEmpty
            ? nil
            : DecisionFeed(
                sinks: feedSinks, capacity: configuration.feed.queueCapacity, metrics: metrics, logger: logger)
        self.witnesses = witnesses
        self.screener = screener
        self.policy = Policy()
        self.auditLog = auditLog
        self.verifierKey = verifierKey
        self.retentionKeys =
            configuration.retentionKeys ?? FileRetentionKeyStore(dataDirectory: configuration.dataDirectory)
        self.client = CurlClient(configuration: configuration.transport)
        self.fingerprinter = fingerprinter
        self.logger = logger
        var packOfRule: [String: String] = [:]
        for pack in configuration.packs { for rule in pack.rules { packOfRule[rule.id] = pack.id } }
        self.packOfRule = packOfRule
        self.upstreamHosts = ChatWire.allCases.reduce(into: [:]) { hosts, wire in
            hosts[wire] = URLComponents(string: configuration.upstreamBase(wire))?.host
        }
    }

    /// Compiles the packs, opens (or creates) the audit log and its keys, and records the policy in force.
    ///
    /// - Parameters:
    ///   - configuration: the gate's configuration.
    ///   - logger: where the gate reports to the operator.
    ///   - feedSinks: channels of the decision feed besides the configured ones (``FeedConfiguration``): the
    ///     server's OTLP sink, or a program's own ``DecisionSink``.
    ///   - openTrail: opens the audit log the gate writes to, given the keys from the data folder and the
    ///     configured origin and cadence; nil for the file log in the data folder (`AuditLogStore.open(_:)` of AuditLog). The
    ///     server passes one for a log shared in PostgreSQL.
    public static func start(
        _ configuration: GateConfiguration, logger: Logger = Logger(label: "promptgate"),
        feedSinks: [any DecisionSink] = [], openTrail: AuditTrailOpener? = nil
    ) async throws -> (Gate, StartupReport) {
        let screener = try Screener(packs: configuration.packs)
        let sinks = try configuration.feed.makeSinks() + feedSinks
        let directory = configuration.dataDirectory
        var fixed: [(path: String, mode: mode_t)] = []
        if let mode = try PrivatePath.tighten(directory) { fixed.append((directory, mode)) }
        let (keys, outcome) = try LogKeyStore.loadOrCreate(directory: directory, origin: configuration.logOrigin)
        let key = keys[0]
        let fingerprintPath = configuration.fingerprintKeyPath ?? directory + "/fingerprint.key"
        for path in [directory + "/log.key", fingerprintPath] {
            if let mode = try PrivatePath.tighten(path) { fixed.append((path, mode)) }
        }
        let fingerprinter = try Fingerprinter.loadOrCreate(path: fingerprintPath)
        let request = AuditTrailRequest(
            configuration: AuditLogConfiguration(
                directory: directory, origin: configuration.logOrigin, checkpointEvery: configuration.checkpointEvery,
                checkpointInterval: configuration.checkpointInterval, maxSegmentBytes: configuration.maxSegmentBytes),
            signingKeys: keys, startNewLog: configuration.startNewLog != nil)
        let store = try await (openTrail ?? AuditLogStore.open)(request)
        // From here a failure closes the log again: a PostgreSQL log's signer lease and connections are let go
        // (another proxy takes the lease), a file log's lock released; the gate's HTTP client thread is stopped.
        var started: Gate?
        do {
            let found = store.startup
            fixed += found.permissionsFixed
            let gate = Gate(
                configuration: configuration, screener: screener, auditLog: store, verifierKey: key.verifierKey,
                fingerprinter: fingerprinter, logger: logger, feedSinks: sinks,
                witnesses: configuration.witnessPolicy.map {
                    WitnessSubmitter(
                        policy: $0, dataDirectory: directory, transport: configuration.transport, logger: logger)
                })
            started = gate
            let recovery = found.recovery
            if let recovery {
                var entry = AuditEntry(event: .logRecovered)
                entry.note =
                    "a torn last line of \(recovery.bytes) bytes (a crash mid-write) was moved to \((recovery.savedTo as NSString).lastPathComponent)"
                _ = try await store.append(entry)
            }
            if let restart = found.restart {
                var entry = AuditEntry(event: .logRestarted)
                let previous =
                    restart.previousSize.map { size in
                        "the newest checkpoint had signed \(size) entries, root "
                            + (restart.previousRoot.map { Data($0).base64EncodedString() } ?? "?")
                    } ?? "no checkpoint had been signed"
                entry.note =
                    "the operator started a new log: \(configuration.startNewLog ?? ""). The log found did not "
                    + "match its checkpoints (\(restart.mismatch)); \(previous). The old checkpoints are kept in "
                    + restart.supersededFolder
                _ = try await store.append(entry)
            }
            if found.unsignedAtStart > 0 {
                var entry = AuditEntry(event: .logResumed)
                entry.note =
                    "\(found.unsignedAtStart) entries after the newest signed checkpoint were found at start: "
                    + "the proxy before stopped without closing the log. They are signed now; if it did not crash, "
                    + "check them"
                _ = try await store.append(entry)
            }
            if outcome == .created {
                var entry = AuditEntry(event: .keyCreated)
                entry.note = "new checkpoint signing key \(key.verifierKey.text)"
                _ = try await store.append(entry)
            }
            var loaded = AuditEntry(event: .policyLoaded)
            loaded.packHash = screener.packHash
            loaded.note = configuration.packs.map { "\($0.id)@\($0.version)" }.joined(separator: ", ")
            _ = try await store.append(loaded)
            // Signed at once: a fresh folder verifies from the start, and what start-up found is vouched for.
            try await store.writeCheckpoint()
            await store.startCheckpointTimer()
            if let policy = configuration.witnessPolicy {
                if !policy.logs.isEmpty, !policy.logs.contains(where: { $0.key == key.verifierKey }) {
                    logger.warning("the witness policy lists logs, but not this one (\(key.verifierKey.name))")
                }
                await gate.witnesses?.start()
            }
            return (
                gate,
                StartupReport(
                    keyCreated: outcome == .created, recoveredTo: recovery?.savedTo,
                    unsignedAtStart: found.unsignedAtStart, permissionsFixed: fixed, restart: found.restart)
            )
        } catch {
            started?.client.shutdown()
            await started?.feed?.finish()
            try? await store.close()
            throw error
        }
    }

    /// Stops the HTTP client, waits for the entries still being written, and closes the log with a final signed
    /// checkpoint.
    public func shutdown() async throws {
        client.shutdown()
        await afterward.drain()
        try await auditLog.close()
        // What the feed still holds goes out (a few seconds at most per channel).
        await feed?.finish()
        // The final checkpoint gets a few seconds to be cosigned; the witnesses keep whatever they cosigned.
        await witnesses?.finish()
    }

    /// Returns once every entry of every answer already handed back is on disk.
    ///
    /// A prompt's entry is durable before the prompt leaves; the entry recording its answer is written just after
    /// the answer is handed back, so that the employee does not wait for a second `fsync`. Call this before reading
    /// the log file of a running gate (``shutdown()`` does it itself).
    public func flush() async {
        await afterward.drain()
    }

    /// Records an entry (durable when this returns) and gives its sequence number, turning a failure into the
    /// error that stops the request.
    @discardableResult
    func record(_ entry: AuditEntry) async throws(GateFailure) -> Int {
        do {
            let receipt = try await auditLog.append(try await sealed(entry))
            metrics.auditAppend(ok: true, store: auditLog.storeKind)
            return receipt.seq
        } catch {
            metrics.auditAppend(ok: false, store: auditLog.storeKind)
            logger.error("audit append failed; the request is refused", metadata: ["error": "\(error)"])
            throw GateFailure.audit(error)
        }
    }

    /// Cuts a logged text to the configured size, saying how much was cut (with `alsoNotKept` bytes that were
    /// never kept, past a stream's limit).
    func clip(_ text: String, alsoNotKept: Int = 0) -> String {
        let limit = configuration.maxLoggedTextBytes
        let bytes = Array(text.utf8)
        var cut = min(limit, bytes.count)
        while cut > 0 && cut < bytes.count && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // do not split a character
        let notLogged = bytes.count - cut + alsoNotKept
        guard notLogged > 0 else { return text }
        return String(decoding: bytes[..<cut], as: UTF8.self) + "…[\(notLogged) more bytes not logged]"
    }
}
