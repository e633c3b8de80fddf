import Foundation

/// A proof that travels: one entry, its inclusion proof and the signed checkpoint (with any witness
/// cosignatures), in one text file that anyone holding the log's verifier key can check offline, without the log.
///
/// The format is C2SP tlog-proof v1 (<https://c2sp.org/tlog-proof>), with the entry's exact bytes (the log line
/// without its `\n`) as the `extra` data:
///
/// ```
/// c2sp.org/tlog-proof@v1
/// extra <base64 of the entry>
/// index <0-based leaf index>
/// <base64 hash, one per line: the RFC 6962 inclusion path from the leaf's sibling up>
///
/// <the checkpoint note, verbatim>
/// ```
///
/// The spec leaves `extra` unauthenticated; here it is authenticated by the proof itself: its leaf hash,
/// SHA-256(0x00 ‖ entry), must lead through the path to the signed root.
public struct EntryProofFile: Sendable, Equatable {
    /// The first line of every proof.
    public static let header = "c2sp.org/tlog-proof@v1"

    /// The entry's bytes: the log line without its newline.
    public var entry: [UInt8]
    /// The entry's 0-based leaf index (its line number − 1).
    public var index: Int
    /// The inclusion path, from the leaf's sibling up to a child of the root.
    public var hashes: [TreeHash]
    /// The signed checkpoint note, verbatim (log signature and any cosignatures).
    public var checkpointNote: String

    /// A proof from its parts.
    /// - Parameters:
    ///   - entry: The entry's bytes (a log line without its newline).
    ///   - index: The entry's 0-based leaf index.
    ///   - hashes: The inclusion path in the checkpoint's tree.
    ///   - checkpointNote: The signed checkpoint, verbatim.
    public init(entry: [UInt8], index: Int, hashes: [TreeHash], checkpointNote: String) {
        self.entry = entry
        self.index = index
        self.hashes = hashes
        self.checkpointNote = checkpointNote
    }

    /// The file's text.
    public var text: String {
        var text = Self.header + "\n"
        text += "extra \(Data(entry).base64EncodedString())\n"
        text += "index \(index)\n"
        for hash in hashes { text += Data(hash).base64EncodedString() + "\n" }
        return text + "\n" + checkpointNote
    }

    /// Parses a proof strictly: the header, canonical base64 everywhere (so no byte can change without changing
    /// what it says), a decimal index without leading zeros, and a checkpoint note ending in a newline.
    /// - Parameter text: The proof file's text.
    public init(text: String) throws(AuditLogError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(Self.header) else {
            throw AuditLogError.badProof("the first line is not \(Self.header)")
        }
        guard let extra = lines.first, extra.hasPrefix("extra ") else {
            throw AuditLogError.badProof("no \"extra\" line: this proof does not carry its entry")
        }
        lines.removeFirst()
        guard let entry = Self.canonicalBase64(extra.dropFirst(6)) else {
            throw AuditLogError.badProof("the entry (\"extra\") is not canonical base64")
        }
        guard let indexLine = lines.popFirst(), indexLine.hasPrefix("index "),
            case let digits = indexLine.dropFirst(6), !digits.isEmpty, digits.count <= 18,
            digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), !(digits.count > 1 && digits.first == "0"),
            let index = Int(digits)
        else { throw AuditLogError.badProof("the \"index\" line is not `index` and a decimal number") }
        var hashes: [TreeHash] = []
        while let line = lines.popFirst(), !line.isEmpty {
            guard let hash = Self.canonicalBase64(line), hash.count == 32 else {
                throw AuditLogError.badProof("proof hash \(hashes.count + 1) is not canonical base64 of 32 bytes")
            }
            guard hashes.count < 64 else { throw AuditLogError.badProof("more than 64 proof hashes") }
            hashes.append(hash)
        }
        let note = lines.joined(separator: "\n")
        guard note.hasSuffix("\n"), let split = try? SignedNote.split(note) else {
            throw AuditLogError.badProof("the checkpoint after the blank line is not a signed note ending in a newline")
        }
        for line in split.lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "\u{2014}", Self.canonicalBase64(fields[2]) != nil else {
                throw AuditLogError.badProof(
                    "checkpoint signature line \(String(line).debugDescription) is not `— name base64` in canonical base64"
                )
            }
        }
        self.init(entry: entry, index: index, hashes: hashes, checkpointNote: note)
    }

    /// What a verified proof shows.
    public struct Verified: Sendable, Equatable {
        /// The checkpoint the entry is in.
        public var checkpoint: Checkpoint
        /// The witnesses whose cosignatures verified.
        public var witnesses: [Cosignature.Vouch]
        /// Signature lines by keys that were not given, so not checked (`name+keyid`).
        public var unchecked: [String]
    }

    /// Checks the proof offline: the checkpoint's signature by one of `keys`, the cosignatures of `witnesses`,
    /// and that the entry's leaf hash leads through the path to the checkpoint's root at `index`.
    /// - Parameters:
    ///   - keys: The log's trusted verifier keys.
    ///   - witnesses: Witness keys whose cosignatures are required.
    ///   - quorum: How many of `witnesses` must have cosigned (default: all of them).
    public func verify(keys: [LogVerifierKey], witnesses: [CosignerVerifierKey] = [], quorum: Int? = nil)
        throws(AuditLogError) -> Verified
    {
        let checkpoint = try Checkpoint.open(note: checkpointNote, trusted: keys)
        let vouches = Cosignature.vouches(note: checkpointNote, witnesses: witnesses)
        let needed = quorum ?? witnesses.count
        guard vouches.count >= needed else {
            let missing = witnesses.filter { key in !vouches.contains { $0.key == key } }.map(\.name)
            throw AuditLogError.badSignature(
                "\(vouches.count) of \(needed) required witness cosignature(s) verify; missing or invalid: \(missing.joined(separator: ", "))"
            )
        }
        guard index < checkpoint.size else {
            throw AuditLogError.badProof(
                "index \(index) (line \(index + 1)) is outside the checkpoint's tree of size \(checkpoint.size)")
        }
        let proof = InclusionProof(index: index, size: checkpoint.size, hashes: hashes)
        guard proof.verify(leafHash: MerkleTree.leafHash(entry), root: checkpoint.root) else {
            throw AuditLogError.badProof(
                "the inclusion proof does NOT verify: the entry, its index (\(index)) or the proof hashes are not those of the tree the checkpoint signed (size \(checkpoint.size), root \(Data(checkpoint.root).base64EncodedString()))"
            )
        }
        var unchecked: [String] = []
        if let split = try? SignedNote.split(checkpointNote) {
            for line in split.lines {
                guard let (name, raw) = SignedNote.signature(line) else { continue }
                let id = Array(raw.prefix(4))
                let known =
                    keys.contains { $0.name == name && $0.keyID == id }
                    || witnesses.contains { $0.name == name && $0.keyID == id }
                if !known { unchecked.append("\(name)+\(hexString(id))") }
            }
        }
        return Verified(checkpoint: checkpoint, witnesses: vouches, unchecked: unchecked)
    }

    private static func canonicalBase64(_ text: Substring) -> [UInt8]? {
        guard let data = Data(base64Encoded: String(text)), data.base64EncodedString() == text else { return nil }
        return Array(data)
    }
}
