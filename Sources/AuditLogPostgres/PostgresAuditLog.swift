import AuditLog
import Foundation
import Logging
import PostgresNIO

/// An audit log that several proxies share in one PostgreSQL database, written and signed exactly like the file log
/// (``AuditLogStore``): the same lines, the same `prev` chain, the same RFC 6962 tree and checkpoints.
///
/// - **Appends** are group-committed: while one transaction is in flight, new entries wait for the next. A
///   transaction locks the log's tip row (`FOR UPDATE`), so PostgreSQL orders the entries of every proxy; it builds
///   the lines with the next sequence numbers and `prev`, inserts them in one statement, moves the tip, and commits.
///   ``append(_:)`` returns only after `COMMIT` (keep `synchronous_commit` on). A proxy that cannot reach the
///   database throws: the caller refuses the request (fail closed).
/// - **Signing**: one proxy at a time holds the signer lease, a session advisory lock on a connection of its own.
///   The holder reads the rows the others appended, keeps the tree, and signs checkpoints on the configured cadence
///   into `audit_checkpoints`. When the holder's connection goes, PostgreSQL releases the lock and another proxy,
///   polling every second, takes over.
/// - **Start-up** creates the tables if missing (under an advisory lock, so proxies may start together), checks the
///   log's origin and key against the proxy's (every proxy of a log shares one `log.key`), and checks every entry
///   against the stored checkpoints: a log cut, rewritten or replaced is refused as the file log refuses it.
public actor PostgresAuditLog: AuditTrail {
    /// Where the log is, and who this proxy is among those writing it.
    public struct Settings: Sendable {
        public var url: PostgresLogURL
        /// Names this proxy in `audit_entries.proxy_id`, `audit_checkpoints.signer` and `audit_signer`.
        public var proxyID: String
        /// How often a proxy without the lease tries to take it.
        public var leasePoll: Duration
        /// How often the signer looks for entries the other proxies appended.
        public var signerPoll: Duration

        public init(
            url: PostgresLogURL, proxyID: String = Settings.defaultProxyID(), leasePoll: Duration = .seconds(1),
            signerPoll: Duration = .milliseconds(200)
        ) {
            self.url = url
            self.proxyID = proxyID
            self.leasePoll = leasePoll
            self.signerPoll = signerPoll
        }

        /// `host:pid`: unique among running proxies, readable by an operator.
        public static func defaultProxyID() -> String {
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        }
    }

    public nonisolated let configuration: AuditLogConfiguration
    public nonisolated let settings: Settings
    public nonisolated let startup: AuditTrailStartup
    public nonisolated var storeKind: String { "postgres" }

    let connectionConfiguration: PostgresConnection.Configuration
    let logger: Logger
    var signingKeys: [LogSigningKey]
    /// The keys the log's checkpoints are signed with (`audit_meta.verifier_keys`), read again when this proxy
    /// takes the signer lease (another proxy may have rotated them).
    var trustedKeys: [LogVerifierKey]

    /// The connection appends go through (one transaction in flight at a time), reopened after a failure.
    private var appendConnection: PostgresConnection?
    private var nextConnectionID = 1
    private struct Pending {
        var entry: AuditEntry
        var continuation: CheckedContinuation<AuditReceipt, any Error>
    }
    private var pending: [Pending] = []
    private var flushing = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// The log's size after this proxy's last commit.
    private var committedSize: Int
    var closed = false

    /// The signer's state: the tree of the entries integrated so far, and the lease.
    var signer: SignerState
    var signerTask: Task<Void, Never>?

    /// Opens the log at `settings.url` for a proxy signing with `request.signingKeys` (creating the tables and the
    /// log if the database has none), checks it, and starts competing for the signer lease.
    public static func open(
        _ request: AuditTrailRequest, settings: Settings, logger: Logger = Logger(label: "promptgate.auditlog")
    ) async throws -> PostgresAuditLog {
        let log = try await PostgresAuditLog(request: request, settings: settings, logger: logger)
        await log.startSigner()
        return log
    }

    /// An opener for `Gate.start`: the proxy's keys and cadence, this database.
    public static func opener(settings: Settings, logger: Logger) -> AuditTrailOpener {
        { request in try await PostgresAuditLog.open(request, settings: settings, logger: logger) }
    }

    private init(request: AuditTrailRequest, settings: Settings, logger: Logger) async throws {
        guard let newest = request.signingKeys.first else {
            throw AuditLogError.badKey("at least one signing key is needed")
        }
        for key in request.signingKeys where key.name != request.configuration.origin {
            throw AuditLogError.badKey(
                "key \(key.name.debugDescription) does not match the origin "
                    + request.configuration.origin.debugDescription)
        }
        self.configuration = request.configuration
        self.settings = settings
        self.logger = logger
        self.signingKeys = request.signingKeys
        self.connectionConfiguration = try settings.url.connectionConfiguration()
        let connection = try await Self.connect(connectionConfiguration, id: 0, url: settings.url, logger: logger)
        do {
            let opened = try await PostgresLogOpening.run(
                on: connection, configuration: request.configuration, newestKey: newest.verifierKey,
                proxyID: settings.proxyID, startNewLog: request.startNewLog, logger: logger)
            self.trustedKeys = opened.trustedKeys
            self.startup = AuditTrailStartup(restart: opened.restart, unsignedAtStart: opened.unsignedAtStart)
            self.committedSize = opened.tree.size
            self.signer = SignerState(
                tree: opened.tree, lastLineHash: opened.lastLineHash, anchors: opened.anchorsAfterScan,
                lastSignedSize: opened.newestCheckpointSize, lastSignedText: opened.newestCheckpointText)
            self.appendConnection = connection
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func connect(
        _ configuration: PostgresConnection.Configuration, id: Int, url: PostgresLogURL, logger: Logger
    ) async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        } catch {
            throw AuditLogError.unavailable("cannot reach the log's database \(url): \(describe(error))")
        }
    }

    func newConnection() async throws -> PostgresConnection {
        nextConnectionID += 1
        return try await Self.connect(connectionConfiguration, id: nextConnectionID, url: settings.url, logger: logger)
    }

    // MARK: Appending

    /// Entries this proxy knows to be in the log: its own last commit, or what the signer integrated.
    public var size: Int { max(committedSize, signer.tree.size) }

    /// Appends an entry; returns once its transaction has committed. Throws if it could not be committed: the
    /// caller must not go on with what the entry records.
    public func append(_ entry: AuditEntry) async throws -> AuditReceipt {
        guard !closed else { throw AuditLogError.unavailable("the log is closed") }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(entry: entry, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flushPending() }
            }
        }
    }

    /// Commits what is pending, batch after batch, until nothing is left.
    private func flushPending() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let results = await commit(batch.map(\.entry))
            for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
        }
        flushing = false
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// One transaction for a batch: lock the tip, build the lines, insert them, move the tip, commit. Returns each
    /// entry's receipt, or why it was not recorded.
    private func commit(_ entries: [AuditEntry]) async -> [Result<AuditReceipt, any Error>] {
        let connection: PostgresConnection
        do {
            if let open = appendConnection, !open.isClosed {
                connection = open
            } else {
                appendConnection = nil
                connection = try await newConnection()
                appendConnection = connection
            }
        } catch {
            return entries.map { _ in .failure(error) }
        }
        var results: [Result<AuditReceipt, any Error>] = []
        do {
            try await connection.query("BEGIN", logger: logger)
            let tip = try await Self.lockTip(connection, logger: logger)
            var size = tip.size
            var prev = tip.lastLineHash
            var seqs: [Int64] = []
            var lines: [ByteBuffer] = []
            var leaves: [ByteBuffer] = []
            let time = AuditClock.now()
            for entry in entries {
                do {
                    let line = try entry.logLine(
                        seq: size, time: time, prev: prev, maxLineBytes: configuration.maxLineBytes)
                    seqs.append(Int64(size))
                    lines.append(ByteBuffer(bytes: line))
                    leaves.append(ByteBuffer(bytes: MerkleTree.leafHash(line)))
                    prev = AuditEntry.chainHash(of: line)
                    results.append(.success(AuditReceipt(seq: size)))
                    size += 1
                } catch {
                    results.append(.failure(error))
                }
            }
            if !seqs.isEmpty {
                let proxy = settings.proxyID
                let newSize = Int64(size)
                try await connection.query(
                    """
                    WITH inserted AS (
                        INSERT INTO audit_entries (seq, line, leaf_hash, proxy_id)
                        SELECT s, l, h, \(proxy) FROM unnest(\(seqs)::bigint[], \(lines)::bytea[], \(leaves)::bytea[])
                            AS t(s, l, h)
                    )
                    UPDATE audit_tip SET size = \(newSize), last_line_hash = \(prev) WHERE id = 1
                    """, logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
            committedSize = max(committedSize, size)
            return results
        } catch {
            // Whatever the failure, this connection's state is unknown: drop it, the next batch opens another. A
            // COMMIT whose answer was lost may have landed; the entry then exists although the request was refused,
            // which errs on the recorded side.
            appendConnection = nil
            try? await connection.close()
            let failure = AuditLogError.unavailable("the entry was not committed: \(describe(error))")
            return entries.map { _ in .failure(failure) }
        }
    }

    /// Reads and locks the tip (until the transaction ends).
    static func lockTip(_ connection: PostgresConnection, logger: Logger) async throws -> (
        size: Int, lastLineHash: String
    ) {
        let rows = try await connection.query(
            "SELECT size, last_line_hash FROM audit_tip WHERE id = 1 FOR UPDATE", logger: logger)
        for try await (size, hash) in rows.decode((Int64, String).self) { return (Int(size), hash) }
        throw AuditLogError.unavailable("the log's tip row is missing: the tables were changed by hand")
    }

    private func waitUntilIdle() async {
        guard flushing else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    // MARK: Closing

    /// Waits for pending appends, signs a final checkpoint if this proxy holds the lease, gives the lease up, and
    /// refuses further appends.
    public func close() async throws {
        guard !closed else { return }
        closed = true
        await waitUntilIdle()
        signerTask?.cancel()
        await signerTask?.value
        signerTask = nil
        let failure: (any Error)? = await exclusively {
            guard signer.holdsLease else { return nil }
            do {
                try await integrateAndSign(force: false, final: true)
                return nil
            } catch {
                return error
            }
        }
        await exclusively { await dropLease() }
        if let connection = appendConnection {
            appendConnection = nil
            try? await connection.close()
        }
        if let failure { throw failure }
    }

    /// Signs future checkpoints with `keys` (after a rotation or retirement), and adds their verifier keys to the
    /// log's (`audit_meta.verifier_keys`, newest first; a retired key stays there, as old checkpoints carry it), so
    /// that the other proxies, `verify --log` and `log export` accept checkpoints signed by the new key.
    public func replaceSigningKeys(_ keys: [LogSigningKey]) async throws {
        guard !keys.isEmpty, keys.allSatisfy({ $0.name == configuration.origin }) else {
            throw AuditLogError.badKey(
                "the new keys must be named after the origin \(configuration.origin.debugDescription)")
        }
        let connection = try await newConnection()
        do {
            let texts = keys.map(\.verifierKey.text)
            let stored = try await connection.withTransaction(logger: logger) { connection in
                let rows = try await connection.query(
                    "SELECT verifier_keys FROM audit_meta WHERE id = 1 FOR UPDATE", logger: logger)
                var current: [String] = []
                for try await (keys) in rows.decode([String].self) { current = keys }
                let merged = texts + current.filter { !texts.contains($0) }
                try await connection.query(
                    "UPDATE audit_meta SET verifier_keys = \(merged) WHERE id = 1", logger: logger)
                return merged
            }
            try? await connection.close()
            trustedKeys = try stored.map { text throws(AuditLogError) in try LogVerifierKey(text: text) }
        } catch let error as AuditLogError {
            try? await connection.close()
            throw error
        } catch {
            try? await connection.close()
            throw AuditLogError.unavailable("cannot record the new keys in audit_meta: \(describe(error))")
        }
        signingKeys = keys
    }

    public func health() async -> AuditTrailHealth {
        AuditTrailHealth(holdsSignerLease: signer.holdsLease, replicationLagSeconds: signer.replicationLag)
    }
}
