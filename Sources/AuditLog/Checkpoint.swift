import Foundation

/// A C2SP tlog-checkpoint: the log's origin, its size and its RFC 6962 root, signed as a C2SP signed note.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: Int
    public var root: TreeHash

    public init(origin: String, size: Int, root: TreeHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note body: three lines, each ending in `\n`.
    public var body: String { "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n" }

    /// The signed note: body, a blank line, and one signature line per key (`— name base64(keyid ‖ sig)`).
    public func signed(by keys: [LogSigningKey]) throws -> String {
        var text = body + "\n"
        let message = Array(body.utf8)
        for key in keys {
            let signature = try key.sign(message)
            text += "\u{2014} \(key.name) \(Data(key.keyID + signature).base64EncodedString())\n"
        }
        return text
    }

    /// Parses a checkpoint body strictly: no empty lines, a decimal size without leading zeros, a canonical base64
    /// 32-byte root. Extension lines are ignored.
    public init(body: String) throws(AuditLogError) {
        guard body.hasSuffix("\n") else { throw AuditLogError.badCheckpoint("the body does not end with a newline") }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3 else { throw AuditLogError.badCheckpoint("the body needs origin, size and root lines") }
        if let empty = lines.firstIndex(where: \.isEmpty) {
            throw AuditLogError.badCheckpoint("line \(empty + 1) of the body is empty")
        }
        let sizeText = lines[1]
        guard sizeText.allSatisfy({ $0.isASCII && $0.isNumber }), !(sizeText.count > 1 && sizeText.first == "0"),
            let size = Int(sizeText)
        else {
            throw AuditLogError.badCheckpoint("tree size \(String(sizeText).debugDescription) is not a decimal number")
        }
        guard let root = Data(base64Encoded: String(lines[2])), root.count == 32,
            root.base64EncodedString() == lines[2]
        else { throw AuditLogError.badCheckpoint("the root hash is not canonical base64 of 32 bytes") }
        self.init(origin: String(lines[0]), size: size, root: Array(root))
    }

    /// Opens a signed note: checks that one of `trusted` signed it and returns the checkpoint.
    public static func open(note: String, trusted: [LogVerifierKey]) throws(AuditLogError) -> Checkpoint {
        guard note.utf8.count <= 1 << 20 else { throw AuditLogError.badCheckpoint("the note is larger than 1 MiB") }
        guard let separator = note.range(of: "\n\n", options: .backwards) else {
            throw AuditLogError.badCheckpoint("no signature block (a blank line then signature lines)")
        }
        let body = String(note[..<separator.lowerBound]) + "\n"
        let signatureText = note[separator.upperBound...]
        guard !body.contains("\n\n") else { throw AuditLogError.badCheckpoint("the body contains a blank line") }
        let message = Array(body.utf8)
        var present: [String] = []
        for line in signatureText.split(separator: "\n") {
            let fields = line.split(separator: " ")
            // Lines of other lengths are other signature types (a witness's cosignature): checked by their owners.
            guard fields.count == 3, fields[0] == "\u{2014}", let raw = Data(base64Encoded: String(fields[2])),
                raw.count > 4
            else { throw AuditLogError.badCheckpoint("malformed signature line \(String(line).debugDescription)") }
            let keyID = Array(raw.prefix(4))
            let signature = Array(raw.dropFirst(4))
            present.append("\(fields[1])+\(hexString(keyID))")
            for key in trusted where key.name == fields[1] && key.keyID == keyID {
                guard signature.count == 64, key.isValid(signature: signature, for: message) else {
                    throw AuditLogError.badSignature(
                        "the signature by \(key.name)+\(hexString(keyID)) does not verify: the checkpoint was altered")
                }
                let checkpoint = try Checkpoint(body: body)
                guard checkpoint.origin == key.name else {
                    throw AuditLogError.badCheckpoint(
                        "origin \(checkpoint.origin.debugDescription) differs from the key name \(key.name.debugDescription)"
                    )
                }
                return checkpoint
            }
        }
        let trustedNames = trusted.map { "\($0.name)+\(hexString($0.keyID))" }.joined(separator: ", ")
        throw AuditLogError.badSignature(
            "no signature by a trusted key (\(trustedNames)); signatures present: \(present.isEmpty ? "none" : present.joined(separator: ", "))"
        )
    }
}
