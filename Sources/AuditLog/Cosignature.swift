import Crypto
import Foundation

/// C2SP tlog-cosignature v1 (Ed25519): a witness's timestamped statement that, as of `time`, the checkpoint is the
/// largest consistent tree head it has seen for the log.
///
/// - key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte public key)
/// - signed message: `cosignature/v1\n` ‖ `time <unix seconds>\n` ‖ the checkpoint body (final newline included)
/// - signature line: `— <name> base64(key ID ‖ timestamp, 8 bytes big-endian ‖ Ed25519 signature)`
///
/// The formats are those of `tlogverify keygen -cosigner` and `tlogverify verify -witness`.
public enum Cosignature {
    /// The signature type byte of Ed25519 cosignatures (signed notes use 0x01).
    public static let signatureType: UInt8 = 0x04

    /// The bytes a cosigner signs for a checkpoint `body` at `time` (seconds since the epoch).
    public static func message(time: UInt64, body: some Collection<UInt8>) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n".utf8) + body
    }

    /// SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4].
    public static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, signatureType] + publicKey).prefix(4))
    }

    /// One witness's cosignature found valid on a checkpoint.
    public struct Vouch: Sendable, Equatable {
        /// The witness's key name.
        public var name: String
        /// The witness key that made it.
        public var key: CosignerVerifierKey
        /// When the witness cosigned, in seconds since the epoch.
        public var time: UInt64

        /// A vouch by `key` at `time`.
        public init(key: CosignerVerifierKey, time: UInt64) {
            self.name = key.name
            self.key = key
            self.time = time
        }
    }

    /// The cosignatures on a signed note that verify against `witnesses`, one per witness key. Lines by other keys
    /// are ignored, as the specs ask; a line that names a trusted witness but does not verify is left out too.
    public static func vouches(note: String, witnesses: [CosignerVerifierKey]) -> [Vouch] {
        guard let (body, lines) = try? SignedNote.split(note) else { return [] }
        let message = Array(body.utf8)
        var found: [Vouch] = []
        for line in lines {
            guard let (name, raw) = SignedNote.signature(line), raw.count == 4 + 8 + 64 else { continue }
            let keyID = Array(raw.prefix(4))
            for key in witnesses
            where key.name == name && key.keyID == keyID && !found.contains(where: { $0.key == key }) {
                if let time = key.verify(signature: Array(raw.dropFirst(4)), body: message) {
                    found.append(Vouch(key: key, time: time))
                }
            }
        }
        return found
    }
}

/// Splitting a C2SP signed note into its body and its signature lines.
public enum SignedNote {
    /// The body (ending in `\n`) and the signature lines (without their `\n`) of `note`.
    public static func split(_ note: String) throws(AuditLogError) -> (body: String, lines: [Substring]) {
        guard note.utf8.count <= 1 << 20 else { throw AuditLogError.badCheckpoint("the note is larger than 1 MiB") }
        guard let separator = note.range(of: "\n\n", options: .backwards) else {
            throw AuditLogError.badCheckpoint("no signature block (a blank line then signature lines)")
        }
        let body = String(note[..<separator.lowerBound]) + "\n"
        guard !body.contains("\n\n") else { throw AuditLogError.badCheckpoint("the body contains a blank line") }
        return (body, note[separator.upperBound...].split(separator: "\n"))
    }

    /// The key name and decoded bytes of a signature line `— name base64`, or nil if it is not one.
    public static func signature(_ line: Substring) -> (name: String, bytes: [UInt8])? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "\u{2014}", !fields[1].isEmpty,
            let raw = Data(base64Encoded: String(fields[2])), raw.count > 4
        else { return nil }
        return (String(fields[1]), Array(raw))
    }
}

/// A witness's Ed25519 cosigning key, in the text formats of `tlogverify keygen -cosigner`:
/// - signer: `PRIVATE+KEY+<name>+<hex key id>+<base64(0x04 ‖ 32-byte seed)>`
/// - verifier: `<name>+<hex key id>+<base64(0x04 ‖ 32-byte public key)>`
///
/// A cosigner key must not also sign anything else: the v1 message does not commit to the witness's name.
public struct CosignerKey: Sendable {
    /// The witness's name, e.g. `auditor.city.example/witness`.
    public let name: String
    let key: Curve25519.Signing.PrivateKey

    /// A new random key for the witness `name`.
    public init(generatingFor name: String) throws(AuditLogError) {
        try LogSigningKey.checkName(name)
        self.name = name
        self.key = Curve25519.Signing.PrivateKey()
    }

    /// A key from its 32-byte seed (tests and known-answer vectors).
    public init(name: String, seed: [UInt8]) throws(AuditLogError) {
        try LogSigningKey.checkName(name)
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw AuditLogError.badKey("an Ed25519 seed is 32 bytes")
        }
        self.name = name
        self.key = key
    }

    /// Parses the signer-key text format.
    public init(signerKey text: String) throws(AuditLogError) {
        guard let parsed = NoteKeyText.signer(text), parsed.type == Cosignature.signatureType else {
            throw AuditLogError.badKey("not a witness cosigner key (PRIVATE+KEY+name+id+base64 of 0x04 and a seed)")
        }
        try self.init(name: parsed.name, seed: parsed.key)
        try NoteKeyText.check(id: parsed.id, keyID)
    }

    /// The 32-byte Ed25519 public key.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// The 4-byte key ID (signature type 0x04).
    public var keyID: [UInt8] { Cosignature.keyID(name: name, publicKey: publicKey) }

    /// The signer-key text (secret: store with mode 0600).
    public var signerKeyText: String {
        NoteKeyText.signerText(
            name: name, keyID: keyID, type: Cosignature.signatureType, seed: Array(key.rawRepresentation))
    }

    /// The verifier key that logs, auditors and policy files name the witness by.
    public var verifierKey: CosignerVerifierKey { CosignerVerifierKey(name: name, publicKey: publicKey) }

    /// The cosignature line (ending in `\n`) for a checkpoint `body` at `time` (seconds since the epoch).
    public func cosign(body: String, time: UInt64) throws(AuditLogError) -> String {
        guard time <= UInt64(Int64.max) else { throw AuditLogError.badKey("a cosignature time must fit in 63 bits") }
        let signature: Data
        do {
            signature = try key.signature(for: Cosignature.message(time: time, body: Array(body.utf8)))
        } catch {
            throw AuditLogError.badKey("Ed25519 signing failed: \(error)")
        }
        var stamp = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { stamp[i] = UInt8(truncatingIfNeeded: time >> (56 - 8 * UInt64(i))) }
        return "\u{2014} \(name) \(Data(keyID + stamp + Array(signature)).base64EncodedString())\n"
    }
}

/// The public half of a ``CosignerKey``, in note verifier-key format with signature type 0x04.
public struct CosignerVerifierKey: Sendable, Hashable {
    /// The witness's name.
    public let name: String
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    /// The key named `name` with the 32-byte `publicKey`.
    public init(name: String, publicKey: [UInt8]) {
        self.name = name
        self.publicKey = publicKey
    }

    /// Parses `name+hexid+base64(0x04‖pubkey)`.
    public init(text: String) throws(AuditLogError) {
        guard let parsed = NoteKeyText.verifier(text), !parsed.name.isEmpty else {
            throw AuditLogError.badKey("not a witness verifier key (name+id+base64 of 0x04 and an Ed25519 key)")
        }
        guard parsed.type == Cosignature.signatureType else {
            throw AuditLogError.badKey(
                "key type 0x\(String(parsed.type, radix: 16)) is not a witness cosigner key (0x04): is this a log key?")
        }
        self.init(name: parsed.name, publicKey: parsed.key)
        try NoteKeyText.check(id: parsed.id, keyID)
    }

    /// Reads a witness verifier key from a file or from the text itself (`@file` or literal, as tlogverify takes it).
    public init(argument: String) throws(AuditLogError) {
        if argument.hasPrefix("@") || FileManager.default.fileExists(atPath: argument) {
            let path = argument.hasPrefix("@") ? String(argument.dropFirst()) : argument
            guard let text = try BoundedFile.text(path, limit: 64 << 10) else {
                throw AuditLogError.io(path: path, reason: "cannot read the witness key")
            }
            try self.init(text: text)
        } else {
            try self.init(text: argument)
        }
    }

    /// The 4-byte key ID (signature type 0x04).
    public var keyID: [UInt8] { Cosignature.keyID(name: name, publicKey: publicKey) }

    /// `name+hexid+base64`.
    public var text: String {
        NoteKeyText.verifierText(name: name, keyID: keyID, type: Cosignature.signatureType, publicKey: publicKey)
    }

    /// The timestamp of a valid cosignature (timestamp ‖ Ed25519 signature, 72 bytes) over `body`, or nil.
    public func verify(signature: [UInt8], body: [UInt8]) -> UInt64? {
        guard signature.count == 72, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            return nil
        }
        let time = signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard time <= UInt64(Int64.max),
            key.isValidSignature(Array(signature.dropFirst(8)), for: Cosignature.message(time: time, body: body))
        else { return nil }
        return time
    }
}
