import AuditLog
import Foundation

/// The leaf hashes of the log in a data folder, read incrementally for the consistency proofs witnesses need.
///
/// The segments concatenated in order (`audit-*.log`, then `audit.log`) are the whole log, and a roll only renames
/// the active file, so a byte offset into that concatenation stays valid: each read starts where the last one
/// stopped. Lines are read up to the size of the checkpoint at hand and never past it, and the root of what was read
/// must be the checkpoint's, or the cache starts over (a roll raced the read, or the folder is not the log signed).
struct WitnessLeaves {
    let directory: String
    private(set) var leaves: [TreeHash] = []
    private var tree = MerkleTree()
    /// Bytes of the concatenated segments read, up to the end of the last line read.
    private var consumed = 0

    init(directory: String) { self.directory = directory }

    /// Reads the log up to `size` entries and checks that their root is `root`.
    mutating func extend(to size: Int, root: TreeHash) throws(AuditLogError) {
        if leaves.count > size {
            guard ProofBuilder(leaves: leaves).root(0..<size) == root else {
                reset()
                throw AuditLogError.badProof("the log's first \(size) entries do not have the checkpoint's root")
            }
            return
        }
        if leaves.count < size { try read(until: size) }
        guard tree.root == root else {
            reset()
            throw AuditLogError.badProof("the log's first \(size) entries do not have the checkpoint's root")
        }
    }

    /// The consistency proof from `oldSize` to `newSize` (both at most the size read).
    func consistency(oldSize: Int, newSize: Int) throws(AuditLogError) -> ConsistencyProof {
        try ProofBuilder(leaves: leaves).consistency(oldSize: oldSize, newSize: newSize)
    }

    private mutating func reset() {
        leaves = []
        tree = MerkleTree()
        consumed = 0
    }

    private mutating func read(until size: Int) throws(AuditLogError) {
        var base = 0
        for path in try LogSegments.list(directory: directory) {
            guard leaves.count < size else { return }
            let length = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            defer { base += length }
            guard base + length > consumed else { continue }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw AuditLogError.io(path: path, reason: "cannot open the segment")
            }
            defer { try? handle.close() }
            var offset = consumed - base
            var carry: [UInt8] = []
            do {
                try handle.seek(toOffset: UInt64(offset))
                while leaves.count < size, offset + carry.count < length {
                    guard let chunk = try handle.read(upToCount: min(1 << 20, length - offset - carry.count)),
                        !chunk.isEmpty
                    else { break }
                    carry.append(contentsOf: chunk)
                    var start = 0
                    while leaves.count < size, let newline = carry[start...].firstIndex(of: 0x0A) {
                        let hash = MerkleTree.leafHash(carry[start..<newline])
                        leaves.append(hash)
                        tree.append(leafHash: hash)
                        start = newline + 1
                    }
                    offset += start
                    carry.removeFirst(start)
                    consumed = base + offset
                }
            } catch {
                throw AuditLogError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
            }
        }
        guard leaves.count >= size else {
            throw AuditLogError.badProof("the log holds \(leaves.count) entries, the checkpoint \(size)")
        }
    }
}
