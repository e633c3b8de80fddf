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
        // The base64 part may itself contain '+': split off the four fields before it only.
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let raw = Data(base64Encoded: String(parts[4])), raw.count == 33, raw.first == 0x01
        else { throw AuditLogError.badKey("not a signer key (PRIVATE+KEY+name+id+base64)") }
        try self.init(name: String(parts[2]), seed: Array(raw.dropFirst()))
        guard hexString(keyID) == parts[3] else { throw AuditLogError.badKey("the key id does not match the key") }
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
        "PRIVATE+KEY+\(name)+\(hexString(keyID))+\(Data([0x01] + Array(key.rawRepresentation)).base64EncodedString())"
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
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", omittingEmptySubsequences: false)
        // The base64 may itself contain '+': rejoin everything after the id.
        guard parts.count >= 3, let raw = Data(base64Encoded: parts[2...].joined(separator: "+")), raw.count == 33,
            raw.first == 0x01
        else { throw AuditLogError.badKey("not a verifier key (name+id+base64 of 0x01 and an Ed25519 public key)") }
        self.init(name: String(parts[0]), publicKey: Array(raw.dropFirst()))
        guard hexString(keyID) == parts[1] else { throw AuditLogError.badKey("the key id does not match the key") }
    }

    public var keyID: [UInt8] { Self.keyID(name: name, publicKey: publicKey) }

    static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + publicKey).prefix(4))
    }

    /// `name+hexid+base64`.
    public var text: String { "\(name)+\(hexString(keyID))+\(Data([0x01] + publicKey).base64EncodedString())" }

    func isValid(signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
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
