import Crypto

/// A named, versioned set of rules from one YAML file under `guidelines/`.
public struct GuidelinePack: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var version: String
    public var rules: [Rule]
    /// Where the pack came from (a path, or `embedded:NAME`).
    public var origin: String
    /// SHA-256 (hex) of the file's bytes: identifies exactly the rules in force.
    public var contentHash: String

    public init(id: String, title: String, version: String, rules: [Rule], origin: String, contentHash: String) {
        self.id = id
        self.title = title
        self.version = version
        self.rules = rules
        self.origin = origin
        self.contentHash = contentHash
    }

    /// One hash over several packs (sorted by id), recorded in every audit entry as the guideline version in force.
    public static func combinedHash(_ packs: [GuidelinePack]) -> String {
        var hasher = SHA256()
        for pack in packs.sorted(by: { $0.id < $1.id }) {
            hasher.update(data: Array("\(pack.id)\n\(pack.contentHash)\n".utf8))
        }
        return hexString(hasher.finalize())
    }
}

extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef".utf8)
        self = String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}

/// Lowercase hex of bytes.
func hexString(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format2: $0) }.joined() }
