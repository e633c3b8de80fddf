import Screening

/// Screens one slot of a streamed answer (a choice's content, a tool call's arguments) as it arrives.
///
/// Each piece is scanned together with the text still held and up to ``AnswerStreamScreen/contextBytes`` of the
/// text already sent (for context words and word boundaries). What is sent now is everything but the last
/// `holdBack` bytes (``GateConfiguration/answerHoldBackBytes``, 256 by default — longer than the bounded patterns
/// of the packs plus their context windows): any value that may still be completed by the next piece starts in
/// those bytes, so none of it has gone out when it is found. A finding that reaches into the held bytes is held
/// from its first byte, whatever its length (a private-key block), up to ``maxHold``; at the slot's end
/// everything is settled.
struct AnswerStreamScreen: Sendable {
    private let answers: AnswerScreening
    private let slot: String
    private let holdBack: Int
    /// Text already sent, kept for context (at most ``contextBytes``).
    private var context: [UInt8] = []
    /// Text received but not yet sent.
    private var pending: [UInt8] = []
    private var stopped = false

    /// Bytes of already-sent text scanned again with each piece.
    static let contextBytes = 256
    /// A finding still growing past this many held bytes is settled as it stands.
    static let maxHold = 64 << 10

    init(answers: AnswerScreening, slot: String, holdBack: Int) {
        self.answers = answers
        self.slot = slot
        self.holdBack = max(0, holdBack)
    }

    /// Bytes held back now, for tests.
    var heldBack: Int { pending.count }

    /// The text that can be sent now for this piece.
    mutating func feed(_ piece: String) -> String {
        guard !stopped else { return "" }
        pending += Array(piece.utf8)
        return release(final: pending.count > Self.maxHold)
    }

    /// Everything still held, settled, at the slot's end.
    mutating func finish() -> String {
        guard !stopped else { return "" }
        return release(final: true)
    }

    private mutating func release(final: Bool) -> String {
        if answers.block != nil {
            // Another slot blocked the answer: nothing more goes out.
            stopped = true
            return ""
        }
        let offset = context.count
        // Offsets relative to `pending`. Findings wholly in text already sent were handled when it was sent; one
        // that began there (it only became a finding now) covers the start of `pending`.
        let found = answers.findings(in: String(decoding: context + pending, as: UTF8.self)).compactMap {
            finding -> Finding? in
            guard finding.end > offset else { return nil }
            var f = finding
            f.start = max(0, f.start - offset)
            f.end -= offset
            return f
        }
        let settledUpTo = final ? pending.count : max(0, pending.count - holdBack)
        var cut = settledUpTo
        while cut > 0 && cut < pending.count && pending[cut] & 0xC0 == 0x80 { cut -= 1 }  // not mid-character
        // A finding that reaches into the held bytes (it may still grow) or that the cut would split is held from
        // its first byte.
        var lowered = true
        while lowered {
            lowered = false
            for f in found where f.start < cut && f.end > cut {
                cut = f.start
                lowered = true
            }
        }
        guard cut > 0 else { return "" }
        let released = found.filter { $0.end <= cut }
        let (delivered, logged, block) = answers.rewrite(pending[..<cut], released, stopAtBlock: true)
        answers.record(released.filter { f in block.map { f.start <= $0.start } ?? true })
        answers.appendLogged(String(decoding: logged, as: UTF8.self), slot: slot)
        if block != nil {
            stopped = true
            pending.removeAll()
        } else {
            send(cut)
        }
        return String(decoding: delivered, as: UTF8.self)
    }

    /// Moves the first `count` pending bytes to the context.
    private mutating func send(_ count: Int) {
        context += pending[..<count]
        pending.removeFirst(count)
        if context.count > Self.contextBytes {
            var start = context.count - Self.contextBytes
            while start < context.count && context[start] & 0xC0 == 0x80 { start += 1 }
            context.removeFirst(start)
        }
    }
}
