/// The upstream's text per slot, kept for the audit log only up to a byte limit (the log clips it anyway) and
/// counted beyond it, so that a long streamed answer cannot grow the proxy's memory.
public struct LoggedText: Sendable {
    /// Bytes kept across all slots when a rewriter is not told otherwise.
    public static let defaultLimit = 64 << 10

    public let limit: Int
    /// The kept text per slot.
    public private(set) var slots: [String: String] = [:]
    /// Bytes kept, and bytes seen but not kept.
    public private(set) var kept = 0
    public private(set) var dropped = 0

    public init(limit: Int = LoggedText.defaultLimit) { self.limit = max(0, limit) }

    /// Adds `text` to `slot`, or as much of it as the limit leaves room for (whole characters). Once anything was
    /// left out, nothing more is kept: what is logged is always a prefix of what was sent.
    public mutating func append(_ text: String, to slot: String) {
        let count = text.utf8.count
        guard dropped == 0 else {
            dropped += count
            return
        }
        guard kept + count > limit else {
            slots[slot, default: ""] += text
            kept += count
            return
        }
        var room = limit - kept
        let bytes = Array(text.utf8)
        while room > 0 && room < bytes.count && bytes[room] & 0xC0 == 0x80 { room -= 1 }  // not mid-character
        if room > 0 {
            slots[slot, default: ""] += String(decoding: bytes[..<room], as: UTF8.self)
            kept += room
        }
        dropped += count - room
    }
}
