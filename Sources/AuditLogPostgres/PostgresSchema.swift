/// The tables that hold an audit log in PostgreSQL: one log per database.
///
/// The contract with every reader (`promptgate verify`, `promptgate log export`) is the file log's: row `seq` of
/// `audit_entries` holds exactly the bytes line `seq` of `audit.log` would hold (without its `\n`), so laying the rows
/// out in `seq` order, each followed by `\n`, gives a log that the file verifier and the independent verifier accept.
///
/// - `audit_meta` (one row): the log's origin and the verifier keys its checkpoints are signed with. Every proxy of a
///   log shares one log key (`log.key`); a proxy whose key is not listed here refuses to start.
/// - `audit_tip` (one row): what the next entry chains onto. An appending transaction locks it (`FOR UPDATE`), so
///   PostgreSQL sequences the entries of all proxies: `size` is the next `seq`, `last_line_hash` the next `prev`.
/// - `audit_entries`: one row per entry. `leaf_hash` is SHA-256(0x00 ‖ line), the RFC 6962 leaf; `proxy_id` says
///   which proxy appended it (not part of the signed data).
/// - `audit_checkpoints`: every checkpoint signed over the log (the file log's `checkpoints/<size>`), `root` the raw
///   32-byte tree hash, `text` the signed note exactly as signed, `signer` the proxy that held the signer lease.
/// - `audit_superseded_checkpoints`: checkpoints set aside when an operator declared a new log over one that no longer
///   matched them (the file log's `checkpoints-superseded-…` folders), with the reason.
/// - `audit_signer` (one row): which proxy holds the signer lease now, for operators and `/metrics`. The lease
///   itself is the session advisory lock ``PostgresSchema/signerLockKey``; this row is only its label.
///
/// Changes after version 1 must be additive (new tables, new nullable columns): readers of version 1 keep working.
public enum PostgresSchema {
    /// The version this code writes into `audit_meta.schema_version`.
    public static let version = 1

    /// The advisory lock (`pg_advisory_lock(bigint)`) held by the signer for as long as its connection lives.
    /// ASCII "PGsigner" as a big-endian integer.
    public static let signerLockKey: Int64 = 0x5047_7369_676E_6572

    /// The advisory lock held (transaction-scoped) while the tables are created, so that two proxies starting at
    /// once do not race. ASCII "PGschema".
    public static let migrationLockKey: Int64 = 0x5047_7363_6865_6D61

    /// The tables, each statement on its own (the extended protocol runs one statement at a time). Idempotent.
    public static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS audit_meta (
            id smallint PRIMARY KEY CHECK (id = 1),
            schema_version integer NOT NULL,
            origin text NOT NULL,
            verifier_keys text[] NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_tip (
            id smallint PRIMARY KEY CHECK (id = 1),
            size bigint NOT NULL CHECK (size >= 0),
            last_line_hash text NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_entries (
            seq bigint PRIMARY KEY CHECK (seq >= 0),
            line bytea NOT NULL,
            leaf_hash bytea NOT NULL,
            appended_at timestamptz NOT NULL DEFAULT now(),
            proxy_id text NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            size bigint PRIMARY KEY CHECK (size >= 0),
            root bytea NOT NULL,
            text text NOT NULL,
            signed_at timestamptz NOT NULL DEFAULT now(),
            signer text NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_superseded_checkpoints (
            size bigint NOT NULL,
            root bytea NOT NULL,
            text text NOT NULL,
            signed_at timestamptz NOT NULL,
            signer text NOT NULL,
            superseded_at timestamptz NOT NULL DEFAULT now(),
            reason text NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_signer (
            id smallint PRIMARY KEY CHECK (id = 1),
            proxy_id text NOT NULL,
            since timestamptz NOT NULL DEFAULT now()
        )
        """,
        "INSERT INTO audit_tip (id, size, last_line_hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING",
    ]

    /// The entries in log order, for readers: `SELECT seq, line FROM audit_entries WHERE seq >= $1 ORDER BY seq`.
    public static let entriesFrom = "SELECT seq, line FROM audit_entries WHERE seq >= $1 ORDER BY seq LIMIT $2"

    /// Every stored checkpoint, oldest first.
    public static let checkpoints = "SELECT size, text FROM audit_checkpoints ORDER BY size"
}
