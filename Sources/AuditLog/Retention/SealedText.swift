import Crypto
import Foundation
import JSONCore

/// The key an entry's free text is sealed with, attached to the entry before it is appended
/// (``AuditEntry/seal``). The text is sealed when the entry becomes a line, where its sequence number is known.
public struct TextSeal: Sendable, Equatable {
    public let keyID: SealingKeyID
    let key: SymmetricKey

    public init(keyID: SealingKeyID, key: SymmetricKey) {
        self.keyID = keyID
        self.key = key
    }
}

/// A text field sealed with AES-256-GCM, as a log line holds it:
/// `{"key":"2026-12/it-dept/~none","nonce":"<base64, 12 bytes>","ct":"<base64 ciphertext and 16-byte tag>"}`.
///
/// The associated data binds the ciphertext to its line and field — `promptgate.sealed.v1`, the entry's sequence
/// number, the field's name and the key id, each ending in a newline — so a sealed text moved to another entry or
/// field, or relabelled with another key id, does not open. The Merkle leaf is the line, so it commits to the
/// ciphertext: destroying the key later changes no byte of any line, hash, checkpoint or proof.
public enum SealedText {
    /// The fields of an entry that hold text an employee or a model wrote (already redacted): sealed.
    public static let fields = ["prompt", "response"]

    static func associatedData(seq: Int, field: String, keyID: String) -> [UInt8] {
        Array("promptgate.sealed.v1\n\(seq)\n\(field)\n\(keyID)\n".utf8)
    }

    /// `text` sealed for field `field` of entry `seq`.
    public static func seal(_ text: String, field: String, seq: Int, with seal: TextSeal) -> JSONValue {
        let keyID = seal.keyID.description
        let aad = associatedData(seq: seq, field: field, keyID: keyID)
        let nonceBytes = RandomPool.bytes(12)
        // Sealing with a 256-bit key and a fresh 12-byte nonce cannot fail.
        guard let nonce = try? AES.GCM.Nonce(data: nonceBytes),
            let box = try? AES.GCM.seal(Array(text.utf8), using: seal.key, nonce: nonce, authenticating: aad)
        else {
            preconditionFailure("AES-GCM sealing failed")
        }
        return .object([
            ("key", .string(keyID)),
            ("nonce", .string(Data(nonceBytes).base64EncodedString())),
            ("ct", .string((box.ciphertext + box.tag).base64EncodedString())),
        ])
    }

    /// The key id a sealed field names, nil if `value` is not a sealed field.
    public static func keyID(of value: JSONValue) -> String? {
        guard case .object = value else { return nil }
        return value["key"]?.stringValue
    }

    /// Opens field `field` of entry `seq` with the keys in `ring`. A plain string (an entry written before texts were
    /// sealed) is returned as it is.
    public static func open(_ value: JSONValue, field: String, seq: Int, ring: KeyRing) -> OpenedText {
        if let text = value.stringValue { return .plain(text) }
        guard let keyID = value["key"]?.stringValue, let nonceText = value["nonce"]?.stringValue,
            let sealedText = value["ct"]?.stringValue
        else { return .unreadable("not a sealed text") }
        if let tombstone = ring.tombstones[keyID] { return .erased(keyID: keyID, on: tombstone.destroyedAt) }
        guard let key = ring.keys[keyID] else {
            return .unreadable("the key \(keyID) is not in this key store")
        }
        guard let nonceBytes = Data(base64Encoded: nonceText), let nonce = try? AES.GCM.Nonce(data: nonceBytes),
            let sealed = Data(base64Encoded: sealedText), sealed.count >= 16
        else { return .unreadable("the sealed text is malformed") }
        let aad = associatedData(seq: seq, field: field, keyID: keyID)
        guard
            let box = try? AES.GCM.SealedBox(
                nonce: nonce, ciphertext: sealed.prefix(sealed.count - 16), tag: sealed.suffix(16)),
            let plain = try? AES.GCM.open(box, using: key, authenticating: aad)
        else {
            return .unreadable(
                "the sealed text does not open with \(keyID) here (changed, or moved from another entry)")
        }
        return .opened(String(decoding: plain, as: UTF8.self))
    }

    /// A line with every sealed field replaced by its text, or by `{"erased":"<date>","key":…}` for a key destroyed
    /// by retention, or `{"unreadable":"<why>","key":…}`: what `promptgate log show --json --open` prints.
    public static func openedLine(_ entry: JSONValue, ring: KeyRing) -> JSONValue {
        guard case .object(let members) = entry, let seq = entry["seq"]?.intValue else { return entry }
        return .object(
            members.map { member in
                guard fields.contains(member.key), case .object = member.value else { return member }
                let keyID = SealedText.keyID(of: member.value) ?? ""
                switch open(member.value, field: member.key, seq: seq, ring: ring) {
                case .plain(let text), .opened(let text): return (member.key, .string(text))
                case .erased(_, let date):
                    return (member.key, .object([("erased", .string(date)), ("key", .string(keyID))]))
                case .unreadable(let why):
                    return (member.key, .object([("unreadable", .string(why)), ("key", .string(keyID))]))
                }
            })
    }
}

/// A text field of an entry, opened.
public enum OpenedText: Sendable, Equatable {
    /// Stored unsealed (written before texts were sealed).
    case plain(String)
    /// Sealed, and opened with its key.
    case opened(String)
    /// Sealed with a key that retention destroyed on `on` (RFC 3339): the text is gone for good.
    case erased(keyID: String, on: String)
    /// Sealed, but it cannot be opened here: why.
    case unreadable(String)

    /// The text, if there is one to show.
    public var text: String? {
        switch self {
        case .plain(let text), .opened(let text): return text
        case .erased, .unreadable: return nil
        }
    }

    /// What a reader shows instead of the text: `erased by retention on 2027-02-01` and the like.
    public var display: String {
        switch self {
        case .plain(let text), .opened(let text): return text
        case .erased(_, let date): return "erased by retention on \(date.prefix(10))"
        case .unreadable(let why): return "cannot be opened: \(why)"
        }
    }
}

/// The keys and tombstones a reader opens sealed texts with: a snapshot of a ``RetentionKeyStore``.
public struct KeyRing: Sendable {
    public var keys: [String: SymmetricKey]
    public var tombstones: [String: KeyTombstone]

    public init(keys: [String: SymmetricKey] = [:], tombstones: [String: KeyTombstone] = [:]) {
        self.keys = keys
        self.tombstones = tombstones
    }
}
