/// Where the log lives and how often it is committed to by a signed checkpoint.
public struct AuditLogConfiguration: Sendable {
    /// The folder holding `audit.log`, `checkpoint` and `checkpoints/` (created with mode 0700).
    public var directory: String
    /// The checkpoint origin, which is also the signing key's name, e.g. `city.example/promptgate/it-dept`.
    public var origin: String
    /// A checkpoint is signed after this many new entries.
    public var checkpointEvery: Int
    /// The longest line accepted; longer entries are refused (their text should be truncated by the caller).
    public var maxLineBytes: Int

    public init(directory: String, origin: String, checkpointEvery: Int = 1000, maxLineBytes: Int = 1 << 20) {
        self.directory = directory
        self.origin = origin
        self.checkpointEvery = max(1, checkpointEvery)
        self.maxLineBytes = maxLineBytes
    }

    public var logPath: String { directory + "/audit.log" }
    public var checkpointPath: String { directory + "/checkpoint" }
    public var checkpointHistoryDirectory: String { directory + "/checkpoints" }
}

/// Proof that an entry is on disk: its sequence number (= its 0-based leaf index).
public struct AuditReceipt: Sendable, Equatable {
    public var seq: Int
}
