import Foundation

/// The tiles and entry bundles of a log on disk, read incrementally: each refresh reads only the lines added since
/// (the segments concatenated in order are the log byte for byte, so a byte offset into them stays valid across
/// rolls). Every refresh is checked against a checkpoint's root, so tiles that do not match a signed tree are never
/// handed out.
public struct LogTileIndex: Sendable {
    /// The log's folder (its segments), or segment files, as ``LogSegments/resolve(_:)`` takes them.
    public let locations: [String]
    /// The hash tiles of the lines read so far.
    public private(set) var levels = TileLevels()
    /// Byte offset (in the concatenated segments) of entry 256·n, for each bundle n started.
    private var bundleOffsets: [Int] = []
    /// Bytes of whole lines read so far.
    private var consumed = 0
    /// Entries too long for an entry bundle: their index and length.
    public private(set) var oversized: [(index: Int, bytes: Int)] = []

    /// An index of the log at `locations` (a data folder, or segment files in order).
    public init(locations: [String]) { self.locations = locations }

    /// Reads the log up to `checkpoint.size` lines and checks that their root is the checkpoint's; on a mismatch it
    /// starts over once from the first byte (the log may have been replaced under it) before giving up.
    public mutating func update(to checkpoint: Checkpoint) throws(TileError) {
        for attempt in 0..<2 {
            if attempt == 1 { self = LogTileIndex(locations: locations) }
            if levels.size < checkpoint.size { try read(upTo: checkpoint.size) }
            if levels.size >= checkpoint.size, levels.root(size: checkpoint.size) == checkpoint.root { return }
        }
        if levels.size < checkpoint.size {
            throw TileError.mismatch(
                "the log has \(levels.size) lines but the checkpoint commits to \(checkpoint.size): it was cut or deleted"
            )
        }
        throw TileError.mismatch(
            "the Merkle root of the log's first \(checkpoint.size) lines is not the checkpoint's: the log is not the one that was signed"
        )
    }

    /// The bytes of a hash tile, if the lines read hold all of it.
    public func tile(_ address: TileAddress) -> [UInt8]? { levels.tile(address) }

    /// The entry bundle at `address` (read from the log, each entry checked against its leaf hash).
    public func bundle(_ address: TileAddress) throws(TileError) -> [UInt8] {
        let first = address.index * TileAddress.fullWidth
        guard address.isEntryBundle, address.index < bundleOffsets.count, first + address.width <= levels.size else {
            throw TileError.notFound(address.path)
        }
        var entries: [[UInt8]] = []
        try Self.forEachLine(paths: try segments(), from: bundleOffsets[address.index]) { line, _ in
            entries.append(Array(line))
            return entries.count < address.width
        }
        for (i, entry) in entries.enumerated() where MerkleTree.leafHash(entry) != levels.levels[0][first + i] {
            throw TileError.mismatch("the log changed under the index at line \(first + i + 1)")
        }
        guard entries.count == address.width else {
            throw TileError.mismatch("the log has fewer lines than the index read (\(first + entries.count))")
        }
        return try EntryBundle.encode(entries, firstIndex: first)
    }

    private func segments() throws(TileError) -> [String] {
        do {
            return try LogSegments.resolve(locations)
        } catch {
            throw TileError.io(path: locations.joined(separator: ", "), reason: "\(error)")
        }
    }

    private mutating func read(upTo size: Int) throws(TileError) {
        var levels = self.levels
        var offsets = bundleOffsets
        var oversized = self.oversized
        let consumed = try Self.forEachLine(paths: try segments(), from: self.consumed) { line, start in
            if levels.size % TileAddress.fullWidth == 0 { offsets.append(start) }
            if line.count > EntryBundle.maxEntryBytes { oversized.append((levels.size, line.count)) }
            levels.append(leafHash: LogVerifier.leafHash(line))
            return levels.size < size
        }
        self.levels = levels
        self.bundleOffsets = offsets
        self.oversized = oversized
        self.consumed = consumed
    }

    /// Calls `body` with each whole line from byte `offset` of the concatenated segments, and the line's offset,
    /// until it returns false or the log ends. Returns the offset just past the last line handed out.
    @discardableResult
    static func forEachLine(
        paths: [String], from offset: Int, _ body: (UnsafeRawBufferPointer, Int) -> Bool
    ) throws(TileError) -> Int {
        var skip = offset
        var base = 0  // offset of the current file's first byte
        var carry: [UInt8] = []
        var position = offset
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw TileError.io(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw TileError.io(path: path, reason: "cannot stat") }
            if skip >= Int(info.st_size) {
                skip -= Int(info.st_size)
                base += Int(info.st_size)
                continue
            }
            guard lseek(fd, off_t(skip), SEEK_SET) >= 0 else { throw TileError.io(path: path, reason: "cannot seek") }
            var lineStart = base + skip
            skip = 0
            carry.removeAll()
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TileError.io(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                var start = 0
                for i in 0..<n where buffer[i] == 0x0A {
                    let keepGoing: Bool
                    let length: Int
                    if carry.isEmpty {
                        length = i - start
                        keepGoing = buffer.withUnsafeBytes {
                            body(UnsafeRawBufferPointer(rebasing: $0[start..<i]), lineStart)
                        }
                    } else {
                        carry += buffer[start..<i]
                        length = carry.count
                        keepGoing = carry.withUnsafeBytes { body($0, lineStart) }
                        carry.removeAll()
                    }
                    lineStart += length + 1
                    position = lineStart
                    start = i + 1
                    if !keepGoing { return position }
                }
                carry += buffer[start..<n]
                guard carry.count <= LineReader.maxLineBytes else {
                    throw TileError.io(path: path, reason: "a line runs past 16 MiB: not a PromptGate audit log")
                }
            }
            // A line is never split across segments: a tail without "\n" is a write in progress, not read.
            base += Int(info.st_size)
        }
        return position
    }
}
