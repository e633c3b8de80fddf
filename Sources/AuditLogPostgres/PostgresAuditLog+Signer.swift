import AuditLog
import Foundation
import Logging
import PostgresNIO

/// The signer's side of a proxy: the lease, the tree of what the proxies appended, and the checkpoints.
struct SignerState {
    /// The entries integrated so far (from every proxy), and the hash of the last one's line.
    var tree: MerkleTree
    var lastLineHash: String
    /// Roots that stored checkpoints signed at sizes the tree has not reached yet: checked on the way.
    var anchors: [Int: TreeHash]
    var lastSignedSize: Int
    var lastSignedText: String?
    var lastSignedAt: ContinuousClock.Instant?
    var holdsLease = false
    /// The connection holding the advisory lock (holder) or trying for it; also the signer's reads and writes, so
    /// that a signer whose session is gone cannot write a checkpoint.
    var connection: PostgresConnection?
    var replicationLag: Double?
    var lagCheckedAt: ContinuousClock.Instant?
    /// One signer operation at a time (the loop, `writeCheckpoint`, `close`).
    var busy = false
    var waiters: [CheckedContinuation<Void, Never>] = []

    init(tree: MerkleTree, lastLineHash: String, anchors: [Int: TreeHash], lastSignedSize: Int, lastSignedText: String?)
    {
        self.tree = tree
        self.lastLineHash = lastLineHash
        self.anchors = anchors
        self.lastSignedSize = lastSignedSize
        self.lastSignedText = lastSignedText
    }
}

extension PostgresAuditLog {
    /// Rows read per query while integrating.
    static let integrateBatch: Int64 = 10_000

    /// Tries for the lease at once (the first proxy of a log signs from its start), then keeps trying, or signing,
    /// in the background.
    func startSigner() async {
        await exclusively { await tryTakeLease() }
        signerTask = Task { await self.signerLoop() }
    }

    private func signerLoop() async {
        while !Task.isCancelled, !closed {
            await exclusively {
                guard !closed else { return }  // close() signs what is left
                if signer.holdsLease {
                    do {
                        try await integrateAndSign(force: false, final: false)
                    } catch {
                        logger.error(
                            "the signer stops signing and gives up its lease", metadata: ["error": "\(describe(error))"]
                        )
                        await dropLease()
                    }
                } else {
                    await tryTakeLease()
                }
                await refreshReplicationLag()
            }
            try? await Task.sleep(for: signer.holdsLease ? settings.signerPoll : settings.leasePoll)
        }
    }

    /// Runs `body` with no other signer operation in flight.
    func exclusively<T>(_ body: () async throws -> T) async rethrows -> T {
        while signer.busy { await withCheckedContinuation { signer.waiters.append($0) } }
        signer.busy = true
        defer {
            signer.busy = false
            if !signer.waiters.isEmpty { signer.waiters.removeFirst().resume() }
        }
        return try await body()
    }

    /// The signer's connection, opened if there is none.
    private func signerConnection() async throws -> PostgresConnection {
        if let connection = signer.connection, !connection.isClosed { return connection }
        signer.connection = nil
        signer.holdsLease = false
        let connection = try await newConnection()
        signer.connection = connection
        return connection
    }

    /// Takes the lease if no other proxy holds it, and then reads the checkpoints signed so far.
    private func tryTakeLease() async {
        do {
            let connection = try await signerConnection()
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(\(PostgresSchema.signerLockKey))", logger: logger)
            var taken = false
            for try await (got) in rows.decode(Bool.self) { taken = got }
            guard taken else { return }
            signer.holdsLease = true
            let proxy = settings.proxyID
            try await connection.query(
                """
                INSERT INTO audit_signer (id, proxy_id, since) VALUES (1, \(proxy), now())
                ON CONFLICT (id) DO UPDATE SET proxy_id = EXCLUDED.proxy_id, since = EXCLUDED.since
                """, logger: logger)
            try await loadCheckpoints(connection)
            logger.info("this proxy holds the signer lease of the audit log", metadata: ["proxy": "\(proxy)"])
        } catch {
            logger.warning("cannot reach the audit log's database for the signer lease: \(describe(error))")
            await dropLease()
        }
    }

    /// Reads the log's keys (a rotation elsewhere may have added one) and the newest stored checkpoint (where
    /// signing goes on from) with the roots of those beyond the tree.
    private func loadCheckpoints(_ connection: PostgresConnection) async throws {
        let keyRows = try await connection.query(
            "SELECT verifier_keys FROM audit_meta WHERE id = 1", logger: logger)
        for try await (texts) in keyRows.decode([String].self) {
            let keys = texts.compactMap { try? LogVerifierKey(text: $0) }
            if !keys.isEmpty { trustedKeys = keys }
        }
        let size = Int64(signer.tree.size)
        let rows = try await connection.query(
            """
            SELECT size, text FROM audit_checkpoints
            WHERE size > \(size) OR size = (SELECT max(size) FROM audit_checkpoints) ORDER BY size
            """, logger: logger)
        for try await (size, text) in rows.decode((Int64, String).self) {
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint.open(note: text, trusted: trustedKeys)
            } catch {
                throw AuditLogError.rolledBack(
                    "the checkpoint stored at size \(size) does not verify (\(error)): it was altered or replaced")
            }
            if checkpoint.size > signer.tree.size { signer.anchors[checkpoint.size] = checkpoint.root }
            if checkpoint.size >= signer.lastSignedSize {
                signer.lastSignedSize = checkpoint.size
                signer.lastSignedText = text
            }
        }
    }

    /// Gives the lease up by closing its connection (PostgreSQL releases a session's advisory locks with it).
    func dropLease() async {
        let connection = signer.connection
        let held = signer.holdsLease
        signer.connection = nil
        signer.holdsLease = false
        guard let connection else { return }
        if held, !connection.isClosed {
            // Released now rather than when the server notices the session is gone: a proxy taking over at once
            // (a restart, the next proxy's poll) must not find it still held.
            let proxy = settings.proxyID
            if closed {
                _ = try? await connection.query(
                    "DELETE FROM audit_signer WHERE proxy_id = \(proxy)", logger: logger)
            }
            _ = try? await connection.query(
                "SELECT pg_advisory_unlock(\(PostgresSchema.signerLockKey))", logger: logger)
        }
        try? await connection.close()
    }

    /// Reads the entries appended since the tree's size (by any proxy), checking that each chains onto the one
    /// before and that the tree matches every stored checkpoint it passes; then signs a checkpoint if one is due
    /// (every `checkpointEvery` entries, after `checkpointInterval` with new entries, always when `force`, and when
    /// `final` if anything is unsigned).
    func integrateAndSign(force: Bool, final: Bool) async throws {
        guard signer.holdsLease else { return }
        let connection = try await signerConnection()
        while true {
            let from = Int64(signer.tree.size)
            let rows = try await connection.query(
                "SELECT seq, line FROM audit_entries WHERE seq >= \(from) ORDER BY seq LIMIT \(Self.integrateBatch)",
                logger: logger)
            var read: Int64 = 0
            for try await (seq, line) in rows.decode((Int64, ByteBuffer).self) {
                read += 1
                // Entries commit in order (the tip lock), so a gap is one being deleted: stop there.
                guard seq == signer.tree.size else {
                    throw AuditLogError.rolledBack("entry \(signer.tree.size) is missing (the next stored is \(seq))")
                }
                let bytes = Array(line.readableBytesView)
                guard Self.chains(bytes, onto: signer.lastLineHash) else {
                    throw AuditLogError.rolledBack(
                        "entry \(seq) does not chain onto entry \(seq - 1) (its prev differs): it was changed")
                }
                signer.tree.append(leafData: bytes)
                signer.lastLineHash = AuditEntry.chainHash(of: bytes)
                if let root = signer.anchors.removeValue(forKey: signer.tree.size), root != signer.tree.root {
                    throw AuditLogError.rolledBack(
                        "the log's first \(signer.tree.size) entries are not those the stored checkpoint signed")
                }
            }
            if read < Self.integrateBatch { break }
        }
        let size = signer.tree.size
        let unsigned = size != signer.lastSignedSize || signer.lastSignedText == nil
        var due = force || (final && unsigned) || size - signer.lastSignedSize >= configuration.checkpointEvery
        if !due, unsigned, let interval = configuration.checkpointInterval {
            due = signer.lastSignedAt.map { ContinuousClock.now - $0 >= interval } ?? true
        }
        guard due else { return }
        try await sign(on: connection)
    }

    /// Whether `line` ends with `"prev":"<hash>"}`, the field every line carries last.
    static func chains(_ line: [UInt8], onto hash: String) -> Bool {
        let suffix = Array("\"prev\":\"\(hash)\"}".utf8)
        return line.count >= suffix.count && line.suffix(suffix.count).elementsEqual(suffix)
    }

    /// Signs the tree as it is and stores the checkpoint. A checkpoint already stored at this size with another
    /// root means two histories: refused.
    private func sign(on connection: PostgresConnection) async throws {
        let checkpoint = Checkpoint(origin: configuration.origin, size: signer.tree.size, root: signer.tree.root)
        let text = try checkpoint.signed(by: signingKeys)
        let size = Int64(checkpoint.size)
        let root = ByteBuffer(bytes: checkpoint.root)
        let proxy = settings.proxyID
        let rows = try await connection.query(
            """
            INSERT INTO audit_checkpoints (size, root, text, signer) VALUES (\(size), \(root), \(text), \(proxy))
            ON CONFLICT (size) DO UPDATE SET text = EXCLUDED.text, signed_at = now(), signer = EXCLUDED.signer
            WHERE audit_checkpoints.root = EXCLUDED.root
            RETURNING size
            """, logger: logger)
        var stored = false
        for try await _ in rows.decode(Int64.self) { stored = true }
        guard stored else {
            throw AuditLogError.rolledBack(
                "a checkpoint of another root is already stored at size \(checkpoint.size): the log has two histories")
        }
        signer.lastSignedSize = checkpoint.size
        signer.lastSignedText = text
        signer.lastSignedAt = .now
    }

    /// Asks the database how far its standbys are behind (on a primary with streaming replicas), every 5 seconds.
    private func refreshReplicationLag() async {
        if let checked = signer.lagCheckedAt, ContinuousClock.now - checked < .seconds(5) { return }
        signer.lagCheckedAt = .now
        guard let connection = signer.connection, !connection.isClosed else { return }
        do {
            let rows = try await connection.query(
                "SELECT EXTRACT(EPOCH FROM max(replay_lag))::float8 FROM pg_stat_replication", logger: logger)
            var lag: Double?
            for try await (value) in rows.decode(Double?.self) { lag = value }
            signer.replicationLag = lag
        } catch {
            signer.replicationLag = nil
        }
    }

    /// The newest checkpoint this proxy signed or saw.
    public var latestCheckpoint: String? { signer.lastSignedText }

    /// Signs a checkpoint now if this proxy holds the lease; otherwise returns the newest stored one (waiting up to
    /// ten seconds for the holder's first), since only the holder signs.
    @discardableResult
    public func writeCheckpoint() async throws -> String {
        try await exclusively {
            if signer.holdsLease {
                try await integrateAndSign(force: true, final: false)
                if let text = signer.lastSignedText { return text }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let connection = try await signerConnection()
                let rows = try await connection.query(
                    "SELECT text FROM audit_checkpoints ORDER BY size DESC LIMIT 1", logger: logger)
                for try await (text) in rows.decode(String.self) {
                    signer.lastSignedText = text
                    return text
                }
                guard ContinuousClock.now < deadline else {
                    throw AuditLogError.unavailable(
                        "no checkpoint is signed yet, and this proxy does not hold the lease")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Signs on the configured interval: the signer loop does, from the start.
    public func startCheckpointTimer() async {}
}
