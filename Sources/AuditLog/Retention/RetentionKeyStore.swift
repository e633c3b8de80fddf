import Crypto
import Foundation

/// Where the keys that seal entries' texts live, with the tombstones of destroyed keys and the legal holds: a folder
/// beside a file log (``FileRetentionKeyStore``), tables beside a PostgreSQL log. All proxies of one log share it.
public protocol RetentionKeyStore: Sendable {
    /// The key named `id`, created (random, durable, shared) if there is none yet; nil if retention destroyed it.
    func key(for id: SealingKeyID) async throws -> SymmetricKey?
    /// Every key and tombstone, to open texts with.
    func ring() async throws -> KeyRing
    /// Every key id known: live keys and destroyed ones.
    func keyIDs() async throws -> [SealingKeyID]
    /// Destroys a key for good, leaving `tombstone`. The tombstone is written first, so a key is never gone without
    /// one. Destroying a destroyed key keeps its first tombstone.
    func destroy(_ id: SealingKeyID, tombstone: KeyTombstone) async throws
    /// The legal holds in force.
    func holds() async throws -> [RetentionHold]
    /// Adds a hold (kept even if an equal one exists: each is released on its own).
    func addHold(_ hold: RetentionHold) async throws
    /// Removes one hold equal to `hold` (if there is one).
    func removeHold(_ hold: RetentionHold) async throws
}

/// What is left of a destroyed key: when, and which `retention.applied` entry recorded it.
public struct KeyTombstone: Sendable, Equatable, Codable {
    public var keyID: String
    /// RFC 3339 UTC.
    public var destroyedAt: String
    /// The sequence number of the `retention.applied` entry that announced the destruction.
    public var entry: Int?

    public init(keyID: String, destroyedAt: String, entry: Int?) {
        self.keyID = keyID
        self.destroyedAt = destroyedAt
        self.entry = entry
    }
}

/// A legal hold: the keys of `period` (of one department, or of all) are not destroyed while it stands.
public struct RetentionHold: Sendable, Equatable, Codable {
    /// The UTC month, `YYYY-MM`.
    public var period: String
    /// The department as the operator named it; nil for every department.
    public var department: String?
    public var reason: String
    /// RFC 3339 UTC.
    public var placedAt: String

    public init(period: String, department: String?, reason: String, placedAt: String) {
        self.period = period
        self.department = department
        self.reason = reason
        self.placedAt = placedAt
    }

    /// Whether this hold keeps key `id`.
    public func covers(_ id: SealingKeyID) -> Bool {
        id.period == period && (department.map { SealingKeyID.bucket($0) == id.department } ?? true)
    }
}
