import Crypto

/// A SHA-256 hash in the log's tree.
public typealias TreeHash = [UInt8]

/// An RFC 6962 Merkle tree grown one leaf at a time: it keeps one hash per set bit of the size (the roots of the
/// perfect subtrees, left to right), so memory is O(log n) and each append costs O(1) amortised hashes.
public struct MerkleTree: Sendable, Equatable {
    private var stack: [TreeHash] = []
    public private(set) var size: Int = 0

    public init() {}

    /// SHA-256(0x00 ‖ data): the hash of a leaf (one log line's bytes, without its `\n`).
    public static func leafHash(_ data: some Collection<UInt8>) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(data))
        return Array(hasher.finalize())
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    public static func nodeHash(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The root of the empty tree: SHA-256 of nothing.
    public static let emptyRoot: TreeHash = Array(SHA256.hash(data: [UInt8]()))

    /// Appends a leaf by its data.
    public mutating func append(leafData: some Collection<UInt8>) { append(leafHash: Self.leafHash(leafData)) }

    /// Appends a leaf by its hash.
    public mutating func append(leafHash: TreeHash) {
        var hash = leafHash
        var n = size
        while n & 1 == 1 {
            hash = Self.nodeHash(stack.removeLast(), hash)
            n >>= 1
        }
        stack.append(hash)
        size += 1
    }

    /// The RFC 6962 root of all leaves so far.
    public var root: TreeHash {
        guard var hash = stack.last else { return Self.emptyRoot }
        for left in stack.dropLast().reversed() { hash = Self.nodeHash(left, hash) }
        return hash
    }
}
