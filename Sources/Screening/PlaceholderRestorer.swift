/// Restores placeholders in an answer that arrives in pieces, holding back only a possible placeholder prefix at
/// the end of each piece (at most the longest placeholder's length), so streams stay streams.
///
/// Restored values are emitted as they are and never scanned again, so they cannot be re-masked. In text that is
/// JSON (a tool call's arguments), `jsonString` escapes each value as the inside of a JSON string, so a restored
/// `"` or `\` cannot break the arguments.
public struct PlaceholderRestorer: Sendable {
    private let vault: PlaceholderVault
    private let maxLength: Int
    private let jsonString: Bool
    private var pending: [UInt8] = []

    public init(vault: PlaceholderVault, jsonString: Bool = false) {
        self.vault = vault
        self.maxLength = vault.longestPlaceholder
        self.jsonString = jsonString
    }

    /// The text that can be emitted now for this piece.
    public mutating func feed(_ piece: String) -> String {
        if vault.isEmpty { return piece }
        pending.append(contentsOf: piece.utf8)
        return String(decoding: drain(final: false), as: UTF8.self)
    }

    /// Everything still held back, at the end of the stream.
    public mutating func finish() -> String {
        if vault.isEmpty { return "" }
        return String(decoding: drain(final: true), as: UTF8.self)
    }

    /// Bytes held back, for tests and metrics.
    public var heldBack: Int { pending.count }

    private static let open = UInt8(ascii: "["), close = UInt8(ascii: "]")

    private static func isPlaceholderByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    private mutating func drain(final: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pending.count)
        var i = 0
        var emittedUpTo = 0
        while i < pending.count {
            guard pending[i] == Self.open else {
                i += 1
                continue
            }
            // Find the shape [A-Z0-9_]* after '[' and see how it ends.
            var j = i + 1
            while j < pending.count, j - i < maxLength, Self.isPlaceholderByte(pending[j]) { j += 1 }
            if j < pending.count, pending[j] == Self.close {
                let candidate = String(decoding: pending[i...j], as: UTF8.self)
                if let value = vault.value(for: candidate) {
                    out.append(contentsOf: pending[emittedUpTo..<i])
                    out.append(contentsOf: jsonString ? Self.escaped(value) : Array(value.utf8))
                    emittedUpTo = j + 1
                    i = j + 1
                    continue
                }
                i += 1
            } else if j == pending.count && j - i < maxLength && !final {
                // Could still become a placeholder: hold back from '['.
                out.append(contentsOf: pending[emittedUpTo..<i])
                pending.removeSubrange(0..<i)
                return out
            } else {
                i += 1
            }
        }
        out.append(contentsOf: pending[emittedUpTo...])
        pending.removeAll(keepingCapacity: true)
        return out
    }

    /// `value` as the inside of a JSON string: `"`, `\\` and control characters escaped.
    static func escaped(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out
    }
}
