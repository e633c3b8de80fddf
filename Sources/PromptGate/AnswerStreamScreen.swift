import Screening

/// Screens one slot of a streamed answer (a choice's content, a tool call's arguments) as it arrives: each piece
/// gives the text the client gets and the text the audit log keeps (every answer finding a placeholder), from the
/// same settled bytes.
///
/// Each piece is scanned together with the text still held and up to ``AnswerStreamScreen/contextBytes`` of the
/// text already sent (for context words and word boundaries). What is held back is what could still be part of a
/// value the next piece completes: the last ``wordsHeld`` words, and everything from the first word that looks like
/// part of a value (a digit, a symbol, a run of capitals) — but never more than `holdBack` bytes
/// (``GateConfiguration/answerHoldBackBytes``, 256 by default: longer than the bounded patterns of the packs plus
/// their context windows). A finding that reaches into the held text is held from its first byte, whatever its
/// length (a private-key block), up to ``maxHold``; at the slot's end everything is settled. A value made only of
/// more than ``wordsHeld`` plain words whose first words went out before its last arrived is still found, recorded
/// and its rest redacted (or blocked), but its first words have gone out.
struct AnswerStreamScreen: Sendable {
    private let answers: AnswerScreening
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

    init(answers: AnswerScreening, holdBack: Int) {
        self.answers = answers
        self.holdBack = max(0, holdBack)
    }

    /// Bytes held back now, for tests.
    var heldBack: Int { pending.count }

    /// The text that can be sent now for this piece, and the log's version of it.
    mutating func feed(_ piece: String) -> (delivered: String, logged: String) {
        guard !stopped else { return ("", "") }
        pending += Array(piece.utf8)
        return release(final: pending.count > Self.maxHold)
    }

    /// Everything still held, settled, at the slot's end.
    mutating func finish() -> (delivered: String, logged: String) {
        guard !stopped else { return ("", "") }
        return release(final: true)
    }

    private mutating func release(final: Bool) -> (delivered: String, logged: String) {
        if answers.block != nil {
            // Another slot blocked the answer: nothing more goes out.
            stopped = true
            return ("", "")
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
        var cut = final ? pending.count : heldFrom()
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
        guard cut > 0 else { return ("", "") }
        let released = found.filter { $0.end <= cut }
        let (delivered, logged, block) = answers.rewrite(pending[..<cut], released, stopAtBlock: true)
        answers.record(released.filter { f in block.map { f.start <= $0.start } ?? true })
        if block != nil {
            stopped = true
            pending.removeAll()
        } else {
            send(cut)
        }
        return (String(decoding: delivered, as: UTF8.self), String(decoding: logged, as: UTF8.self))
    }

    /// Where the held-back text starts: the last ``wordsHeld`` words, and every word from the first one in the last
    /// `holdBack` bytes that looks like part of a value (a digit, a symbol, a run of capitals) — values are made of
    /// those, and the context words that make some of them findings come within 100 bytes after them. Text older
    /// than `holdBack` bytes always goes.
    private func heldFrom() -> Int {
        let limit = max(0, pending.count - holdBack)
        var words: [Range<Int>] = []
        var i = pending.count
        while i > limit {
            var start = i
            while start > limit && !Self.isSpace(pending[start - 1]) { start -= 1 }
            if start < i { words.append(start..<i) }
            i = start
            while i > limit && Self.isSpace(pending[i - 1]) { i -= 1 }
        }
        // `words` runs from the last word back.
        var from = words.count >= Self.wordsHeld ? words[Self.wordsHeld - 1].lowerBound : limit
        if let first = words.last(where: { Self.looksLikeValue(pending[$0]) }) { from = min(from, first.lowerBound) }
        var cut = max(limit, from)
        while cut > 0 && cut < pending.count && pending[cut] & 0xC0 == 0x80 { cut -= 1 }  // not mid-character
        return cut
    }

    /// Words always held at the end: a value made only of words (a name, a street, a phrase) may still grow.
    static let wordsHeld = 4

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// A word with anything but letters and sentence punctuation in it, or four capitals or digits in a row.
    private static func looksLikeValue(_ word: ArraySlice<UInt8>) -> Bool {
        var capitals = 0
        for b in word {
            let upper = b >= 0x41 && b <= 0x5A
            capitals = upper ? capitals + 1 : 0
            if capitals >= 4 { return true }
            let letter = upper || (b >= 0x61 && b <= 0x7A) || b >= 0x80
            if !letter && !prose.contains(b) { return true }
        }
        return false
    }

    private static let prose: Set<UInt8> = Set(",.;!?'\"()".utf8)

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
