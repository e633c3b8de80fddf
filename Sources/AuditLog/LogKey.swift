import Crypto
import Foundation

/// An Ed25519 key that signs checkpoints, in the C2SP signed-note formats also used by Go's `sumdb/note` and by
/// `tlogverify keygen`:
/// - signer: `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`
/// - verifier: `<name>+<hex key id>+<base64(0x01 ‖ 32-byte public key)>`
/// where key id = the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). The name is the log's origin.
public struct LogSigningKey: Sendable {
    public let name: String
    let key: Curve25519.Signing.PrivateKey

    /// A new random key for `name`.
    public init(generatingFor name: String) throws(AuditLogError) {
        try Self.checkName(name)
        self.name = name
        self.key = Curve25519.Signing.PrivateKey()
    }

    /// A key from its 32-byte seed (tests and known-answer vectors).
    public init(name: String, seed: [UInt8]) throws(AuditLogError) {
        try Self.checkName(name)
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw AuditLogError.badKey("an Ed25519 seed is 32 bytes")
        }
        self.name = name
        self.key = key
    }

    /// Parses the signer-key text format.
    public init(signerKey text: String) throws(AuditLogError) {
        guard let parsed = NoteKeyText.signer(text), parsed.type == 0x01 else {
            throw AuditLogError.badKey("not a signer key (PRIVATE+KEY+name+id+base64)")
        }
        try self.init(name: parsed.name, seed: parsed.key)
        try NoteKeyText.check(id: parsed.id, keyID)
    }

    static func checkName(_ name: String) throws(AuditLogError) {
        guard !name.isEmpty, !name.contains(where: { $0 == "+" || $0.isWhitespace }) else {
            throw AuditLogError.badKey(
                "a key name (the log origin) must be non-empty, without spaces or '+': \(name.debugDescription)")
        }
    }

    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }
    public var keyID: [UInt8] { LogVerifierKey.keyID(name: name, publicKey: publicKey) }

    /// The signer-key text (secret: store with mode 0600).
    public var signerKeyText: String {
        NoteKeyText.signerText(name: name, keyID: keyID, type: 0x01, seed: Array(key.rawRepresentation))
    }

    /// The verifier key auditors use.
    public var verifierKey: LogVerifierKey { LogVerifierKey(name: name, publicKey: publicKey) }

    func sign(_ message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }
}

/// The public half of a ``LogSigningKey``, in note verifier-key format.
public struct LogVerifierKey: Sendable, Hashable {
    public let name: String
    public let publicKey: [UInt8]

    public init(name: String, publicKey: [UInt8]) {
        self.name = name
        self.publicKey = publicKey
    }

    /// Parses `name+hexid+base64(0x01‖pubkey)`.
    public init(text: String) throws(AuditLogError) {
        guard let parsed = NoteKeyText.verifier(text), parsed.type == 0x01 else {
            throw AuditLogError.badKey("not a verifier key (name+id+base64 of 0x01 and an Ed25519 public key)")
        }
        self.init(name: parsed.name, publicKey: parsed.key)
        try NoteKeyText.check(id: parsed.id, keyID)
    }

    public var keyID: [UInt8] { Self.keyID(name: name, publicKey: publicKey) }

    static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + publicKey).prefix(4))
    }

    /// `name+hexid+base64`.
    public var text: String { NoteKeyText.verifierText(name: name, keyID: keyID, type: 0x01, publicKey: publicKey) }

    func isValid(signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// The C2SP signed-note key texts, for log keys (signature type 0x01) and witness keys (0x04) alike:
/// signer `PRIVATE+KEY+<name>+<hex key id>+<base64(type ‖ 32-byte seed)>`, verifier
/// `<name>+<hex key id>+<base64(type ‖ 32-byte public key)>`. The base64 may itself contain '+'.
enum NoteKeyText {
    /// The fields of a signer key's text, or nil when it is not one (any type).
    static func signer(_ text: String) -> (name: String, id: Substring, type: UInt8, key: [UInt8])? {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let raw = Data(base64Encoded: String(parts[4])), raw.count == 33
        else { return nil }
        return (String(parts[2]), parts[3], raw[raw.startIndex], Array(raw.dropFirst()))
    }

    /// The fields of a verifier key's text, or nil when it is not one (any type).
    static func verifier(_ text: String) -> (name: String, id: Substring, type: UInt8, key: [UInt8])? {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", omittingEmptySubsequences: false)
        guard parts.count >= 3, let raw = Data(base64Encoded: parts[2...].joined(separator: "+")), raw.count == 33
        else { return nil }
        return (String(parts[0]), parts[1], raw[raw.startIndex], Array(raw.dropFirst()))
    }

    /// Refuses a text whose key id is not the key's.
    static func check(id: Substring, _ keyID: [UInt8]) throws(AuditLogError) {
        guard hexString(keyID) == id else { throw AuditLogError.badKey("the key id does not match the key") }
    }

    static func signerText(name: String, keyID: [UInt8], type: UInt8, seed: [UInt8]) -> String {
        "PRIVATE+KEY+\(name)+\(hexString(keyID))+\(Data([type] + seed).base64EncodedString())"
    }

    static func verifierText(name: String, keyID: [UInt8], type: UInt8, publicKey: [UInt8]) -> String {
        "\(name)+\(hexString(keyID))+\(Data([type] + publicKey).base64EncodedString())"
    }
}

/// Lowercase hex of bytes, as the log writes hashes.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
