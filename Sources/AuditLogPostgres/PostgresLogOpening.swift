import AuditLog
import Foundation
import Logging
import PostgresNIO

/// What a proxy does with the database before its first append: create the tables if missing, check that the log
/// is this proxy's (origin and key), and check every entry against the checkpoints signed over it.
enum PostgresLogOpening {
    struct Opened {
        var trustedKeys: [LogVerifierKey]
        var restart: AuditLogStore.Restart?
        var tree: MerkleTree
        var lastLineHash: String
        var anchorsAfterScan: [Int: TreeHash]
        var newestCheckpointSize: Int
        var newestCheckpointText: String?
        /// Entries after the newest checkpoint that no running signer will sign: counted when no proxy held the
        /// signer lease as the log was opened (its signer stopped without closing the log), as the file log counts
        /// them; 0 while another proxy signs (it signs them on its cadence).
        var unsignedAtStart: Int
    }

    static func run(
        on connection: PostgresConnection, configuration: AuditLogConfiguration, newestKey: LogVerifierKey,
        proxyID: String, startNewLog: Bool, logger: Logger
    ) async throws -> Opened {
        let meta = try await migrate(connection, origin: configuration.origin, key: newestKey, logger: logger)
        let trusted = try checkMeta(meta, origin: configuration.origin, key: newestKey)
        // Whether a signer runs, asked before the snapshot is read: the entries it has not signed yet are its own.
        let signerRuns = try await leaseHeld(connection, logger: logger)
        let scan = try await scan(connection, origin: configuration.origin, trusted: trusted, logger: logger)
        var restart: AuditLogStore.Restart?
        var newest = scan.checkpoints.last
        if let mismatch = scan.mismatch {
            guard startNewLog, !scan.gap else { throw AuditLogError.rolledBack(mismatch) }
            restart = try await supersede(
                connection, scan: scan, reason: mismatch, proxyID: proxyID, logger: logger)
            newest = nil
        }
        return Opened(
            trustedKeys: trusted, restart: restart, tree: scan.tree, lastLineHash: scan.lastLineHash,
            anchorsAfterScan: [:], newestCheckpointSize: newest?.checkpoint.size ?? -1,
            newestCheckpointText: newest?.text,
            unsignedAtStart: restart != nil || signerRuns ? 0 : scan.tree.size - max(newest?.checkpoint.size ?? 0, 0))
    }

    /// Whether a proxy holds the signer lease now: the advisory lock is tried and, if it was free, let go at once
    /// (the signer loop takes it properly).
    static func leaseHeld(_ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        do {
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(\(PostgresSchema.signerLockKey))", logger: logger)
            var free = false
            for try await (got) in rows.decode(Bool.self) { free = got }
            if free {
                try await connection.query(
                    "SELECT pg_advisory_unlock(\(PostgresSchema.signerLockKey))", logger: logger)
            }
            return !free
        } catch {
            throw AuditLogError.unavailable("cannot read the signer lease: \(describe(error))")
        }
    }

    struct Meta {
        var version: Int
        var origin: String
        var keys: [String]
    }

    /// Creates the tables and the log's meta row if missing, under a transaction-scoped advisory lock (two proxies
    /// starting at once wait for each other), and returns the meta row.
    static func migrate(
        _ connection: PostgresConnection, origin: String, key: LogVerifierKey, logger: Logger
    ) async throws -> Meta {
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLockKey))", logger: logger)
                for statement in PostgresSchema.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let version = PostgresSchema.version
                let keys = [key.text]
                try await connection.query(
                    """
                    INSERT INTO audit_meta (id, schema_version, origin, verifier_keys)
                    VALUES (1, \(version), \(origin), \(keys)) ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
                let rows = try await connection.query(
                    "SELECT schema_version, origin, verifier_keys FROM audit_meta WHERE id = 1", logger: logger)
                for try await (version, origin, keys) in rows.decode((Int32, String, [String]).self) {
                    return Meta(version: Int(version), origin: origin, keys: keys)
                }
                throw AuditLogError.unavailable("audit_meta has no row after it was written")
            }
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw AuditLogError.unavailable("cannot set up the log's tables: \(describe(error))")
        }
    }

    /// The log must be this proxy's: the same origin, and this proxy's key among the log's.
    static func checkMeta(_ meta: Meta, origin: String, key: LogVerifierKey) throws(AuditLogError) -> [LogVerifierKey] {
        guard meta.version <= PostgresSchema.version else {
            throw AuditLogError.unavailable(
                "the log's tables are of schema version \(meta.version), newer than this PromptGate's "
                    + "(\(PostgresSchema.version)): upgrade this proxy")
        }
        guard meta.origin == origin else {
            throw AuditLogError.badKey(
                "the database holds the log \(meta.origin.debugDescription), but this proxy's log origin is "
                    + "\(origin.debugDescription): set the same log origin on every proxy of a log, or use another "
                    + "database")
        }
        var trusted: [LogVerifierKey] = []
        for text in meta.keys {
            do {
                trusted.append(try LogVerifierKey(text: text))
            } catch {
                throw AuditLogError.badKey("audit_meta.verifier_keys holds \(text.debugDescription): \(error)")
            }
        }
        guard trusted.contains(key) else {
            throw AuditLogError.badKey(
                "this proxy's log key (\(key.text)) is not the key of the log in the database "
                    + "(\(meta.keys.joined(separator: ", "))). All proxies of a log sign with one key: copy log.key "
                    + "and log.vkey from the data folder of the proxy that first wrote this log into this proxy's "
                    + "data folder, then start it again")
        }
        return trusted
    }

    struct StoredCheckpoint {
        var checkpoint: Checkpoint
        var text: String
    }

    struct Scan {
        var tree = MerkleTree()
        var lastLineHash = AuditEntry.firstPrev
        var lastLine: [UInt8]?
        var checkpoints: [StoredCheckpoint] = []
        var tipSize = 0
        var tipHash = AuditEntry.firstPrev
        /// Why the log does not match its checkpoints or its tip, if it does not.
        var mismatch: String?
        /// Entries are missing in the middle (no new log can be started over that).
        var gap = false
    }

    /// Reads the tip, the checkpoints and every entry in one snapshot, building the tree, and says whether they
    /// agree: every checkpoint verifies with a key of the log and matches the entries' root at its size, the
    /// entries run from 0 without a gap, and the tip points after the last one.
    static func scan(
        _ connection: PostgresConnection, origin: String, trusted: [LogVerifierKey], logger: Logger
    ) async throws -> Scan {
        var scan = Scan()
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        do {
            let tipRows = try await connection.query(
                "SELECT size, last_line_hash FROM audit_tip WHERE id = 1", logger: logger)
            for try await (size, hash) in tipRows.decode((Int64, String).self) {
                scan.tipSize = Int(size)
                scan.tipHash = hash
            }
            let checkpointRows = try await connection.query(
                PostgresQuery(unsafeSQL: PostgresSchema.checkpoints), logger: logger)
            for try await (size, text) in checkpointRows.decode((Int64, String).self) {
                do {
                    let checkpoint = try Checkpoint.open(note: text, trusted: trusted)
                    guard checkpoint.origin == origin, checkpoint.size == size else {
                        throw AuditLogError.badCheckpoint("it is signed for another origin or size")
                    }
                    scan.checkpoints.append(StoredCheckpoint(checkpoint: checkpoint, text: text))
                } catch {
                    throw AuditLogError.rolledBack(
                        "the checkpoint stored at size \(size) does not verify (\(error)): it was altered or replaced")
                }
            }
            var roots: [Int: TreeHash] = [:]
            let sizes = Set(scan.checkpoints.map(\.checkpoint.size))
            let entryRows = try await connection.query(
                "SELECT seq, line FROM audit_entries ORDER BY seq", logger: logger)
            for try await (seq, line) in entryRows.decode((Int64, ByteBuffer).self) {
                guard seq == scan.tree.size else {
                    if scan.mismatch == nil {
                        scan.mismatch =
                            "entry \(scan.tree.size) is missing (the next stored is \(seq)): entries were deleted"
                        scan.gap = true
                    }
                    continue
                }
                guard scan.mismatch == nil || !scan.gap else { continue }
                let bytes = Array(line.readableBytesView)
                scan.tree.append(leafData: bytes)
                scan.lastLineHash = AuditEntry.chainHash(of: bytes)
                if sizes.contains(scan.tree.size) { roots[scan.tree.size] = scan.tree.root }
            }
            try await connection.query("COMMIT", logger: logger)
            if scan.mismatch == nil { scan.mismatch = anchorMismatch(scan, roots: roots) }
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            if let error = error as? AuditLogError { throw error }
            throw AuditLogError.unavailable("cannot read the log: \(describe(error))")
        }
        return scan
    }

    /// Why the scanned entries do not match the stored checkpoints or the tip, if they do not (as the file log's
    /// anchors check).
    private static func anchorMismatch(_ scan: Scan, roots: [Int: TreeHash]) -> String? {
        let size = scan.tree.size
        if let newest = scan.checkpoints.last, size < newest.checkpoint.size {
            return "the database holds \(size) entries, but a checkpoint signed \(newest.checkpoint.size): "
                + "\(newest.checkpoint.size - size) signed entries are gone (the log was cut, deleted or replaced)"
        }
        for stored in scan.checkpoints {
            let root = stored.checkpoint.size == 0 ? MerkleTree.emptyRoot : roots[stored.checkpoint.size]
            guard root == stored.checkpoint.root else {
                return "the log's first \(stored.checkpoint.size) entries are not those the checkpoint at that size "
                    + "signed (the root differs): entries were changed, reordered or replaced"
            }
        }
        if scan.tipSize != size || scan.tipHash != scan.lastLineHash {
            return "the log's tip (\(scan.tipSize) entries) does not point after its last entry (\(size) entries): "
                + "entries or the tip were changed by hand"
        }
        return nil
    }

    /// For an operator who declared a new log: moves the checkpoints to `audit_superseded_checkpoints` with the
    /// reason, and points the tip after the last entry, in one transaction (the entries stay as they are).
    static func supersede(
        _ connection: PostgresConnection, scan: Scan, reason: String, proxyID: String, logger: Logger
    ) async throws -> AuditLogStore.Restart {
        let size = Int64(scan.tree.size)
        let hash = scan.lastLineHash
        do {
            try await connection.withTransaction(logger: logger) { connection in
                let tip = try await PostgresAuditLog.lockTip(connection, logger: logger)
                guard tip.size == scan.tipSize else {
                    throw AuditLogError.unavailable("another proxy appended while this one started a new log; retry")
                }
                try await connection.query(
                    """
                    INSERT INTO audit_superseded_checkpoints (size, root, text, signed_at, signer, reason)
                    SELECT size, root, text, signed_at, signer, \(reason) FROM audit_checkpoints
                    """, logger: logger)
                try await connection.query("DELETE FROM audit_checkpoints", logger: logger)
                try await connection.query(
                    "UPDATE audit_tip SET size = \(size), last_line_hash = \(hash) WHERE id = 1", logger: logger)
            }
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw AuditLogError.unavailable("cannot set the old checkpoints aside: \(describe(error))")
        }
        logger.warning(
            "a new log was declared: the old checkpoints are in audit_superseded_checkpoints",
            metadata: ["proxy": "\(proxyID)"])
        return AuditLogStore.Restart(
            previousSize: scan.checkpoints.last?.checkpoint.size, previousRoot: scan.checkpoints.last?.checkpoint.root,
            supersededIn: "the table audit_superseded_checkpoints", mismatch: reason)
    }
}
