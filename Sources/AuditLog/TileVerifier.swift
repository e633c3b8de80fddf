import Foundation

/// Where a verifier reads a published tile tree from: a folder, or a web server (`<prefix>/checkpoint`,
/// `<prefix>/tile/…`).
public protocol TileSource: Sendable {
    /// The bytes at `path` (relative to the log's prefix), at most `limit` bytes; ``TileError/notFound(_:)`` if it
    /// is not there.
    /// - Parameters:
    ///   - path: `checkpoint` or a tile path (``TileAddress/path``).
    ///   - limit: The most bytes accepted; a larger resource is an error.
    func fetch(_ path: String, limit: Int) async throws(TileError) -> [UInt8]
}

/// A published tree copied to a local folder.
public struct DirectoryTileSource: TileSource {
    /// The folder holding `checkpoint` and `tile/`.
    public let directory: String

    /// Reads the tree under `directory`.
    public init(directory: String) { self.directory = directory }

    public func fetch(_ path: String, limit: Int) async throws(TileError) -> [UInt8] {
        try Self.read(directory + "/" + path, label: path, limit: limit)
    }

    /// The bytes of a file, at most `limit`; a missing file is ``TileError/notFound(_:)``.
    /// - Parameters:
    ///   - file: The file's path.
    ///   - label: How messages name it (default: the path).
    ///   - limit: The most bytes accepted; a larger file is an error.
    public static func read(_ file: String, label: String? = nil, limit: Int) throws(TileError) -> [UInt8] {
        let label = label ?? file
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw TileError.notFound(label) }
            throw TileError.io(path: label, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TileError.io(path: label, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            guard bytes.count <= limit else {
                throw TileError.malformed(path: label, reason: "larger than \(limit) bytes")
            }
        }
        return bytes
    }
}

/// What a verification from tiles found good.
public struct TileVerificationReport: Sendable, Equatable {
    /// The checkpoint the tiles were checked against.
    public var checkpoint: Checkpoint
    /// Tiles and bundles read.
    public var resourcesRead = 0
    /// Entries whose leaf hash was checked against the level-0 tiles.
    public var entriesChecked = 0
    /// Earlier checkpoints found consistent with the tree (their root recomputed from its tiles).
    public var consistentWith: [String] = []
}

/// Verifies a log published as C2SP tlog-tiles from its tiles alone, as `tlogverify tiles` does: every hash tile
/// against the checkpoint's root (full tiles against the level above, the partial right edge into the root), and
/// every entry in the bundles against its leaf hash in the level-0 tiles.
public enum TileVerifier {
    /// Checks the tree of `checkpoint` (already opened, its signature checked) in `source`.
    /// - Parameters:
    ///   - checkpoint: The verified checkpoint the tiles must match.
    ///   - source: Where the tiles are.
    ///   - checkEntries: Also fetch every entry bundle and check each entry's leaf hash.
    ///   - earlier: Other verified checkpoints (label and checkpoint) of at most the same size: each must have the
    ///     root the tiles give at its size, or the two are a fork.
    public static func verify(
        checkpoint: Checkpoint, source: some TileSource, checkEntries: Bool = true,
        earlier: [(label: String, checkpoint: Checkpoint)] = []
    ) async throws(TileError) -> TileVerificationReport {
        var report = TileVerificationReport(checkpoint: checkpoint)
        let size = checkpoint.size
        var counts: [Int] = []
        while counts.count < 64, size >> (8 * counts.count) > 0 { counts.append(size >> (8 * counts.count)) }

        // Levels 1 and up are small (1/256 of the leaves): read them whole. Of level 0 only the partial tile
        // feeds the root; full level-0 tiles are checked one by one against level 1 below.
        var upper: [[TreeHash]] = Array(repeating: [], count: counts.count)
        for level in stride(from: counts.count - 1, through: 1, by: -1) {
            for address in TileAddress.row(level: level, count: counts[level]) {
                upper[level] += try await hashes(address, from: source, report: &report)
            }
        }
        var edge: [TreeHash] = []
        let edgeStart = size / TileAddress.fullWidth * TileAddress.fullWidth
        if size % TileAddress.fullWidth > 0 {
            let address = TileAddress(
                level: 0, index: size / TileAddress.fullWidth, width: size % TileAddress.fullWidth)
            edge = try await hashes(address, from: source, report: &report)
        }
        let lookup = { (level: Int, index: Int) -> TreeHash in
            level == 0 ? edge[index - edgeStart] : upper[level][index]
        }
        let root = TileLevels.root(size: size, hash: lookup)
        guard root == checkpoint.root else {
            let edges = (0..<counts.count).filter { counts[$0] % TileAddress.fullWidth > 0 }
                .map { TileAddress(level: $0, index: counts[$0] / 256, width: counts[$0] % 256).path }
            throw TileError.mismatch(
                "the root computed from the tiles (\(edges.joined(separator: ", "))) is \(b64(root)), but the checkpoint says \(b64(checkpoint.root)): the tiles are not the tree that was signed"
            )
        }
        for level in counts.indices.dropFirst() {
            for n in 0..<(counts[level] / TileAddress.fullWidth) {
                let start = n * TileAddress.fullWidth
                try checkFull(
                    TileAddress(level: level, index: n), upper[level][start..<(start + TileAddress.fullWidth)],
                    upper: upper)
            }
        }
        for (label, old) in earlier {
            guard old.size <= size else {
                throw TileError.checkpoint(
                    "\(label) (size \(old.size)) is larger than the published checkpoint (size \(size)): the log was rolled back, or these are two different logs"
                )
            }
            let oldRoot = try await rootFromTiles(
                size: old.size, treeSize: size, upper: upper, edge: edge, source: source)
            guard oldRoot == old.root else {
                throw TileError.checkpoint(
                    "FORK: \(label) (size \(old.size), root \(b64(old.root))) is not consistent with the published checkpoint (size \(size), root \(b64(checkpoint.root))): its tree gives \(b64(oldRoot)) at size \(old.size). Both are signed: the log showed two different histories"
                )
            }
            report.consistentWith.append(label)
        }

        for address in TileAddress.row(level: 0, count: size) {
            let leaves: [TreeHash]
            if address.isFull {
                leaves = try await hashes(address, from: source, report: &report)
                try checkFull(address, leaves[...], upper: upper)
            } else {
                leaves = edge
            }
            guard checkEntries else { continue }
            let bundle = TileAddress(level: nil, index: address.index, width: address.width)
            let bytes = try await source.fetch(
                bundle.path, limit: address.width * (2 + EntryBundle.maxEntryBytes))
            report.resourcesRead += 1
            let entries: [ArraySlice<UInt8>]
            switch EntryBundle.decode(bytes, count: address.width) {
            case .success(let parsed): entries = parsed
            case .failure(let problem): throw TileError.malformed(path: bundle.path, reason: problem.description)
            }
            for (i, entry) in entries.enumerated() where MerkleTree.leafHash(entry) != leaves[i] {
                let index = address.index * TileAddress.fullWidth + i
                throw TileError.mismatch(
                    "\(bundle.path): entry \(index) (line \(index + 1)) does not match its leaf hash in \(address.path)"
                )
            }
            report.entriesChecked += entries.count
        }
        return report
    }

    /// The root of the first `size` leaves of the tree of `treeSize`, from its tiles: the hashes come from the
    /// tiles already read, or from the tile (full, or the tree's partial one) that holds them.
    private static func rootFromTiles(
        size: Int, treeSize: Int, upper: [[TreeHash]], edge: [TreeHash], source: some TileSource
    ) async throws(TileError) -> TreeHash {
        // Collect which level-0 hashes are needed first (an older root needs at most one level-0 tile).
        var level0: [Int: [TreeHash]] = [:]
        let edgeStart = treeSize / TileAddress.fullWidth * TileAddress.fullWidth
        if size % TileAddress.fullWidth > 0 {
            let n = size / TileAddress.fullWidth
            if n * TileAddress.fullWidth == edgeStart {
                level0[n] = edge
            } else {
                var unused = TileVerificationReport(checkpoint: Checkpoint(origin: "", size: 0, root: []))
                let leaves = try await hashes(TileAddress(level: 0, index: n), from: source, report: &unused)
                try checkFull(TileAddress(level: 0, index: n), leaves[...], upper: upper)
                level0[n] = leaves
            }
        }
        return TileLevels.root(size: size) { level, index in
            level == 0 ? level0[index / TileAddress.fullWidth]![index % TileAddress.fullWidth] : upper[level][index]
        }
    }

    /// Checks that a full tile hashes to its entry in the level above.
    private static func checkFull(_ address: TileAddress, _ hashes: ArraySlice<TreeHash>, upper: [[TreeHash]])
        throws(TileError)
    {
        let level = address.level ?? 0
        let parent = TileAddress(
            level: level + 1, index: address.index / TileAddress.fullWidth,
            width: min(TileAddress.fullWidth, upper[level + 1].count - address.index / 256 * 256))
        guard TileLevels.subtreeRoot(hashes) == upper[level + 1][address.index] else {
            throw TileError.mismatch(
                "\(address.path) does not hash to hash \(address.index % TileAddress.fullWidth) of \(parent.path): one of the two was altered"
            )
        }
    }

    private static func hashes(
        _ address: TileAddress, from source: some TileSource, report: inout TileVerificationReport
    )
        async throws(TileError) -> [TreeHash]
    {
        let bytes = try await source.fetch(address.path, limit: address.width * TileAddress.hashBytes)
        report.resourcesRead += 1
        guard bytes.count == address.width * TileAddress.hashBytes, let hashes = TileLevels.hashes(ofTile: bytes) else {
            throw TileError.malformed(
                path: address.path, reason: "\(bytes.count) bytes, want \(address.width * TileAddress.hashBytes)")
        }
        return hashes
    }

    static func b64(_ hash: TreeHash) -> String { Data(hash).base64EncodedString() }
}
