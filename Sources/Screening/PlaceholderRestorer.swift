/// Restores placeholders in an answer that arrives in pieces, holding back only a possible placeholder prefix at
/// the end of each piece (at most the longest placeholder's length), so streams stay streams.
///
/// Restored values are emitted as they are and never scanned again, so they cannot be re-masked.
public struct PlaceholderRestorer: Sendable {
    private let vault: PlaceholderVault
    private let maxLength: Int
    private var pending: [UInt8] = []

    public init(vault: PlaceholderVault) {
        self.vault = vault
        self.maxLength = vault.longestPlaceholder
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
                    out.append(contentsOf: value.utf8)
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
}
