import Synchronization

/// A pattern read fully into a position (Glushkov) automaton over bytes, which finds what a start-tracking
/// (`HS_FLAG_SOM_LEFTMOST`) Hyperscan database finds in a buffer: every offset a match ends at, once, with the
/// leftmost start of a match ending there. ``PatternDatabase`` confirms a window with it instead of with the engine
/// when the pattern is simple enough to read here: no call into the engine per window, and, where the window reads
/// as the whole text does, only the ends the prefilter reported are walked back from. On dense text it confirms
/// nearly all windows (the engine keeps the street-address patterns: line anchors, hundreds of positions); it does
/// not make a window cheaper to confirm than the engine by much, so the saving is a part of the confirmation pass.
///
/// Each byte class written becomes a position (a class repeated `{n,m}` becomes `m` positions, `m − n` of them
/// optional; `{n,}` is `n` positions and a loop), at most ``capacity`` of them. Word boundaries (`\b`, `\B`) become
/// conditions on the edges between positions, on the first positions (the byte before the match) and on the last
/// (the byte after it): each set of positions is kept twice, once for a boundary at that point and once for none.
/// The buffer is read as Hyperscan reads it without `HS_FLAG_UTF8`: one byte is one character, a word byte is
/// `[A-Za-z0-9_]`, outside the buffer is not a word byte, case folds for ASCII letters only, and `.` matches every
/// byte but a line feed (no `s` flag).
///
/// What it does not read (line anchors, possessive quantifiers, a pattern that can match the empty text, anything
/// ``PatternSyntax`` does not read, more positions than ``capacity``) it refuses, and the engine confirms the pattern
/// as before.
final class PositionAutomaton: Sendable {
    /// The most positions an automaton holds.
    static let capacity = 128

    /// A set of positions.
    struct Positions: Equatable, Sequence {
        var low: UInt64 = 0
        var high: UInt64 = 0

        static func single(_ position: Int) -> Positions {
            position < 64 ? Positions(low: 1 << UInt64(position)) : Positions(high: 1 << UInt64(position - 64))
        }

        var isEmpty: Bool { low | high == 0 }

        static func | (a: Positions, b: Positions) -> Positions { Positions(low: a.low | b.low, high: a.high | b.high) }
        static func & (a: Positions, b: Positions) -> Positions { Positions(low: a.low & b.low, high: a.high & b.high) }
        static prefix func ~ (a: Positions) -> Positions { Positions(low: ~a.low, high: ~a.high) }

        func contains(_ position: Int) -> Bool { !(self & .single(position)).isEmpty }

        /// The positions in the set, in order.
        struct Iterator: IteratorProtocol {
            var low: UInt64
            var high: UInt64

            mutating func next() -> Int? {
                if low != 0 {
                    defer { low &= low &- 1 }
                    return low.trailingZeroBitCount
                }
                guard high != 0 else { return nil }
                defer { high &= high &- 1 }
                return 64 + high.trailingZeroBitCount
            }
        }

        func makeIterator() -> Iterator { Iterator(low: low, high: high) }
    }

    /// Positions, or a condition, split by whether there is a word boundary at the point they are read at: index 1
    /// with one, index 0 without.
    struct Split: Equatable {
        var without = Positions()
        var with = Positions()

        subscript(boundary: Bool) -> Positions { boundary ? with : without }

        static func | (a: Split, b: Split) -> Split { Split(without: a.without | b.without, with: a.with | b.with) }

        /// The positions kept only where `condition` allows the point they are read at.
        func when(_ condition: Condition) -> Split {
            Split(
                without: condition.without ? without : Positions(),
                with: condition.with ? with : Positions())
        }
    }

    /// Where a part may match the empty text: with a word boundary at that point, without one, both or neither.
    struct Condition: Equatable {
        var without: Bool
        var with: Bool

        static let always = Condition(without: true, with: true)
        static let never = Condition(without: false, with: false)

        static func && (a: Condition, b: Condition) -> Condition {
            Condition(without: a.without && b.without, with: a.with && b.with)
        }
        static func || (a: Condition, b: Condition) -> Condition {
            Condition(without: a.without || b.without, with: a.with || b.with)
        }
    }

    /// Per byte: the positions that match it.
    let reach: [Positions]
    /// Where a match may start, by whether a word boundary is before its first byte.
    let first: Split
    /// Where a match may end, by whether a word boundary is after its last byte.
    let last: Split
    /// Per position: the positions that may follow it, by whether a word boundary is between their bytes.
    let follow: [Split]
    /// What walking back reads, in one allocation: ``reach``, then `first` and `last` without and with a
    /// boundary, then each position's predecessors (`follow` read backwards) without and with one.
    private let backward: Table

    /// A fixed block of position sets, freed with the automaton.
    final class Table: @unchecked Sendable {
        let base: UnsafeMutablePointer<Positions>

        init(count: Int) {
            base = .allocate(capacity: count)
            base.initialize(repeating: Positions(), count: count)
        }

        deinit { base.deallocate() }

        static let first = 256
        static let last = 258
        static let precede = 260
    }

    /// The number of positions.
    var count: Int { follow.count }

    /// The automaton of `syntax` compiled with `caseless` (`HS_FLAG_CASELESS`); nil when it holds something not read
    /// here (see the type's description).
    init?(_ syntax: PatternSyntax, caseless: Bool) {
        var builder = Builder()
        guard let whole = builder.alternation(syntax.top, flags: Builder.Flags(caseless: caseless, dotAll: false)),
            whole.nullable == .never, builder.classes.count <= Self.capacity
        else { return nil }
        var reach = [Positions](repeating: Positions(), count: 256)
        for (position, set) in builder.classes.enumerated() {
            for byte in 0...255 where set.contains(UInt8(byte)) { reach[byte] = reach[byte] | .single(position) }
        }
        self.reach = reach
        self.first = whole.first
        self.last = whole.last
        self.follow = builder.follow
        let table = Table(count: Table.precede + 2 * builder.follow.count)
        let base = table.base
        for byte in 0..<256 { base[byte] = reach[byte] }
        (base[Table.first], base[Table.first + 1]) = (whole.first.without, whole.first.with)
        (base[Table.last], base[Table.last + 1]) = (whole.last.without, whole.last.with)
        for (position, next) in builder.follow.enumerated() {
            for target in next.without {
                base[Table.precede + 2 * target] = base[Table.precede + 2 * target] | .single(position)
            }
            for target in next.with {
                base[Table.precede + 2 * target + 1] = base[Table.precede + 2 * target + 1] | .single(position)
            }
        }
        self.backward = table
    }

    /// The matches a start-tracking scan of `text[window]` finds (see ``matches(in:offset:pattern:into:)``), given
    /// `ends`, ascending: every offset in the window where a match of the pattern ends in the whole text (the
    /// prefilter's ends, and maybe more). When the byte before the window is not a word byte, the window reads as the
    /// whole text does for every match inside it, so its matches end only at `ends` and each is found by walking
    /// back from its end (at most the pattern's width, or to the window's start); else, or when walking back costs
    /// more than a few passes over the window would, the window is read forwards.
    func matches(
        in text: UnsafeRawBufferPointer, window: Range<Int>, ends: some Sequence<Int>, pattern: Int,
        into list: inout [PatternDatabase.Match]
    ) {
        let low = window.lowerBound
        if low == 0 || !Self.isWord(text[low - 1]) {
            let before = list.count
            var budget = 4 * window.count + 256
            var previous = -1
            for end in ends where end != previous && end > low && end <= window.upperBound {
                previous = end
                if let start = leftmostStart(in: text, from: low, to: end, budget: &budget) {
                    list.append(PatternDatabase.Match(pattern: pattern, start: start, end: end))
                }
                guard budget > 0 else {
                    list.removeSubrange(before...)
                    break
                }
            }
            if budget > 0 { return }
        }
        matches(in: UnsafeRawBufferPointer(rebasing: text[window]), offset: low, pattern: pattern, into: &list)
    }

    /// The leftmost start at or after `low` of a match ending at `end` in `text`, nil when none ends there; each byte
    /// walked back costs one of `budget`.
    private func leftmostStart(in text: UnsafeRawBufferPointer, from low: Int, to end: Int, budget: inout Int) -> Int? {
        let table = backward.base
        let after = end < text.count && Self.isWord(text[end])
        var word = Self.isWord(text[end - 1])
        var state = table[Table.last + (word != after ? 1 : 0)] & table[Int(text[end - 1])]
        var leftmost: Int?
        var index = end - 1
        while !state.isEmpty {
            let wordBefore = index > low && Self.isWord(text[index - 1])
            let boundary = wordBefore != word ? 1 : 0
            if !(state & table[Table.first + boundary]).isEmpty { leftmost = index }
            guard index > low else { break }
            budget -= 1
            var previous = Positions()
            for position in state { previous = previous | table[Table.precede + 2 * position + boundary] }
            index -= 1
            state = previous & table[Int(text[index])]
            word = wordBefore
        }
        return leftmost
    }

    @inline(__always)
    static func isWord(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || byte == 0x5F
    }

    /// Every match in the buffer, as a start-tracking Hyperscan scan of it reports them: for each offset a match ends
    /// at (in order), the leftmost start of a match ending there; both shifted by `offset`, reported as `pattern`.
    func matches(
        in bytes: UnsafeRawBufferPointer, offset: Int, pattern: Int, into list: inout [PatternDatabase.Match]
    ) {
        let count = bytes.count
        guard count > 0 else { return }
        let positions = self.count
        reach.withUnsafeBufferPointer { reach in
            follow.withUnsafeBufferPointer { follow in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * positions) { starts in
                    // The leftmost start of the paths reaching each position in `state` (`current`), and those
                    // being built for the next byte (`next`).
                    var current = starts.baseAddress!
                    var next = current + positions
                    var state = Positions()
                    var wordBefore = false
                    var byte = bytes[0]
                    var word = Self.isWord(byte)
                    for index in 0..<count {
                        let boundary = wordBefore != word
                        let reached = reach[Int(byte)]
                        var stepped = Positions()
                        for position in state {
                            let start = current[position]
                            let targets = follow[position][boundary] & reached
                            for target in targets & ~stepped { next[target] = start }
                            for target in targets & stepped where start < next[target] { next[target] = start }
                            stepped = stepped | targets
                        }
                        let fresh = first[boundary] & reached & ~stepped
                        for target in fresh { next[target] = index }
                        state = stepped | fresh
                        swap(&current, &next)
                        let after = index + 1 < count ? bytes[index + 1] : 0
                        let wordAfter = index + 1 < count && Self.isWord(after)
                        if !state.isEmpty {
                            let ending = state & last[word != wordAfter]
                            if !ending.isEmpty {
                                var start = Int.max
                                for position in ending { start = min(start, current[position]) }
                                list.append(
                                    PatternDatabase.Match(
                                        pattern: pattern, start: start + offset, end: index + 1 + offset))
                            }
                        }
                        wordBefore = word
                        byte = after
                        word = wordAfter
                    }
                }
            }
        }
    }
}

extension PositionAutomaton {
    /// The automata of a database's patterns, each built the first time a scan confirms its pattern: a process that
    /// screens one short text builds the few it needs, not the hundreds of the packs.
    ///
    /// Unchecked: `sources` is never changed after `init` (PatternSyntax is a value that does not declare
    /// `Sendable`), and the slots are behind a lock.
    final class Set: @unchecked Sendable {
        /// A pattern's automaton, not built yet, or refused (none: the engine confirms it).
        enum Slot: Sendable {
            case unbuilt
            case refused
            case built(PositionAutomaton)
        }

        /// Per pattern: its syntax and whether it is compiled caseless; nil for a pattern never confirmed in windows.
        private let sources: [(syntax: PatternSyntax, caseless: Bool)?]
        private let slots: Mutex<[Slot]>

        init(_ sources: [(syntax: PatternSyntax, caseless: Bool)?]) {
            self.sources = sources
            self.slots = Mutex(sources.map { $0 == nil ? .refused : .unbuilt })
        }

        /// The slots as built so far (a scan reads its own copy, and asks for more with ``automaton(_:built:)``).
        var built: [Slot] { slots.withLock { $0 } }

        /// `pattern`'s automaton, nil when it has none; built if no scan has yet, `built` then brought up to date.
        func automaton(_ pattern: Int, built: inout [Slot]) -> PositionAutomaton? {
            switch built[pattern] {
            case .built(let automaton): return automaton
            case .refused: return nil
            case .unbuilt:
                built = slots.withLock { slots in
                    if case .unbuilt = slots[pattern], let source = sources[pattern] {
                        slots[pattern] =
                            PositionAutomaton(source.syntax, caseless: source.caseless).map { .built($0) } ?? .refused
                    }
                    return slots
                }
                guard case .built(let automaton) = built[pattern] else { return nil }
                return automaton
            }
        }
    }
}

/// Builds a ``PositionAutomaton`` from a ``PatternSyntax``, part by part (the Glushkov construction with conditions).
private struct Builder {
    /// The inline flags in force.
    struct Flags {
        var caseless: Bool
        var dotAll: Bool
    }

    /// A part of the pattern: the positions it may start and end with, and where it matches the empty text.
    struct Part {
        var first = PositionAutomaton.Split()
        var last = PositionAutomaton.Split()
        var nullable = PositionAutomaton.Condition.always
    }

    /// Per position: its bytes.
    var classes: [ByteSet] = []
    /// Per position: what may follow it.
    var follow: [PositionAutomaton.Split] = []

    /// Lets each position of `ends` be followed by each of `starts`, where both allow the boundary between them.
    mutating func link(_ ends: PositionAutomaton.Split, to starts: PositionAutomaton.Split) {
        for position in ends.with { follow[position].with = follow[position].with | starts.with }
        for position in ends.without { follow[position].without = follow[position].without | starts.without }
    }

    /// `a` then `b`: every end of `a` may be followed by every start of `b`, where both allow the boundary there.
    mutating func concatenate(_ a: Part, _ b: Part) -> Part {
        link(a.last, to: b.first)
        return Part(
            first: a.first | b.first.when(a.nullable), last: b.last | a.last.when(b.nullable),
            nullable: a.nullable && b.nullable)
    }

    mutating func alternation(_ alternation: Alternation, flags: Flags) -> Part? {
        var whole = Part(nullable: .never)
        for atoms in alternation.alternatives {
            var flags = flags
            var sequence = Part()
            for atom in atoms {
                if case .flags = atom.kind {
                    guard let changed = Self.flags(atom.body, from: flags) else { return nil }
                    flags = changed
                    continue
                }
                guard let part = self.atom(atom, flags: flags) else { return nil }
                sequence = concatenate(sequence, part)
            }
            whole = Part(
                first: whole.first | sequence.first, last: whole.last | sequence.last,
                nullable: whole.nullable || sequence.nullable)
        }
        return whole
    }

    /// `atom` with its quantifier: `min` copies, then `max − min` optional ones (or a loop when unbounded).
    mutating func atom(_ atom: Atom, flags: Flags) -> Part? {
        guard let quantifier = atom.quantifier else { return once(atom, flags: flags) }
        guard quantifier.suffix != [UInt8(ascii: "+")] else { return nil }
        var whole = Part()
        for _ in 0..<quantifier.min {
            guard let copy = once(atom, flags: flags) else { return nil }
            whole = concatenate(whole, copy)
            guard classes.count <= PositionAutomaton.capacity else { return nil }
        }
        guard let max = quantifier.max else {
            guard var loop = once(atom, flags: flags) else { return nil }
            link(loop.last, to: loop.first)
            loop.nullable = .always
            return concatenate(whole, loop)
        }
        for _ in quantifier.min..<max {
            guard var copy = once(atom, flags: flags) else { return nil }
            copy.nullable = .always
            whole = concatenate(whole, copy)
            guard classes.count <= PositionAutomaton.capacity else { return nil }
        }
        return whole
    }

    /// One copy of `atom`, without its quantifier.
    mutating func once(_ atom: Atom, flags: Flags) -> Part? {
        switch atom.kind {
        case .assertion(let lineAnchor):
            guard !lineAnchor else { return nil }
            switch atom.body {
            case Array(#"\b"#.utf8): return Part(nullable: PositionAutomaton.Condition(without: false, with: true))
            case Array(#"\B"#.utf8): return Part(nullable: PositionAutomaton.Condition(without: true, with: false))
            default: return nil
            }
        case .bytes(var set, _):
            if atom.body == [UInt8(ascii: ".")] && !flags.dotAll {
                set = ByteSet.all.subtracting(ByteSet(bytes: [0x0A]))
            }
            if flags.caseless {
                // A negated class is the complement of its members folded (`(?i)[^a]` matches neither a nor A).
                set = atom.body.starts(with: Array("[^".utf8)) ? Self.folded(set.inverted).inverted : Self.folded(set)
            }
            let position = classes.count
            guard position < PositionAutomaton.capacity else { return nil }
            classes.append(set)
            follow.append(PositionAutomaton.Split())
            let only = PositionAutomaton.Split(without: .single(position), with: .single(position))
            return Part(first: only, last: only, nullable: .never)
        case .group(let opener, let content):
            var inner = flags
            if opener.count > 2 {
                // `(?:`, `(?i:`, `(?-i:`, `(?s:` …: the letters between `(?` and `:`.
                guard let changed = Self.flags(Array(opener.dropFirst(2).dropLast()), from: flags) else { return nil }
                inner = changed
            }
            return alternation(content, flags: inner)
        case .flags:
            return nil
        }
    }

    /// `flags` changed by inline flag letters (`i`, `-i`, `s`, `m`; `(?i)` or the letters of `(?i:`); nil for a
    /// letter not read here.
    static func flags(_ text: [UInt8], from flags: Flags) -> Flags? {
        var flags = flags
        var on = true
        for byte in text {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: ":"): continue
            case UInt8(ascii: "-"): on = false
            case UInt8(ascii: "i"): flags.caseless = on
            case UInt8(ascii: "s"): flags.dotAll = on
            case UInt8(ascii: "m"): continue  // line anchors only, which are refused
            default: return nil
            }
        }
        return flags
    }

    /// `set` with the other case of each ASCII letter in it.
    static func folded(_ set: ByteSet) -> ByteSet {
        var result = set
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") where set.contains(byte) || set.contains(byte | 0x20) {
            result.insert(byte)
            result.insert(byte | 0x20)
        }
        return result
    }
}
