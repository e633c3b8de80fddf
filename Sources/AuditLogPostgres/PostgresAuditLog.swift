import AuditLog
import Foundation
import Logging
import PostgresNIO

/// An audit log that several proxies share in one PostgreSQL database, written and signed exactly like the file log
/// (``AuditLogStore``): the same lines, the same `prev` chain, the same RFC 6962 tree and checkpoints.
///
/// - **Appends** are group-committed: a transaction locks the log's tip row (`FOR UPDATE`), so PostgreSQL orders the
///   entries of every proxy; once it holds the lock it takes every entry waiting as its batch, builds the lines with
///   the next sequence numbers and `prev`, inserts them in one statement, moves the tip, and commits. Two
///   connections take turns: while one commits (and waits for the WAL flush), the other has already begun and waits
///   for the lock, and its `BEGIN` is sent right after its previous commit, off the next batch's path.
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

    /// The two connections appends go through, each reopened after a failure. While one lane's transaction
    /// inserts and commits (and waits for its WAL flush), the other has already begun and waits for the tip's lock,
    /// so the next batch is written as soon as the lock is free (see ``startLaneIfNeeded()``).
    private var lanes: [Lane] = [Lane(), Lane()]
    private struct Lane {
        var connection: PostgresConnection?
        /// `BEGIN` was sent right after the lane's last commit, ahead of its next batch.
        var begun = false
        var busy = false
    }
    /// A lane has begun its transaction and not yet taken its batch: it takes what is pending once it holds the
    /// tip's lock. At most one lane waits so; entries arriving meanwhile join its batch.
    private var nextConnectionID = 1
    private struct Pending {
        var entry: AuditEntry
        var continuation: CheckedContinuation<AuditReceipt, any Error>
    }
    private var pending: [Pending] = []
    private var laneAwaitingTip = false
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
            self.lanes[0].connection = connection
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
            startLaneIfNeeded()
        }
    }

    /// Starts a transaction on a free lane when entries wait and no lane already waits for the tip.
    private func startLaneIfNeeded() {
        guard !pending.isEmpty, !laneAwaitingTip, let lane = lanes.firstIndex(where: { !$0.busy }) else { return }
        lanes[lane].busy = true
        laneAwaitingTip = true
        Task { await self.run(lane: lane) }
    }

    private func run(lane: Int) async {
        await commitPending(on: lane)
        lanes[lane].busy = false
        startLaneIfNeeded()
        guard !lanes.contains(where: \.busy) else { return }
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// One transaction: lock the tip, take what is pending as the batch, build its lines, insert them, move the tip,
    /// commit, and answer each entry with its receipt or why it was not recorded. Then begin the lane's next
    /// transaction, so that its `BEGIN` is not on the next batch's path.
    private func commitPending(on lane: Int) async {
        var locked: (connection: PostgresConnection, tip: (size: Int, lastLineHash: String))?
        var failure: (any Error)?
        // Nothing is written before the tip is locked, so a failure up to there on a connection kept from before
        // (one that went stale while idle, or a server that restarted) is tried once more on a new connection.
        var attempts = 0
        while locked == nil && attempts < 2 {
            attempts += 1
            let reused = lanes[lane].connection.map { !$0.isClosed } ?? false
            do {
                let connection = try await connection(of: lane)
                if !lanes[lane].begun { try await connection.query("BEGIN", logger: logger) }
                lanes[lane].begun = false
                locked = (connection, try await Self.lockTip(connection, logger: logger))
            } catch {
                failure = error
                await dropConnection(of: lane)
                if !reused { break }
            }
        }
        laneAwaitingTip = false
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        guard let locked else {
            let refusal =
                failure as? AuditLogError
                ?? AuditLogError.unavailable("the entry was not committed: \(describe(failure ?? CancellationError()))")
            for item in batch { item.continuation.resume(throwing: refusal) }
            return
        }
        let results = await write(batch.map(\.entry), after: locked.tip, on: locked.connection, lane: lane)
        for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
        guard let connection = lanes[lane].connection, connection === locked.connection, !closed else { return }
        do {
            try await connection.query("BEGIN", logger: logger)
            lanes[lane].begun = true
        } catch {
            await dropConnection(of: lane)
        }
    }

    /// The lane's connection, opened if it has none.
    private func connection(of lane: Int) async throws -> PostgresConnection {
        if let open = lanes[lane].connection, !open.isClosed { return open }
        lanes[lane].connection = nil
        lanes[lane].begun = false
        let connection = try await newConnection()
        lanes[lane].connection = connection
        return connection
    }

    /// Closes the lane's connection; its next transaction opens another.
    private func dropConnection(of lane: Int) async {
        lanes[lane].begun = false
        guard let connection = lanes[lane].connection else { return }
        lanes[lane].connection = nil
        try? await connection.close()
    }

    /// The rest of the transaction once the tip is locked: build the lines, insert them, move the tip, commit.
    private func write(
        _ entries: [AuditEntry], after tip: (size: Int, lastLineHash: String), on connection: PostgresConnection,
        lane: Int
    ) async -> [Result<AuditReceipt, any Error>] {
        var results: [Result<AuditReceipt, any Error>] = []
        do {
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
            await dropConnection(of: lane)
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
        guard lanes.contains(where: \.busy) else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    // MARK: Closing

    /// Waits for pending appends, signs a final checkpoint if this proxy holds the lease, gives the lease up, and
    /// refuses further appends.
    public func close() async throws {
        guard !closed else { return }
        closed = true
        await waitUntilIdle()
        // The signer loop is stopped between its rounds, never inside one: a query cancelled mid-round fails, the
        // loop then gives the lease up, and the final checkpoint below would not be signed.
        await exclusively { signerTask?.cancel() }
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
        for lane in lanes.indices { await dropConnection(of: lane) }
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
