import Crypto
import Foundation

/// What a proxy needs from its audit log, whatever holds it: the file log (``AuditLogStore``, the default) or a log
/// that several proxies share in a database (the `AuditLogPostgres` module of the server).
///
/// Every store writes the same lines (``AuditEntry/logLine(seq:time:prev:maxLineBytes:)``), chains them the same way
/// and builds the same RFC 6962 tree, so a log verifies the same whichever store wrote it.
public protocol AuditTrail: AnyObject, Sendable {
    /// Names the store in metrics and messages: `file`, `postgres`.
    var storeKind: String { get }

    /// What opening the log found that the proxy must record or report.
    var startup: AuditTrailStartup { get }

    /// Appends an entry; returns once it is durable (on disk, or committed). Throws if it could not be recorded:
    /// the caller must not go on with what the entry records (fail closed).
    func append(_ entry: AuditEntry) async throws -> AuditReceipt

    /// Appends an entry that may wait up to `delay` to become durable (so that it can share the next append's
    /// `fsync` or commit); returns once it is durable. For entries recorded after the fact, never for a prompt's.
    func append(_ entry: AuditEntry, durableWithin delay: Duration) async throws -> AuditReceipt

    /// Entries durably in the log (as far as this proxy knows: others may have appended since).
    var size: Int { get async }

    /// The signed text of the newest checkpoint this proxy wrote or saw, if any.
    var latestCheckpoint: String? { get async }

    /// Signs a checkpoint over every durable entry now and returns its text. A store whose signing is shared among
    /// proxies signs only while this proxy holds the signer's lease, and otherwise returns the newest checkpoint
    /// signed by the holder, or throws when there is none.
    @discardableResult
    func writeCheckpoint() async throws -> String

    /// Starts signing checkpoints on the configured interval, besides every N entries.
    func startCheckpointTimer() async

    /// Signs future checkpoints with `keys` (after a rotation or retirement).
    func replaceSigningKeys(_ keys: [LogSigningKey]) async throws

    /// What the store reports for `/metrics`.
    func health() async -> AuditTrailHealth

    /// Waits for pending appends, signs a final checkpoint if this proxy signs, and refuses further appends.
    func close() async throws
}

extension AuditTrail {
    /// A store that cannot hold an entry back for a later commit makes it durable at once.
    public func append(_ entry: AuditEntry, durableWithin delay: Duration) async throws -> AuditReceipt {
        try await append(entry)
    }
}

/// What opening a log found: a torn line set aside, a new log declared, entries nobody had signed yet.
public struct AuditTrailStartup: Sendable {
    /// A torn last line set aside (only a file can have one).
    public var recovery: AuditLogStore.Recovery?
    /// The operator declared a new log over one that no longer matched its checkpoints.
    public var restart: AuditLogStore.Restart?
    /// Entries after the newest signed checkpoint (the writer before stopped without closing the log).
    public var unsignedAtStart: Int
    /// Folders or files that others could read, made private, with the mode they had.
    public var permissionsFixed: [(path: String, mode: mode_t)]

    public init(
        recovery: AuditLogStore.Recovery? = nil, restart: AuditLogStore.Restart? = nil, unsignedAtStart: Int = 0,
        permissionsFixed: [(path: String, mode: mode_t)] = []
    ) {
        self.recovery = recovery
        self.restart = restart
        self.unsignedAtStart = unsignedAtStart
        self.permissionsFixed = permissionsFixed
    }
}

/// A store's state for monitoring.
public struct AuditTrailHealth: Sendable, Equatable {
    /// Whether this proxy signs the log's checkpoints now (a file log's writer always does).
    public var holdsSignerLease: Bool
    /// How far the database's standbys are behind, in seconds, when the database reports it (nil otherwise).
    public var replicationLagSeconds: Double?

    public init(holdsSignerLease: Bool, replicationLagSeconds: Double? = nil) {
        self.holdsSignerLease = holdsSignerLease
        self.replicationLagSeconds = replicationLagSeconds
    }
}

/// What a store is opened with: where and how often to sign (``AuditLogConfiguration``; a database store uses its
/// origin and cadence), the keys, and whether the operator declared a new log.
public struct AuditTrailRequest: Sendable {
    public var configuration: AuditLogConfiguration
    public var signingKeys: [LogSigningKey]
    /// The operator declared a new log over one that no longer matches its checkpoints.
    public var startNewLog: Bool

    public init(configuration: AuditLogConfiguration, signingKeys: [LogSigningKey], startNewLog: Bool) {
        self.configuration = configuration
        self.signingKeys = signingKeys
        self.startNewLog = startNewLog
    }
}

/// Opens the store a proxy writes to. The file log's is ``AuditLogStore/open(_:)``; the server passes another to
/// use a shared database.
public typealias AuditTrailOpener = @Sendable (AuditTrailRequest) async throws -> any AuditTrail

extension AuditLogStore: AuditTrail {
    public nonisolated var storeKind: String { "file" }

    public nonisolated var startup: AuditTrailStartup {
        AuditTrailStartup(
            recovery: recovery, restart: restart, unsignedAtStart: unsignedAtStart, permissionsFixed: permissionsFixed)
    }

    /// The file log's writer signs its checkpoints itself.
    public func health() async -> AuditTrailHealth { AuditTrailHealth(holdsSignerLease: true) }

    /// Opens the file log in `request.configuration.directory` (the default store).
    @Sendable
    public static func open(_ request: AuditTrailRequest) async throws -> any AuditTrail {
        try AuditLogStore(
            configuration: request.configuration, signingKeys: request.signingKeys, startNewLog: request.startNewLog)
    }
}

extension AuditLogStore.Restart {
    /// A new log declared over one that did not match `previousSize` and `previousRoot` (the newest checkpoint's),
    /// with the old checkpoints kept in `supersededIn` (a folder, a table) and why they did not match.
    public init(previousSize: Int?, previousRoot: TreeHash?, supersededIn: String, mismatch: String) {
        self.init(
            previousSize: previousSize, previousRoot: previousRoot, supersededFolder: supersededIn, mismatch: mismatch)
    }
}

extension AuditEntry {
    /// This entry as the log line that holds it at `seq`, chained onto `prev` (hex SHA-256 of the previous line,
    /// 64 zeros for the first), written at `time`: the exact bytes, without `\n`, that every store writes. An entry
    /// too large for a line is cut to fit (its note says what was not kept); one that still does not fit in
    /// `maxLineBytes` (nor in a tlog-tiles entry bundle) is refused.
    public func logLine(seq: Int, time: Date, prev: String, maxLineBytes: Int) throws(AuditLogError) -> [UInt8] {
        let limit = min(maxLineBytes, EntryBundle.maxEntryBytes)
        let line = line(seq: seq, time: time, prev: prev, limit: limit)
        guard line.count <= limit else {
            throw AuditLogError.unavailable("entry of \(line.count) bytes exceeds the \(limit)-byte line limit")
        }
        return line
    }

    /// The hex SHA-256 of a line: the next line's `prev`.
    public static func chainHash(of line: some Collection<UInt8>) -> String {
        hexString(SHA256.hash(data: Array(line)))
    }

    /// The `prev` of a log's first line.
    public static let firstPrev = String(repeating: "0", count: 64)
}
