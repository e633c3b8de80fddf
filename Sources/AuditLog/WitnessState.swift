import Crypto
import Foundation

/// What a witness keeps per log: the latest checkpoint it cosigned, one file per log under `DIR/logs/`, replaced
/// atomically (temporary file, fsync, rename, fsync of the folder) before the cosignature is returned.
///
/// The file holds the log-signed checkpoint note as it was submitted, so it is also the witness's evidence of what
/// the log said. A witness whose state is lost must not simply start again: it would cosign a fork it refused before.
public struct WitnessState: Sendable {
    /// The witness's folder.
    public let directory: String

    /// The state kept in `directory` (its `logs/` and `evidence/` folders are created with mode 0700).
    public init(directory: String) throws(AuditLogError) {
        self.directory = directory
        try makePrivateDirectory(directory + "/logs")
        try makePrivateDirectory(directory + "/evidence")
    }

    /// The file name for a log: the origin made safe for a file name, and a hash so that distinct origins never
    /// share a file.
    static func fileName(origin: String) -> String {
        let safe = String(origin.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(64))
        return safe + "-" + hexString(SHA256.hash(data: Array(origin.utf8)).prefix(6))
    }

    /// The latest checkpoint cosigned for `origin` and the note it came in, or nil if there is none.
    public func latest(origin: String) throws(AuditLogError) -> (checkpoint: Checkpoint, note: String)? {
        let path = directory + "/logs/" + Self.fileName(origin: origin)
        guard let note = try BoundedFile.text(path) else { return nil }
        let (body, _) = try SignedNote.split(note)
        let checkpoint = try Checkpoint(body: body)
        guard checkpoint.origin == origin else {
            throw AuditLogError.io(path: path, reason: "holds a checkpoint of \(checkpoint.origin.debugDescription)")
        }
        return (checkpoint, note)
    }

    /// Records `note` (whose checkpoint is `checkpoint`) as the latest cosigned for its log; durable on return.
    public func record(_ checkpoint: Checkpoint, note: String) throws(AuditLogError) {
        try writeFileAtomically(
            directory + "/logs/" + Self.fileName(origin: checkpoint.origin), Array(note.utf8), mode: 0o600)
    }

    /// Keeps a refused request that the log signed (a fork or a rollback): it proves what the log presented.
    /// Returns the file's path.
    @discardableResult
    public func keepEvidence(origin: String, size: Int, request: [UInt8], time: UInt64) throws(AuditLogError)
        -> String
    {
        let path = directory + "/evidence/" + Self.fileName(origin: origin) + "-\(time)-\(size)"
        try writeFileAtomically(path, request, mode: 0o600)
        return path
    }
}
