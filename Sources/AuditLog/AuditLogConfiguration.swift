/// Where the log lives and how often it is committed to by a signed checkpoint.
public struct AuditLogConfiguration: Sendable {
    /// The folder holding `audit.log`, `checkpoint` and `checkpoints/` (created with mode 0700).
    public var directory: String
    /// The checkpoint origin, which is also the signing key's name, e.g. `city.example/promptgate/it-dept`.
    public var origin: String
    /// A checkpoint is signed after this many new entries.
    public var checkpointEvery: Int
    /// A checkpoint is also signed this long after the last one if entries arrived since (`nil`: only by count).
    public var checkpointInterval: Duration?
    /// The longest line accepted; longer entries are refused (their text should be truncated by the caller).
    public var maxLineBytes: Int
    /// The active segment is rolled when the next batch would make it larger than this.
    public var maxSegmentBytes: Int
    /// Roll the active segment when the UTC day changes.
    public var rollDaily: Bool
    /// fsync every batch. Turn off only to generate benchmark logs: acknowledged entries could then be lost.
    public var fsync: Bool

    // The defaults, each stated once: the initializer, the proxy's configuration reader and its `--help` use these.
    public static let defaultCheckpointEvery = 1000
    public static let defaultCheckpointInterval: Duration = .seconds(5)
    public static let defaultMaxLineBytes = 1 << 20
    public static let defaultMaxSegmentBytes = 256 << 20

    public init(
        directory: String, origin: String, checkpointEvery: Int = defaultCheckpointEvery,
        checkpointInterval: Duration? = defaultCheckpointInterval, maxLineBytes: Int = defaultMaxLineBytes,
        maxSegmentBytes: Int = defaultMaxSegmentBytes, rollDaily: Bool = true, fsync: Bool = true
    ) {
        self.directory = directory
        self.origin = origin
        self.checkpointEvery = max(1, checkpointEvery)
        self.checkpointInterval = checkpointInterval
        self.maxLineBytes = maxLineBytes
        self.maxSegmentBytes = maxSegmentBytes
        self.rollDaily = rollDaily
        self.fsync = fsync
    }

    /// The active segment.
    public var logPath: String { directory + "/" + LogSegments.activeName }
    /// Held locked (flock) for the writer's lifetime: one writer per log.
    public var lockPath: String { directory + "/audit.lock" }
    public var checkpointPath: String { directory + "/checkpoint" }
    public var checkpointHistoryDirectory: String { directory + "/checkpoints" }
}

/// Proof that an entry is on disk: its sequence number (= its 0-based leaf index).
public struct AuditReceipt: Sendable, Equatable {
    public var seq: Int

    /// The receipt of the entry at `seq` (a store outside this module makes them too).
    public init(seq: Int) { self.seq = seq }
}
