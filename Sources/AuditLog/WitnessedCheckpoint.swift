import Foundation

/// The published checkpoint: the newest one a quorum of witnesses cosigned, kept in `DATA/checkpoint.cosigned` as
/// the log-signed note with the witnesses' cosignature lines appended. `DATA/checkpoint` is the newest one the log
/// signed; it may be newer, but until enough witnesses vouch for it, it is not published. A checkpoint that misses
/// its quorum never replaces this file: the previous cosigned one stays.
public enum WitnessedCheckpoint {
    /// The file name in the data folder.
    public static let fileName = "checkpoint.cosigned"

    /// `DATA/checkpoint.cosigned`.
    public static func path(dataDirectory: String) -> String { dataDirectory + "/" + fileName }

    /// The bytes of the newest cosigned checkpoint, or nil if none reached its quorum yet (or no witness policy
    /// is configured). Publishers (tiles) serve these bytes as the log's `checkpoint`.
    public static func latest(dataDirectory: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)).map { Array($0) }
    }

    /// Replaces the published checkpoint with `note` (atomically, durable on return).
    public static func publish(_ note: String, dataDirectory: String) throws(AuditLogError) {
        try writeFileAtomically(path(dataDirectory: dataDirectory), Array(note.utf8), mode: 0o600)
    }
}
