import Foundation
import JSONCore

/// An RFC 6962 inclusion proof: leaf `index` (0-based; line index + 1) is in the tree of `size` leaves.
/// JSON: `{"index":i,"size":n,"hashes":[base64…]}`.
public struct InclusionProof: Sendable, Equatable {
    public var index: Int
    public var size: Int
    public var hashes: [TreeHash]

    public init(index: Int, size: Int, hashes: [TreeHash]) {
        self.index = index
        self.size = size
        self.hashes = hashes
    }

    /// The proof's JSON text.
    public var json: String {
        JSONValue.object([
            ("index", .int(index)), ("size", .int(size)),
            ("hashes", .array(hashes.map { .string(Data($0).base64EncodedString()) })),
        ]).serialized()
    }

    /// Parses the JSON form.
    public init(json: String) throws(AuditLogError) {
        let (fields, hashes) = try parseProof(json, keys: ["index", "size"])
        self.init(index: fields[0], size: fields[1], hashes: hashes)
    }

    /// Whether the proof shows that a leaf with hash `leafHash` is at `index` in the tree with root `root`
    /// (RFC 9162 §2.1.3.2).
    public func verify(leafHash: TreeHash, root: TreeHash) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in hashes {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = MerkleTree.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleTree.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }
}

/// An RFC 6962 consistency proof: the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves.
/// JSON: `{"old_size":m,"new_size":n,"hashes":[base64…]}`.
public struct ConsistencyProof: Sendable, Equatable {
    public var oldSize: Int
    public var newSize: Int
    public var hashes: [TreeHash]

    public init(oldSize: Int, newSize: Int, hashes: [TreeHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    public var json: String {
        JSONValue.object([
            ("old_size", .int(oldSize)), ("new_size", .int(newSize)),
            ("hashes", .array(hashes.map { .string(Data($0).base64EncodedString()) })),
        ]).serialized()
    }

    public init(json: String) throws(AuditLogError) {
        let (fields, hashes) = try parseProof(json, keys: ["old_size", "new_size"])
        self.init(oldSize: fields[0], newSize: fields[1], hashes: hashes)
    }

    /// Whether the proof shows that `oldRoot` (of `oldSize` leaves) and `newRoot` are consistent (RFC 9162 §2.1.4.2).
    public func verify(oldRoot: TreeHash, newRoot: TreeHash) -> Bool {
        guard oldSize >= 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return hashes.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return hashes.isEmpty }
        guard !hashes.isEmpty else { return false }
        var path = hashes
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleTree.nodeHash(c, fr)
                sr = MerkleTree.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleTree.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }
}

private func parseProof(_ json: String, keys: [String]) throws(AuditLogError) -> ([Int], [TreeHash]) {
    guard let value = try? JSONParser.parse(json), value.isObject else {
        throw AuditLogError.badProof("not a JSON object")
    }
    var fields: [Int] = []
    for key in keys {
        guard let number = value[key]?.intValue else {
            throw AuditLogError.badProof("\"\(key)\" is missing or not a whole number")
        }
        fields.append(number)
    }
    guard let list = value["hashes"]?.arrayValue else { throw AuditLogError.badProof("\"hashes\" is missing") }
    var hashes: [TreeHash] = []
    for (i, item) in list.enumerated() {
        guard let text = item.stringValue, let data = Data(base64Encoded: text), data.count == 32 else {
            throw AuditLogError.badProof("hashes[\(i)] is not base64 of 32 bytes")
        }
        hashes.append(Array(data))
    }
    return (fields, hashes)
}

/// Builds proofs from a log's leaf hashes (RFC 6962 §2.1.1 PATH and §2.1.2 PROOF).
public struct ProofBuilder: Sendable {
    public let leaves: [TreeHash]

    public init(leaves: [TreeHash]) { self.leaves = leaves }

    /// MTH of leaves[range].
    public func root(_ range: Range<Int>) -> TreeHash {
        switch range.count {
        case 0: return MerkleTree.emptyRoot
        case 1: return leaves[range.lowerBound]
        default:
            let k = Self.split(range.count)
            return MerkleTree.nodeHash(
                root(range.lowerBound..<(range.lowerBound + k)), root((range.lowerBound + k)..<range.upperBound))
        }
    }

    /// The largest power of two smaller than n (n > 1).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size` leaves.
    public func inclusion(index: Int, size: Int) throws(AuditLogError) -> InclusionProof {
        guard size <= leaves.count else {
            throw AuditLogError.badProof("the log has only \(leaves.count) entries, not \(size)")
        }
        guard index >= 0, index < size else {
            throw AuditLogError.badProof("index \(index) is outside the tree of size \(size)")
        }
        return InclusionProof(index: index, size: size, hashes: path(index, 0..<size))
    }

    private func path(_ m: Int, _ range: Range<Int>) -> [TreeHash] {
        guard range.count > 1 else { return [] }
        let k = Self.split(range.count)
        let mid = range.lowerBound + k
        if m < k { return path(m, range.lowerBound..<mid) + [root(mid..<range.upperBound)] }
        return path(m - k, mid..<range.upperBound) + [root(range.lowerBound..<mid)]
    }

    /// The consistency proof between the trees of the first `oldSize` and `newSize` leaves.
    public func consistency(oldSize: Int, newSize: Int) throws(AuditLogError) -> ConsistencyProof {
        guard newSize <= leaves.count else {
            throw AuditLogError.badProof("the log has only \(leaves.count) entries, not \(newSize)")
        }
        guard oldSize >= 0, oldSize <= newSize else {
            throw AuditLogError.badProof("old size \(oldSize) is not between 0 and \(newSize)")
        }
        let hashes = oldSize == 0 || oldSize == newSize ? [] : subproof(oldSize, 0..<newSize, true)
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: hashes)
    }

    private func subproof(_ m: Int, _ range: Range<Int>, _ complete: Bool) -> [TreeHash] {
        let n = range.count
        if m == n { return complete ? [] : [root(range)] }
        let k = Self.split(n)
        let mid = range.lowerBound + k
        if m <= k { return subproof(m, range.lowerBound..<mid, complete) + [root(mid..<range.upperBound)] }
        return subproof(m - k, mid..<range.upperBound, false) + [root(range.lowerBound..<mid)]
    }
}
