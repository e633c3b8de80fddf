import AuditLog
import Crypto
import Foundation

/// Keyed fingerprints of original values (HMAC-SHA-256), so an auditor holding the key can tell that a value
/// recurs without the log holding it. Never a bare hash: short values could be guessed back from it.
public struct Fingerprinter: Sendable {
    /// HMAC keyed once: each fingerprint continues from a copy of it instead of keying HMAC again.
    private let keyed: HMAC<SHA256>
    /// The key for rules with `redaction: pseudonym`, derived from the fingerprint key (HKDF-SHA-256, its own
    /// label) so the pseudonyms sent upstream never equal the fingerprints in the audit log.
    public let pseudonymKey: SymmetricKey

    public init(key: [UInt8]) {
        let key = SymmetricKey(data: key)
        self.keyed = HMAC<SHA256>(key: key)
        self.pseudonymKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Array("promptgate pseudonym v1".utf8), outputByteCount: 32)
    }

    /// Loads the key at `path`, creating a random 32-byte key (mode 0600) on first run.
    public static func loadOrCreate(path: String) throws -> Fingerprinter {
        if let data = FileManager.default.contents(atPath: path),
            let key = Data(
                hexEncoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            key.count >= 32
        {
            return Fingerprinter(key: Array(key))
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GateError.setup("cannot create \(path): \(String(cString: strerror(errno)))") }
        let text = Array((hexString(key) + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == text.count else { throw GateError.setup("cannot write \(path)") }
        return Fingerprinter(key: key)
    }

    /// The first 16 bytes of HMAC-SHA-256(key, type ‖ 0x00 ‖ value), hex.
    public func fingerprint(_ value: String, type: String) -> String {
        fingerprint(bytes: Array(value.utf8), type: type)
    }

    /// The same for raw bytes (an attachment that could not be screened).
    public func fingerprint(bytes: [UInt8], type: String) -> String {
        var hmac = keyed
        hmac.update(data: Array(type.utf8) + [0] + bytes)
        return hexString(Array(hmac.finalize()).prefix(16))
    }
}

extension Data {
    init?(hexEncoded text: String) {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
