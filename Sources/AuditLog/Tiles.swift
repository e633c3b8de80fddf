/// The hash tiles of an RFC 6962 tree (C2SP tlog-tiles, height 8), kept from its leaf hashes as they are appended.
///
/// Level 0 holds the leaf hashes; each hash of level `L + 1` is the Merkle tree hash of 256 consecutive hashes of
/// level `L` (a full tile). Only complete subtrees are kept, so every hash here is fixed forever, and the tiles of
/// any tree size up to ``size`` can be read off: a tile `(L, N, W)` is `W` consecutive hashes of level `L` from
/// `N × 256`.
public struct TileLevels: Sendable, Equatable {
    /// `levels[L]`: the hashes of the complete subtrees of 256^L leaves, left to right.
    public private(set) var levels: [[TreeHash]] = [[]]

    /// An empty tree.
    public init() {}

    /// The levels of the tree with these leaf hashes.
    public init(leaves: [TreeHash]) {
        for leaf in leaves { append(leafHash: leaf) }
    }

    /// Leaves in the tree.
    public var size: Int { levels[0].count }

    /// Appends a leaf by its hash (``MerkleTree/leafHash(_:)``).
    public mutating func append(leafHash: TreeHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % TileAddress.fullWidth == 0 {
            let parent = Self.subtreeRoot(levels[level][(levels[level].count - TileAddress.fullWidth)...])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    /// The bytes of a hash tile (its hashes concatenated), or nil if this tree does not hold all of it.
    public func tile(_ address: TileAddress) -> [UInt8]? {
        guard let level = address.level, level < levels.count else { return nil }
        let start = address.index * TileAddress.fullWidth
        guard start + address.width <= levels[level].count else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(address.width * TileAddress.hashBytes)
        for hash in levels[level][start..<(start + address.width)] { bytes += hash }
        return bytes
    }

    /// The RFC 6962 root of the first `size` leaves (at most ``size``).
    public func root(size: Int) -> TreeHash {
        Self.root(size: size) { level, index in levels[level][index] }
    }

    /// The Merkle tree hash of a power-of-two number of consecutive hashes (a perfect subtree).
    public static func subtreeRoot(_ hashes: ArraySlice<TreeHash>) -> TreeHash {
        var row = Array(hashes)
        while row.count > 1 {
            row = stride(from: 0, to: row.count, by: 2).map { MerkleTree.nodeHash(row[$0], row[$0 + 1]) }
        }
        return row.first ?? MerkleTree.emptyRoot
    }

    /// The RFC 6962 root of a tree of `size` leaves from tile hashes: `hash(L, i)` is the `i`-th hash of level `L`.
    ///
    /// The tree splits into perfect subtrees, one per set bit of `size`, largest first; a subtree of 2^(8L + r)
    /// leaves is the root of 2^r consecutive hashes of level `L`, all in one tile. Only hashes inside the tree's own
    /// tiles are asked for: at each level, those of the partial tile (a full tile's hashes are covered by the level
    /// above).
    /// - Parameters:
    ///   - size: The tree size.
    ///   - hash: Gives hash `i` of level `L`.
    public static func root<E: Error>(size: Int, hash: (_ level: Int, _ index: Int) throws(E) -> TreeHash) throws(E)
        -> TreeHash
    {
        guard size > 0 else { return MerkleTree.emptyRoot }
        var subtrees: [TreeHash] = []
        var offset = 0
        for height in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << height) != 0 {
            let level = height / 8
            let count = 1 << (height % 8)
            let first = offset >> (8 * level)
            var hashes: [TreeHash] = []
            for i in first..<(first + count) { hashes.append(try hash(level, i)) }
            subtrees.append(subtreeRoot(hashes[...]))
            offset += 1 << height
        }
        var root = subtrees.removeLast()
        for left in subtrees.reversed() { root = MerkleTree.nodeHash(left, root) }
        return root
    }

    /// Splits tile bytes into hashes; nil unless the length is a whole number of hashes.
    public static func hashes(ofTile bytes: some Collection<UInt8>) -> [TreeHash]? {
        guard bytes.count % TileAddress.hashBytes == 0 else { return nil }
        let all = Array(bytes)
        return stride(from: 0, to: all.count, by: TileAddress.hashBytes).map {
            Array(all[$0..<($0 + TileAddress.hashBytes)])
        }
    }
}

/// C2SP tlog-tiles entry bundles: each entry a big-endian uint16 length, then its bytes (a log line without its
/// `\n`, whose leaf hash is SHA-256(0x00 ‖ line)).
public enum EntryBundle {
    /// The longest entry a bundle can hold.
    public static let maxEntryBytes = 65535

    /// Encodes entries into one bundle.
    /// - Parameters:
    ///   - entries: The entries in order.
    ///   - firstIndex: The leaf index of the first, for the message when one is too long.
    public static func encode(_ entries: [[UInt8]], firstIndex: Int = 0) throws(TileError) -> [UInt8] {
        var bytes: [UInt8] = []
        for (offset, entry) in entries.enumerated() {
            guard entry.count <= maxEntryBytes else {
                throw TileError.entryTooLarge(index: firstIndex + offset, bytes: entry.count)
            }
            bytes += [UInt8(entry.count >> 8), UInt8(entry.count & 0xFF)]
            bytes += entry
        }
        return bytes
    }

    /// Splits a bundle that must hold exactly `count` entries, or says why it does not.
    /// - Parameters:
    ///   - bytes: The bundle.
    ///   - count: The number of entries it must hold (its width).
    public static func decode(_ bytes: [UInt8], count: Int) -> Result<[ArraySlice<UInt8>], BundleProblem> {
        var entries: [ArraySlice<UInt8>] = []
        var at = 0
        while at < bytes.count {
            guard bytes.count - at >= 2 else { return .failure(BundleProblem("truncated length prefix at the end")) }
            let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            guard bytes.count - at - 2 >= length else {
                return .failure(BundleProblem("entry \(entries.count): length \(length) runs past the end"))
            }
            entries.append(bytes[(at + 2)..<(at + 2 + length)])
            at += 2 + length
        }
        guard entries.count == count else {
            return .failure(BundleProblem("\(entries.count) entries, want \(count)"))
        }
        return .success(entries)
    }

    /// Why a bundle does not parse.
    public struct BundleProblem: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// What went wrong publishing, serving or verifying a log as tiles, naming the tile or entry.
public enum TileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A resource is not there (no such file, HTTP 404), or the tree does not hold it.
    case notFound(String)
    /// A resource could not be read or written.
    case io(path: String, reason: String)
    /// A tile or bundle has the wrong shape (length, count).
    case malformed(path: String, reason: String)
    /// Hashes do not match: the tiles, the entries or the log are not the ones the checkpoint signed.
    case mismatch(String)
    /// The checkpoint does not open (signature, format) or disagrees with another one.
    case checkpoint(String)
    /// An entry is too long for an entry bundle.
    case entryTooLarge(index: Int, bytes: Int)

    public var description: String {
        switch self {
        case .notFound(let what): return "\(what): not found"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .malformed(let path, let reason): return "\(path): \(reason)"
        case .mismatch(let why): return why
        case .checkpoint(let why): return why
        case .entryTooLarge(let index, let bytes):
            return
                "entry \(index) (line \(index + 1)) is \(bytes) bytes: a C2SP tlog-tiles entry bundle holds at most \(EntryBundle.maxEntryBytes) bytes per entry"
        }
    }
}
