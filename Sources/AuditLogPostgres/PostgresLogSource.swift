import AuditLog
import Logging
import PostgresNIO

/// A PostgreSQL audit log as the verifier and `log export` read it (``LogSource``): the rows of `audit_entries` in
/// `seq` order as lines, `audit_checkpoints` as the checkpoints, `audit_meta` for the verifier keys.
///
/// Everything is read on one connection inside one read-only `REPEATABLE READ` transaction, so checkpoints, keys and
/// lines are one consistent view of a log that proxies keep appending to. Lines come in pages (a few thousand rows,
/// fewer when they are large), the next page requested while the current one is checked: never the whole log in
/// memory. The calls block their thread; they are for the command line, not for an event loop.
public final class PostgresLogSource: LogSource, @unchecked Sendable {
    /// Where the log is.
    public let url: PostgresLogURL
    private let connection: PostgresConnection
    private let logger = Logger(label: "promptgate.audit-log.postgres.reader")
    private var closed = false

    /// Connects to the log at `url` and opens the snapshot everything is read from.
    public init(url: PostgresLogURL) throws(AuditLogError) {
        self.url = url
        do {
            self.connection = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(), configuration: try url.connectionConfiguration(),
                id: 1, logger: logger
            ).wait()
        } catch {
            throw AuditLogError.io(path: url.description, reason: "cannot connect: \(describe(error))")
        }
        do {
            _ = try run("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let tables = try run(
                "SELECT to_regclass('audit_meta') IS NOT NULL AND to_regclass('audit_entries') IS NOT NULL")
            guard try tables.rows.first?.decode(Bool.self) == true else {
                close()
                throw AuditLogError.io(path: url.description, reason: "this database holds no PromptGate audit log")
            }
        } catch let error as AuditLogError {
            close()
            throw error
        } catch {
            close()
            throw AuditLogError.io(path: url.description, reason: describe(error))
        }
    }

    deinit { close() }

    public var name: String { url.description }

    public func close() {
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
    }

    public func isEmpty() throws(AuditLogError) -> Bool {
        try reading { () throws -> Bool in
            try run("SELECT NOT EXISTS (SELECT 1 FROM audit_entries)").rows.first?.decode(Bool.self) ?? true
        }
    }

    public func lineReader() throws(AuditLogError) -> any LogLineSource { PostgresLineReader(source: self) }

    public func latestCheckpoint() throws(AuditLogError) -> LogVerifier.CheckpointInput? {
        try reading { () throws -> LogVerifier.CheckpointInput? in
            let rows = try run("SELECT size, text FROM audit_checkpoints ORDER BY size DESC LIMIT 1").rows
            return try rows.first.map { row in
                let (size, text) = try row.decode((Int64, String).self)
                return LogVerifier.CheckpointInput(label: "audit_checkpoints size \(size) (the newest)", note: text)
            }
        }
    }

    public func checkpointHistory() throws(AuditLogError) -> [LogVerifier.CheckpointInput] {
        try reading { () throws -> [LogVerifier.CheckpointInput] in
            try run(PostgresSchema.checkpoints).rows.map { row in
                let (size, text) = try row.decode((Int64, String).self)
                return LogVerifier.CheckpointInput(label: "audit_checkpoints size \(size)", note: text)
            }
        }
    }

    public func verifierKeys() throws(AuditLogError) -> [LogVerifierKey] {
        let texts = try reading { () throws -> [String] in
            try run("SELECT verifier_keys FROM audit_meta WHERE id = 1").rows.first?.decode([String].self) ?? []
        }
        guard !texts.isEmpty else {
            throw AuditLogError.badKey("\(url): audit_meta names no verifier key (no proxy has opened this log yet)")
        }
        return try texts.map { text throws(AuditLogError) in try LogVerifierKey(text: text) }
    }

    /// One page of lines from `seq` on, at most `limit` rows, as a query in flight.
    func page(from seq: Int64, limit: Int) -> EventLoopFuture<PostgresQueryResult> {
        var binds = PostgresBindings(capacity: 2)
        binds.append(seq)
        binds.append(Int64(limit))
        return connection.query(PostgresQuery(unsafeSQL: PostgresSchema.entriesFrom, binds: binds), logger: logger)
    }

    private func run(_ sql: String) throws -> PostgresQueryResult {
        try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
    }

    /// Runs `body`, turning database errors into this log's errors.
    func reading<T>(_ body: () throws -> T) throws(AuditLogError) -> T {
        do {
            return try body()
        } catch let error as AuditLogError {
            throw error
        } catch {
            throw AuditLogError.io(path: url.description, reason: describe(error))
        }
    }
}
