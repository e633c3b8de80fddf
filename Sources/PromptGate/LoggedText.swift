import Providers

/// The answer's text per stream slot as the audit log keeps it, up to a byte limit (the log clips it anyway) and
/// counted beyond it, so that a long streamed answer cannot grow the proxy's memory. Kept by the transformer that
/// sees every piece (``PlaceholderStreamTransformer``), next to what it delivers.
struct LoggedText: Sendable {
    /// Bytes kept across all slots when a transformer is not told otherwise.
    static let defaultLimit = 64 << 10

    let limit: Int
    /// The kept text per slot.
    private(set) var slots: [StreamSlot: String] = [:]
    /// Bytes kept, and bytes seen but not kept.
    private(set) var kept = 0
    private(set) var dropped = 0

    init(limit: Int = LoggedText.defaultLimit) { self.limit = max(0, limit) }

    /// The kept text of all slots, in the order the answer reads, one slot a line.
    var text: String { slots.keys.sorted().map { slots[$0] ?? "" }.joined(separator: "\n") }

    /// Adds `text` to `slot`, or as much of it as the limit leaves room for (whole characters). Once anything was
    /// left out, nothing more is kept: what is logged is always a prefix of what was sent.
    mutating func append(_ text: String, to slot: StreamSlot) {
        guard !text.isEmpty else { return }
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
