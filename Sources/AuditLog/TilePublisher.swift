import Foundation

/// Writes a log as a static C2SP tlog-tiles tree that any web server or object store can serve: `checkpoint`,
/// `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, files 0644 and folders 0755 (it is meant to be public),
/// each written to a temporary file and renamed into place.
///
/// Publishing again after the log grew writes only the new tiles; a tile already there is compared, never
/// rewritten, since every tile path names bytes that never change. The checkpoint is written last, so a reader
/// never sees a checkpoint whose tiles are missing.
public enum TilePublisher {
    /// What one publication did.
    public struct Report: Sendable, Equatable {
        /// The tree size published.
        public var size = 0
        /// Tiles and bundles written now.
        public var written = 0
        /// Tiles and bundles already there with the same bytes.
        public var unchanged = 0
    }

    /// Publishes the tree of `checkpointNote` (the signed checkpoint as stored, cosignatures included) from `index`
    /// into `directory`.
    /// - Parameters:
    ///   - checkpointNote: The signed checkpoint's bytes, published as they are.
    ///   - checkpoint: The checkpoint parsed (and verified) from them.
    ///   - index: The log's tiles; updated to the checkpoint's size.
    ///   - directory: The folder to write (created if missing).
    public static func publish(
        checkpointNote: [UInt8], checkpoint: Checkpoint, index: inout LogTileIndex, to directory: String
    ) throws(TileError) -> Report {
        try index.update(to: checkpoint)
        if let first = index.oversized.first(where: { $0.index < checkpoint.size }) {
            throw TileError.entryTooLarge(index: first.index, bytes: first.bytes)
        }
        var report = Report(size: checkpoint.size)
        try makeDirectory(directory)
        for address in TileAddress.hashTiles(treeSize: checkpoint.size) {
            guard let bytes = index.tile(address) else { throw TileError.notFound(address.path) }
            try place(bytes, at: address.path, in: directory, report: &report)
        }
        for address in TileAddress.entryBundles(treeSize: checkpoint.size) {
            let target = directory + "/" + address.path
            if FileManager.default.fileExists(atPath: target) {
                // Reading the entries back from the log costs more than comparing: compare the leaf hashes.
                let existing = try DirectoryTileSource.read(
                    target, label: address.path, limit: address.width * (2 + EntryBundle.maxEntryBytes))
                let first = address.index * TileAddress.fullWidth
                guard case .success(let entries) = EntryBundle.decode(existing, count: address.width),
                    entries.enumerated().allSatisfy({ MerkleTree.leafHash($1) == index.levels.levels[0][first + $0] })
                else { throw conflict(address.path, directory) }
                report.unchanged += 1
                continue
            }
            try place(try index.bundle(address), at: address.path, in: directory, report: &report)
        }
        try writeFile(checkpointNote, to: directory + "/checkpoint")
        return report
    }

    private static func conflict(_ path: String, _ directory: String) -> TileError {
        TileError.mismatch(
            "\(directory)/\(path) already holds different bytes: a published tile never changes, so either the log was rewritten since it was published or the published copy was altered; publish into an empty folder to start over"
        )
    }

    private static func place(_ bytes: [UInt8], at path: String, in directory: String, report: inout Report)
        throws(TileError)
    {
        let target = directory + "/" + path
        if FileManager.default.fileExists(atPath: target) {
            let existing = try DirectoryTileSource.read(target, label: path, limit: bytes.count)
            guard existing == bytes else { throw conflict(path, directory) }
            report.unchanged += 1
            return
        }
        var folder = directory
        for part in path.split(separator: "/").dropLast() {
            folder += "/" + part
            try makeDirectory(folder)
        }
        try writeFile(bytes, to: target)
        report.written += 1
    }

    private static func makeDirectory(_ path: String) throws(TileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw TileError.io(path: path, reason: "exists and is not a folder") }
            return
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw TileError.io(path: path, reason: "cannot create the folder: \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o755)  // whatever the umask: the tree is public
    }

    /// Writes `bytes` to a temporary file beside `path`, mode 0644, fsyncs it and renames it into place.
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - path: Where it goes.
    public static func writeFile(_ bytes: [UInt8], to path: String) throws(TileError) {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let temporary =
            String(path[..<slash]) + ".\(path[slash...]).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TileError.io(path: temporary, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        var ok = fchmod(fd, 0o644) == 0
        var written = 0
        while ok, written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { ok = false } else { written += n }
        }
        ok = ok && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw TileError.io(path: path, reason: "cannot write: \(reason)")
        }
    }
}
