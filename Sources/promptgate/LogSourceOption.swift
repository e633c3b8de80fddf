import AuditLog
import AuditLogPostgres
import Foundation

extension LogLocation {
    /// The PostgreSQL log these options name, if any: `--log postgres://…`, else `$PROMPTGATE_LOG` when it is a URL
    /// and neither `--log` nor `--data` was given (an operator on a proxy host checks the log the proxy writes).
    var postgresURL: String? {
        if let url = log.first { return PostgresLogURL.looksLikeURL(url) ? url : nil }
        guard data.folder == nil, let url = ProcessInfo.processInfo.environment["PROMPTGATE_LOG"],
            PostgresLogURL.looksLikeURL(url)
        else { return nil }
        return url
    }

    /// The log these options name: a PostgreSQL log, else the data folder's files (or the `--log` files).
    func source() throws(AuditLogError) -> any LogSource {
        guard let text = postgresURL else { return try FolderLogSource(directory: data.resolved, segments: log) }
        guard log.count <= 1 else {
            throw AuditLogError.io(path: "--log", reason: "a PostgreSQL log is read alone: give --log once")
        }
        let url: PostgresLogURL
        do {
            url = try PostgresLogURL(
                text, passwordIfNone: ProcessInfo.processInfo.environment["PROMPTGATE_LOG_PASSWORD"])
        } catch {
            throw AuditLogError.io(path: "--log", reason: error.description)
        }
        return try PostgresLogSource(url: url)
    }

    /// The signed checkpoint proofs are made against: the file at `path` when one is given; for the file log
    /// DATA/checkpoint.cosigned when witnesses cosigned one, else DATA/checkpoint; for a PostgreSQL log its newest.
    func provingCheckpoint(_ source: any LogSource, path: String? = nil) throws(AuditLogError) -> String {
        if postgresURL == nil || path != nil {
            let place = path ?? data.resolved
            do {
                let note =
                    try path.map { try DirectoryTileSource.read($0, limit: 1 << 20) }
                    ?? LogTileServer.publishedCheckpoint(dataDirectory: data.resolved)
                return String(decoding: note, as: UTF8.self)
            } catch {
                throw AuditLogError.io(path: place, reason: "cannot read the checkpoint: \(error)")
            }
        }
        guard let latest = try source.latestCheckpoint() else {
            throw AuditLogError.io(path: source.name, reason: "no checkpoint signed yet")
        }
        return latest.note
    }

    /// What a missing newest checkpoint is called in messages.
    var checkpointLabel: String { postgresURL == nil ? data.resolved + "/checkpoint" : "audit_checkpoints" }

    /// The files a progress bar measures (none for a database).
    func progressPaths(_ source: any LogSource) -> [String] { (source as? FolderLogSource)?.paths ?? [] }
}
