/// A cheaper expression for the prefilter pass, derived from a pattern by dropping a leading run of character classes.
///
/// Hyperscan is fast when a pattern has a rare literal to look for, and slow when it must start an automaton at
/// every byte a leading class allows: `\b[A-Za-z0-9][A-Za-z0-9._%+-]*@…` runs on every letter of the text, while
/// `@…` waits for an `@`. The e-mail, IPv6, date and IPv4 patterns alone made up over a third of the whole scan.
///
/// Any *suffix* of a pattern matches wherever the pattern matches, with the same end (a match of `A·B` ending at `e`
/// contains a match of `B` ending at `e`). The prefilter only needs the ends, and the per-pattern confirmation pass
/// then runs the *whole* pattern, with start tracking, in a window before each end — so using the suffix there
/// finds exactly the same matches, only with a few more windows to confirm.
///
/// The derivation is deliberately narrow, and gives nil (use the pattern as written) whenever it is unsure:
/// - it reads the pattern's top level only: character classes, escapes, groups and quantifiers, byte by byte as
///   Hyperscan does without `HS_FLAG_UTF8`; a top-level `|`, a look-around, `\Q…\E`, `\p{…}` or an inline flag
///   group after the start make it give up;
/// - it drops leading *class-like* atoms — assertions (`\b`, `^`), character classes and class escapes with any
///   quantifier, whitespace, anything optional, and groups made only of those — and cuts at the first atom that
///   is a punctuation literal or a class of punctuation only (`@`, `-`, `\.`, `\(`, `[/.-]`, `:`), which is rare in
///   prose;
/// - a quantified group (`(?:[0-9A-Fa-f]{1,4}:){7}`) whose content itself reduces is unrolled once
///   (`:(?:[0-9A-Fa-f]{1,4}:){6}`);
/// - failing a punctuation anchor, it cuts at the first digit or class of digits only, dropping the word boundary
///   and classes before it (`\b[A-Z]{2}\d{7}\b` → `\d{7}\b`, `\b\d{9}\b` → `\d{9}\b`): prose has few digits, and
///   a leading `\b` or letter class makes the engine follow every word of the text in one big automaton (the
///   identifiers' patterns together were most of a prose scan); a first digit narrower than `\d` (`9`, `[2-6]`) is
///   dropped too when one that takes any digit follows after classes and optional atoms only (`[2-6]\d{3}` →
///   `\d{3}`): patterns that begin with `\d` share the engine's work over a run of digits;
/// - if a letter or a group of words comes first, the pattern is already anchored on a literal and is kept
///   (`\b(?:AKIA|…)`, `(?i)\b(?:diagnosis|…)`);
/// - leading inline flags (`(?i)`, `(?im)`) are kept in front of the result.
enum PrefilterExpression {
    /// The prefilter form of `expression`, or nil when it should be scanned as written.
    static func derive(_ expression: String) -> String? {
        PatternSyntax(expression).flatMap(derive)
    }

    /// The prefilter form of a pattern already read, or nil when it should be scanned as written.
    static func derive(_ syntax: PatternSyntax) -> String? {
        guard syntax.top.alternatives.count == 1 else { return nil }
        let atoms = syntax.top.alternatives[0].drop(while: \.isFlags)
        guard let reduced = reduce(atoms, anchor: .punctuation) ?? reduce(atoms, anchor: .digits) else { return nil }
        return String(decoding: syntax.leadingFlags + reduced, as: UTF8.self)
    }

    /// What a form may begin with.
    private enum Anchor {
        /// A punctuation literal or class that must occur, after at least one dropped class.
        case punctuation
        /// A class of digits only (`\d`, `[2-9]`, `4`) that must occur, after at least one dropped class or
        /// assertion: without a leading `\b` or letters before it, the engine's automaton waits for a digit instead
        /// of following every word of the text.
        case digits
    }

    /// The bytes of `atoms` from the first `anchor` on, or nil when nothing could be dropped before one.
    private static func reduce(_ atoms: ArraySlice<Atom>, anchor: Anchor) -> [UInt8]? {
        var droppedAny = false
        var droppedAssertion = false
        for index in atoms.indices {
            let atom = atoms[index]
            let rest = atoms[(index + 1)...].flatMap(\.text)
            switch anchor {
            case .punctuation where atom.isPunctuationAnchor:
                return droppedAny ? atom.text + rest : nil
            case .digits where atom.isDigitAnchor:
                if let wider = widerDigits(after: index, in: atoms) { return atoms[wider...].flatMap(\.text) }
                return droppedAny || droppedAssertion ? atom.text + rest : nil
            default: break
            }
            if case .group(let opener, let content) = atom.kind, atom.minimum >= 1, content.alternatives.count == 1,
                opener == Array("(?:".utf8) || opener == Array("(".utf8),
                let inner = reduce(content.alternatives[0][...], anchor: anchor), let remaining = atom.withOneFewer()
            {
                return inner + remaining + rest
            }
            guard atom.isClassLike else { return nil }
            if case .assertion = atom.kind {
                // Only a word boundary: a line anchor means something else at the start of a window.
                guard anchor == .punctuation || atom.text == Array(#"\b"#.utf8) else { return nil }
                droppedAssertion = true
            } else {
                droppedAny = true
            }
        }
        return nil
    }

    /// Where the form may begin instead of at `anchor`, a digit or class of digits that is not every digit (`9`,
    /// `[2-6]`): at the first atom after it matching any digit (`\d`, `[0-9]`) that must occur, when only classes
    /// and optional atoms come between (`[1-8][ -]?\d{4}` → `\d{4}`, `3[47]\d{2}` → `\d{2}`,
    /// `[1-9][A-Z][A-Z0-9]\d` → `\d`). The engine shares the work of the many patterns that begin with `\d` over a
    /// run of digits, and runs each one that begins with a narrower class as a separate automaton (the digit-gated
    /// entries ~35 % faster on prose). Nil when no such atom follows: the form then begins at `anchor`.
    private static func widerDigits(after anchor: Int, in atoms: ArraySlice<Atom>) -> Int? {
        guard atoms[anchor].isNarrowDigits else { return nil }
        for index in atoms[(anchor + 1)...].indices {
            let atom = atoms[index]
            if atom.isDigitAnchor, !atom.isNarrowDigits { return index }
            if atom.isNarrowDigits { continue }
            if case .bytes = atom.kind, atom.isClassLike { continue }
            guard atom.minimum == 0 else { return nil }
        }
        return nil
    }
}

extension Atom {
    /// A digit or class of digits that must occur but does not take every digit (`9`, `[2-6]`).
    fileprivate var isNarrowDigits: Bool {
        guard isDigitAnchor, case .bytes(let set, _) = kind else { return false }
        return set != .digits
    }

    /// A punctuation literal, or a class of punctuation only, that must occur: what Hyperscan can look for cheaply
    /// in prose. A group is one when each of its alternatives begins with one.
    fileprivate var isPunctuationAnchor: Bool {
        guard minimum >= 1 else { return false }
        switch kind {
        case .bytes(let set, _): return set.isSubset(of: .punctuation)
        case .group(_, let content):
            return content.alternatives.allSatisfy { $0.first?.isPunctuationAnchor ?? false }
        case .assertion, .flags: return false
        }
    }

    /// A digit or a class of digits only that must occur.
    fileprivate var isDigitAnchor: Bool {
        guard minimum >= 1, case .bytes(let set, _) = kind else { return false }
        return set.isSubset(of: .digits)
    }

    /// Cheap to lose: an assertion, a class, whitespace, anything optional, or a group made only of such atoms.
    fileprivate var isClassLike: Bool {
        if minimum == 0 { return true }
        switch kind {
        case .assertion: return true
        case .bytes(let set, let literal): return !literal || set.isSubset(of: PatternSyntax.whitespace)
        case .group(_, let content): return content.alternatives.allSatisfy { $0.allSatisfy(\.isClassLike) }
        case .flags: return false
        }
    }

    /// The same atom repeated once less (empty when that leaves nothing), or nil when the quantifier is not a
    /// count (`?`, `*`).
    fileprivate func withOneFewer() -> [UInt8]? {
        guard let quantifier else { return [] }
        let newMin = quantifier.min - 1
        guard newMin >= 0 else { return nil }
        switch quantifier.max {
        case nil:
            return body + Array("{\(newMin),}".utf8) + quantifier.suffix
        case let max? where max - 1 == 0:
            return []
        case let max?:
            let counts = newMin == max - 1 ? "{\(newMin)}" : "{\(newMin),\(max - 1)}"
            return body + Array(counts.utf8) + quantifier.suffix
        }
    }
}

extension PrefilterExpression {
    /// Patterns whose prefilter forms differ only in one group of alternatives (the four street-address patterns,
    /// each with a quarter of the street types: `\d{1,6}… (?:Abbey|Aly|…)\b…`), scanned as one expression with the
    /// alternatives joined. Each such pattern alone is cheap to scan, but the engine runs a separate automaton for
    /// each over every capitalised word after a number; joined, one does the work of four (prose: the prefilter
    /// pass ~1.5× as fast). The joined form matches wherever any of them does, so its ends are given to each
    /// pattern of the share, and each one's confirmation keeps only its own matches.
    ///
    /// `eligible` are the patterns that are confirmed by a start-tracking scan and scanned in a shorter form (never
    /// one scanned as written: every end reported for it is taken as its own). Returns, per pattern, the pattern
    /// whose entry in the prefilter scans it (itself when it shares none), and the joined expression of each entry
    /// shared by more than one.
    static func shares(_ scanned: [String], flags: [UInt32], eligible: [Bool]) -> (owners: [Int], joined: [Int: String])
    {
        var owners = Array(scanned.indices)
        var parts: [Int: (before: [UInt8], contents: [[UInt8]], after: [UInt8])] = [:]
        var bySignature: [[UInt8]: Int] = [:]
        for index in scanned.indices where eligible[index] {
            guard let syntax = PatternSyntax(scanned[index]), syntax.top.alternatives.count == 1 else { continue }
            let atoms = syntax.top.alternatives[0]
            // The largest group of alternatives, taken once, is what may differ.
            var largest: Int?
            for (position, atom) in atoms.enumerated() {
                guard case .group(let opener, let content) = atom.kind, opener == Array("(?:".utf8),
                    atom.quantifier == nil, content.alternatives.count > 1
                else { continue }
                if largest.map({ atoms[$0].text.count < atom.text.count }) ?? true { largest = position }
            }
            guard let position = largest else { continue }
            let before = atoms[..<position].flatMap(\.text)
            let after = atoms[(position + 1)...].flatMap(\.text)
            let content = Array(atoms[position].text.dropFirst(3).dropLast())
            let signature = Array("\(flags[index])\u{0}".utf8) + before + [0] + after
            if let owner = bySignature[signature] {
                owners[index] = owner
                parts[owner]?.contents.append(content)
            } else {
                bySignature[signature] = index
                parts[index] = (before, [content], after)
            }
        }
        var joined: [Int: String] = [:]
        for (owner, part) in parts where part.contents.count > 1 {
            let alternatives = part.contents.joined(separator: [UInt8(ascii: "|")])
            joined[owner] = String(
                decoding: part.before + Array("(?:".utf8) + alternatives + [41] + part.after, as: UTF8.self)
        }
        for index in owners.indices where joined[owners[index]] == nil { owners[index] = index }
        return (owners, joined)
    }
}
