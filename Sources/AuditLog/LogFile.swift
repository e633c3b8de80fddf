import Foundation

/// An exclusive lock on a file, held until the object goes away: one writer per log.
final class LockFile: Sendable {
    private let fd: Int32

    init(path: String, guarding log: String) throws(AuditLogError) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditLogError.io(path: path, reason: "cannot open: \(errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let locked = errno == EWOULDBLOCK
            Glibc.close(fd)
            if locked { throw AuditLogError.locked(path: log) }
            throw AuditLogError.io(path: path, reason: "cannot lock: \(errnoText())")
        }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }
}

/// The POSIX file under a log segment: whole-line appends, fsync, truncation on failure.
/// Blocking calls; the store runs them off its actor.
final class LogFile: @unchecked Sendable {
    let path: String
    private let fd: Int32

    /// Opens `path`, creating it with mode 0600; `readOnly` for rolled segments.
    init(path: String, readOnly: Bool = false) throws(AuditLogError) {
        self.path = path
        let fd = Glibc.open(path, readOnly ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditLogError.io(path: path, reason: "cannot open: \(errnoText())") }
        if !readOnly { fchmod(fd, 0o600) }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }

    var size: Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Writes `bytes` at `offset` completely and fsyncs (unless told not to); on any failure returns the reason.
    func writeDurably(_ bytes: [UInt8], at offset: Int, fsync sync: Bool = true) -> String? {
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = pwrite(fd, raw.baseAddress! + written, raw.count - written, off_t(offset + written))
                if n < 0 {
                    if errno == EINTR { continue }
                    return "write failed: \(errnoText())"
                }
                written += n
            }
            return nil
        }
        if let failure { return failure }
        if sync && fsync(fd) != 0 { return "fsync failed: \(errnoText())" }
        return nil
    }

    /// Cuts the file back to `length` (undoing a partial write) and fsyncs.
    func truncate(to length: Int) {
        _ = ftruncate(fd, off_t(length))
        _ = fsync(fd)
    }

    /// Reads `count` bytes at `offset`.
    func read(at offset: Int, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n > 0 ? Array(buffer.prefix(n)) : []
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Writes a small file atomically (temporary file, fsync, rename, fsync of the folder) with the given mode.
func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(AuditLogError) {
    let temporary = path + ".tmp-\(getpid())"
    let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw AuditLogError.io(path: path, reason: "cannot write: \(errnoText())") }
    fchmod(fd, mode)
    let ok = bytes.withUnsafeBytes { raw in
        var written = 0
        while written < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += n
        }
        return fsync(fd) == 0
    }
    Glibc.close(fd)
    guard ok, rename(temporary, path) == 0 else {
        let reason = errnoText()
        unlink(temporary)
        throw AuditLogError.io(path: path, reason: "cannot write: \(reason)")
    }
    fsyncDirectory(of: path)
}

/// Makes a rename or creation in the folder of `path` durable.
func fsyncDirectory(of path: String) {
    let directory = (path as NSString).deletingLastPathComponent
    let dirfd = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
    if dirfd >= 0 {
        fsync(dirfd)
        Glibc.close(dirfd)
    }
}

/// Creates a folder (and its parents) with mode 0700 if missing.
func makePrivateDirectory(_ path: String) throws(AuditLogError) {
    do {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        throw AuditLogError.io(path: path, reason: "cannot create the folder: \(error.localizedDescription)")
    }
}

/// Private files and folders: the log's folder, its keys.
public enum PrivatePath {
    /// Takes group and other permissions away from `path` if it has any (a data folder of mode 0777, a key file of
    /// 0644), so nobody else on the machine can read or change it. Returns the mode it had when it was changed, nil
    /// when it was private already or does not exist; the caller warns the operator. Throws when it cannot be fixed.
    @discardableResult
    public static func tighten(_ path: String) throws(AuditLogError) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & 0o077 != 0 else { return nil }
        guard chmod(path, info.st_mode & 0o700) == 0 else {
            throw AuditLogError.io(
                path: path,
                reason: "others can read it (mode \(String(info.st_mode & 0o777, radix: 8))) and it "
                    + "cannot be made private: \(errnoText())")
        }
        return info.st_mode & 0o777
    }
}

/// Small files an auditor's command reads (checkpoints, proofs, keys), read with a bound so a huge or endless input
/// (`/dev/zero`) is a clear error, not a process that grows until it is killed.
public enum BoundedFile {
    /// The text of `path`, at most `limit` bytes; nil when it cannot be opened.
    public static func text(_ path: String, limit: Int = 1 << 20) throws(AuditLogError) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw AuditLogError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard data.count <= limit else {
            throw AuditLogError.io(path: path, reason: "larger than \(limit >> 10) KiB; this is not the file expected")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
