import Foundation

/// Writes any stored log (``LogSource``) in the file log's form, for auditors and their tools: `audit.log` (every
/// line, byte for byte, each followed by `\n`), `checkpoint` (the newest), `checkpoints/<size>` (every one signed),
/// `log.vkey` (the newest verifier key) and `keys/<name>+<id>.vkey` (every key). `promptgate verify DIR` and the
/// independent verifier read the folder as they read a proxy's data folder.
///
/// The folder appears whole or not at all: everything is written into a temporary folder beside it, synced to disk,
/// and renamed into place. Folders are 0700, files 0600.
public enum LogExport {
    /// What was written.
    public struct Summary: Sendable, Equatable {
        /// Lines in `audit.log`.
        public var lines: Int
        /// The size of the newest checkpoint (0 when the log has none).
        public var checkpointSize: Int
        /// Files in `checkpoints/`.
        public var checkpoints: Int
    }

    /// Exports `source` into the folder `out`, which must not exist yet.
    @discardableResult
    public static func write(_ source: any LogSource, to out: String) throws(AuditLogError) -> Summary {
        let out = out.hasSuffix("/") && out.count > 1 ? String(out.dropLast()) : out
        guard !FileManager.default.fileExists(atPath: out) else {
            throw AuditLogError.io(path: out, reason: "already exists: an export goes into a new folder")
        }
        let parent = (out as NSString).deletingLastPathComponent
        let temporary =
            (parent.isEmpty ? "." : parent) + "/." + (out as NSString).lastPathComponent + ".export-\(getpid())"
        guard mkdir(temporary, 0o700) == 0 else {
            throw AuditLogError.io(path: temporary, reason: "cannot create the folder: \(errnoText())")
        }
        do throws(AuditLogError) {
            let summary = try fill(temporary, from: source)
            fsyncDirectory(of: temporary + "/audit.log")
            guard rename(temporary, out) == 0 else {
                throw AuditLogError.io(path: out, reason: "cannot move the export into place: \(errnoText())")
            }
            fsyncDirectory(of: out)
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    private static func fill(_ folder: String, from source: any LogSource) throws(AuditLogError) -> Summary {
        // Checkpoints and keys first, then the lines: a log that grows meanwhile only adds unsigned lines at the end.
        let latest = try source.latestCheckpoint()
        let history = try source.checkpointHistory()
        let keys = try source.verifierKeys()
        let lines = try writeLines(folder + "/audit.log", from: source.lineReader())
        var checkpointSize = 0
        if let latest {
            try writeFileAtomically(folder + "/checkpoint", Array(latest.note.utf8))
            checkpointSize = (try? Checkpoint(body: latest.note.components(separatedBy: "\n\n")[0] + "\n").size) ?? 0
        }
        try makePrivateDirectory(folder + "/checkpoints")
        for input in history {
            let body = input.note.components(separatedBy: "\n\n")[0] + "\n"
            let size: Int
            do {
                size = try Checkpoint(body: body).size
            } catch {
                throw AuditLogError.badCheckpoint("\(input.label): \(error)")
            }
            try writeFileAtomically(folder + "/checkpoints/\(size)", Array(input.note.utf8))
        }
        fsyncDirectory(of: folder + "/checkpoints/.")
        if let newest = keys.first {
            try writeFileAtomically(folder + "/log.vkey", Array((newest.text + "\n").utf8))
        }
        try makePrivateDirectory(folder + "/keys")
        for key in Set(keys) {
            let name = key.name.replacingOccurrences(of: "/", with: "_") + "+" + hexString(key.keyID) + ".vkey"
            try writeFileAtomically(folder + "/keys/" + name, Array((key.text + "\n").utf8))
        }
        fsyncDirectory(of: folder + "/keys/.")
        return Summary(lines: lines, checkpointSize: checkpointSize, checkpoints: history.count)
    }

    /// Streams the lines into `path` through a 1 MiB buffer, then syncs the file.
    private static func writeLines(_ path: String, from reader: any LogLineSource) throws(AuditLogError) -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditLogError.io(path: path, reason: "cannot create: \(errnoText())") }
        defer { close(fd) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var failure: String?
        func flush() {
            guard failure == nil else { return }
            if let why = writeAll(fd, buffer) { failure = why }
            buffer.removeAll(keepingCapacity: true)
        }
        try reader.forEachLine { line, _ in
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 { flush() }
        }
        flush()
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        if let failure { throw AuditLogError.io(path: path, reason: "cannot write: \(failure)") }
        return reader.lines
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errnoText()
                }
                written += n
            }
            return nil
        }
    }
}
