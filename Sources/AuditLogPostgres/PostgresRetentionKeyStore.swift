import AuditLog
import Crypto
import Foundation
import Logging
import PostgresNIO

/// The retention keys of a log in PostgreSQL, in the log's own database, shared by every proxy that writes it.
///
/// - `audit_retention_keys`: one row per key id; `key` the 32 key bytes, set to NULL when retention destroys it, in
///   the same statement that writes its tombstone (`destroyed_at`, `destroyed_by_entry`). A key is created with
///   `INSERT … ON CONFLICT DO NOTHING` and then read, so proxies that need the same key at once all get the first.
/// - `audit_retention_holds`: the legal holds in force.
///
/// A destroyed key's bytes may survive in dead row versions until `VACUUM` reclaims them, in the write-ahead log and
/// its archive, on standbys until they replay, and in backups: `apply` runs `VACUUM` on the table, and
/// docs/audit-log.md says what the rest means.
public actor PostgresRetentionKeyStore: RetentionKeyStore {
    public nonisolated let url: PostgresLogURL
    private let logger = Logger(label: "promptgate.retention.postgres")
    private var connection: PostgresConnection?
    /// Keys read, with when they were read: reused for ``revalidateAfter`` at most, then read again, so a key that
    /// another process destroyed (`retention apply` while the proxies run) stops sealing within that time.
    private var cache: [SealingKeyID: (key: SymmetricKey, read: ContinuousClock.Instant)] = [:]
    /// How long a key read from the database is used before it is read again.
    public nonisolated let revalidateAfter: Duration
    private var migrated = false
    /// The connection being opened, and the tables being created: callers that arrive meanwhile wait for them.
    private var opening: Task<PostgresConnection, any Error>?
    private var migrating: Task<Void, any Error>?

    /// The key store in the database of `url` (connected on first use).
    /// - Parameters:
    ///   - url: The log's database.
    ///   - revalidateAfter: How long a key is used before the database is asked again whether it still exists
    ///     (one query per key and period, not per entry). Another process's `retention apply` stops this process
    ///     sealing under a destroyed key within this time; an entry sealed in that window is unreadable at once,
    ///     as if erased, never kept in the clear.
    public init(url: PostgresLogURL, revalidateAfter: Duration = defaultRevalidateAfter) {
        self.url = url
        self.revalidateAfter = revalidateAfter
    }

    /// One second: the longest a destroyed key can still seal entries in another proxy.
    public static let defaultRevalidateAfter: Duration = .seconds(1)

    /// The tables, created if missing.
    public static let statements = [
        """
        CREATE TABLE IF NOT EXISTS audit_retention_keys (
            key_id text PRIMARY KEY,
            key bytea,
            created_at timestamptz NOT NULL DEFAULT now(),
            destroyed_at text,
            destroyed_by_entry bigint,
            CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_retention_holds (
            id bigserial PRIMARY KEY,
            period text NOT NULL,
            department text,
            reason text NOT NULL,
            placed_at text NOT NULL
        )
        """,
    ]

    /// The advisory lock held while the tables are created: ASCII "PGretain".
    static let migrationLockKey: Int64 = 0x5047_7265_7461_696E

    /// The connection, with the tables created if missing (for writers).
    private func ready() async throws -> PostgresConnection { try await connect(migrating: true) }

    /// The connection for a reader, or nil when the database has no retention tables yet (nothing was sealed):
    /// reading creates nothing, so an auditor's read-only role can run it.
    private func readyForReading() async throws -> PostgresConnection? {
        let connection = try await connect(migrating: false)
        if migrated { return connection }
        return try await run {
            let rows = try await connection.query(
                "SELECT to_regclass('audit_retention_keys') IS NOT NULL AND to_regclass('audit_retention_holds') IS NOT NULL",
                logger: logger)
            for try await (exists) in rows.decode(Bool.self) { return exists ? connection : nil }
            return nil
        }
    }

    private func connect(migrating: Bool) async throws -> PostgresConnection {
        let connection = try await open()
        if migrating { try await migrate(connection) }
        return connection
    }

    /// The store's one connection, opened once however many callers ask at the same time: the first appends of a
    /// busy proxy all want a key at once, and a second connection opened by a racing caller would be dropped
    /// unclosed (postgres-nio asserts on that in debug builds, and leaks it in release builds).
    private func open() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        if let opening { return try await opening.value }
        let stale = connection
        connection = nil
        let url = self.url
        let logger = self.logger
        let task = Task { () async throws -> PostgresConnection in
            try? await stale?.close()
            do {
                return try await PostgresConnection.connect(
                    configuration: try url.connectionConfiguration(), id: 7, logger: logger)
            } catch {
                throw AuditLogError.unavailable("cannot reach the retention keys' database \(url): \(describe(error))")
            }
        }
        opening = task
        defer { opening = nil }
        let opened = try await task.value
        connection = opened
        return opened
    }

    /// Creates the tables once, under an advisory lock shared with other proxies; callers that arrive meanwhile
    /// wait for the same migration (two transactions on one connection must not interleave).
    private func migrate(_ connection: PostgresConnection) async throws {
        if migrated { return }
        if let migrating { return try await migrating.value }
        let logger = self.logger
        let task = Task { () async throws in
            do {
                _ = try await connection.withTransaction(logger: logger) { connection in
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
                    for statement in Self.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                }
            } catch let error as AuditLogError {
                throw error
            } catch {
                throw AuditLogError.unavailable("retention keys: \(describe(error))")
            }
        }
        migrating = task
        defer { migrating = nil }
        try await task.value
        migrated = true
    }

    /// Runs `body`, turning database errors into the log's errors.
    @discardableResult
    private func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw AuditLogError.unavailable("retention keys in \(url): \(describe(error))")
        }
    }

    public func key(for id: SealingKeyID) async throws -> SymmetricKey? {
        let now = ContinuousClock.now
        if let cached = cache[id], now - cached.read < revalidateAfter { return cached.key }
        let connection = try await ready()
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { ByteBuffer(bytes: $0) }
        let name = id.description
        let stored: ByteBuffer? = try await run {
            try await connection.query(
                "INSERT INTO audit_retention_keys (key_id, key) VALUES (\(name), \(fresh)) ON CONFLICT (key_id) DO NOTHING",
                logger: logger)
            let rows = try await connection.query(
                "SELECT key FROM audit_retention_keys WHERE key_id = \(name)", logger: logger)
            for try await (key) in rows.decode(ByteBuffer?.self) { return key }
            throw AuditLogError.unavailable("the key \(name) is missing after it was written")
        }
        guard let stored else {
            cache[id] = nil
            return nil
        }
        guard stored.readableBytes == 32 else {
            throw AuditLogError.badKey("audit_retention_keys holds a key \(name) that is not 256 bits")
        }
        let key = SymmetricKey(data: Array(stored.readableBytesView))
        cache[id] = (key, now)
        return key
    }

    public func ring() async throws -> KeyRing {
        guard let connection = try await readyForReading() else { return KeyRing() }
        return try await run {
            var ring = KeyRing()
            let rows = try await connection.query(
                "SELECT key_id, key, destroyed_at, destroyed_by_entry FROM audit_retention_keys", logger: logger)
            for try await (id, key, destroyedAt, entry) in rows.decode((String, ByteBuffer?, String?, Int64?).self) {
                if let destroyedAt {
                    ring.tombstones[id] = KeyTombstone(keyID: id, destroyedAt: destroyedAt, entry: entry.map(Int.init))
                } else if let key, key.readableBytes == 32 {
                    ring.keys[id] = SymmetricKey(data: Array(key.readableBytesView))
                }
            }
            return ring
        }
    }

    public func keyIDs() async throws -> [SealingKeyID] {
        guard let connection = try await readyForReading() else { return [] }
        return try await run {
            var ids: [SealingKeyID] = []
            let rows = try await connection.query("SELECT key_id FROM audit_retention_keys", logger: logger)
            for try await (id) in rows.decode(String.self) { if let id = SealingKeyID(parsing: id) { ids.append(id) } }
            return ids.sorted()
        }
    }

    public func destroy(_ id: SealingKeyID, tombstone: KeyTombstone) async throws {
        let connection = try await ready()
        let name = id.description
        let at = tombstone.destroyedAt
        let entry = tombstone.entry.map(Int64.init)
        try await run {
            try await connection.query(
                """
                UPDATE audit_retention_keys SET key = NULL, destroyed_at = \(at), destroyed_by_entry = \(entry)
                WHERE key_id = \(name) AND destroyed_at IS NULL
                """, logger: logger)
            // Dead row versions still hold the bytes until a vacuum reclaims them.
            try await connection.query("VACUUM audit_retention_keys", logger: logger)
        }
        cache[id] = nil
    }

    public func holds() async throws -> [RetentionHold] {
        guard let connection = try await readyForReading() else { return [] }
        return try await run {
            var holds: [RetentionHold] = []
            let rows = try await connection.query(
                "SELECT period, department, reason, placed_at FROM audit_retention_holds ORDER BY id", logger: logger)
            for try await (period, department, reason, placedAt) in rows.decode((String, String?, String, String).self)
            {
                holds.append(RetentionHold(period: period, department: department, reason: reason, placedAt: placedAt))
            }
            return holds
        }
    }

    public func addHold(_ hold: RetentionHold) async throws {
        let connection = try await ready()
        try await run {
            try await connection.query(
                """
                INSERT INTO audit_retention_holds (period, department, reason, placed_at)
                VALUES (\(hold.period), \(hold.department), \(hold.reason), \(hold.placedAt))
                """, logger: logger)
        }
    }

    public func removeHold(_ hold: RetentionHold) async throws {
        let connection = try await ready()
        try await run {
            try await connection.query(
                """
                DELETE FROM audit_retention_holds WHERE id = (
                    SELECT id FROM audit_retention_holds WHERE period = \(hold.period)
                    AND department IS NOT DISTINCT FROM \(hold.department) AND reason = \(hold.reason)
                    AND placed_at = \(hold.placedAt) ORDER BY id LIMIT 1)
                """, logger: logger)
        }
    }

    /// Closes the connection.
    public func close() async {
        try? await connection?.close()
        connection = nil
    }
}
