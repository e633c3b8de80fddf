/// Which literals every match of a pattern must hold: the proof behind ``KeywordGate``.
extension PatternSyntax {
    /// Whether every match holds one of `literals` as a run of consecutive bytes, ASCII-case-insensitively, as far
    /// as the syntax shows. Conservative: false when unsure.
    ///
    /// Read per alternative, left to right, as the ways a match can go: each way carries the run of byte sets it
    /// holds next to each other so far. Atoms that occur once or a fixed number of times extend every run; a group
    /// that occurs once (or an optional one, or an optional byte) forks the ways, one per alternative (and one that
    /// leaves it out), as does a byte of at most four values up to case (`[MC]`, `[_-]`); zero-width assertions are
    /// skipped. A run holds a literal when some stretch of it, byte by byte, can only match that literal's byte in
    /// either case; a way whose run does is shown and dropped. A repeat of variable count ends every run (they go on
    /// from its fewest copies, which every match holds just before what follows); a repeated group shows every way
    /// when each of its alternatives holds a literal, and otherwise ends the runs; past 64 ways the runs end too.
    /// The pattern holds a literal when no way is left. Case is folded, so the pattern's own case flags (`(?i)`, the
    /// caseless flag) do not change the answer.
    func mustContain(oneOf literals: [[UInt8]]) -> Bool {
        let folded = literals.filter { !$0.isEmpty }.map { $0.map(ByteSet.caseFold) }
        guard !folded.isEmpty else { return false }
        return top.mustContain(oneOf: folded)
    }

    /// `expression` read for a question that ignores case: inline case flags anywhere (`(?i)`, `(?-i)`, which
    /// ``init(_:)`` refuses past the start) dropped, and named groups (`(?P<name>…)`) read as plain groups. Nil when
    /// it does not parse.
    static func caseBlind(_ expression: String) -> PatternSyntax? {
        let bytes = Array(expression.utf8)
        var out: [UInt8] = []
        var index = 0
        var inClass = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                out += bytes[index..<min(index + 2, bytes.count)]
                index += 2
                continue
            }
            if inClass {
                // `]` right after `[` or `[^` is a member, not the end.
                let opened = out.last == UInt8(ascii: "[") || out.suffix(2).elementsEqual("[^".utf8)
                if byte == UInt8(ascii: "]") && !opened { inClass = false }
                out.append(byte)
                index += 1
                continue
            }
            if byte == UInt8(ascii: "[") {
                inClass = true
                out.append(byte)
                index += 1
                continue
            }
            if byte == UInt8(ascii: "("), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?") {
                // `(?i)`, `(?-i)`: only the case flag (other flags change what `.`, `^`, `$` or spaces mean).
                var end = index + 2
                while end < bytes.count, bytes[end] == UInt8(ascii: "i") || bytes[end] == UInt8(ascii: "-") { end += 1 }
                if end > index + 2, end < bytes.count, bytes[end] == UInt8(ascii: ")") {
                    index = end + 1
                    continue
                }
                // `(?P<name>`: a capturing group, read as `(?:`.
                if index + 3 < bytes.count, bytes[index + 2] == UInt8(ascii: "P"),
                    bytes[index + 3] == UInt8(ascii: "<"),
                    let close = bytes[(index + 4)...].firstIndex(of: UInt8(ascii: ">")),
                    bytes[(index + 4)..<close].allSatisfy({ ByteSet.word.contains($0) })
                {
                    out += Array("(?:".utf8)
                    index = close + 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return PatternSyntax(String(decoding: out, as: UTF8.self))
    }
}

extension ByteSet {
    /// `byte` and, for an ASCII letter, the same letter in the other case.
    static func caseFold(_ byte: UInt8) -> ByteSet {
        switch byte {
        case 0x41...0x5A: return ByteSet(bytes: [byte, byte + 0x20])
        case 0x61...0x7A: return ByteSet(bytes: [byte, byte - 0x20])
        default: return ByteSet(bytes: [byte])
        }
    }
}

extension Alternation {
    /// Whether every alternative holds one of `literals` (each byte given as the set it may be, case folded).
    func mustContain(oneOf literals: [[ByteSet]]) -> Bool {
        alternatives.allSatisfy { atoms in
            var branches = LiteralBranches(literals: literals)
            branches.read(atoms)
            branches.end(tail: [])
            return branches.runs.isEmpty
        }
    }
}

/// The ways a match can have read so far, each as the run of byte sets it holds next to each other up to here; a
/// way that has shown one of the literals is dropped. Every way shown: every match holds a literal.
private struct LiteralBranches {
    let literals: [[ByteSet]]
    /// Runs longer than the longest literal need not be kept whole: only their last bytes can still join one.
    let longest: Int
    /// The ways not shown to hold a literal yet (one empty run at the start).
    var runs: [[ByteSet]] = [[]]
    /// Past this many ways, they are merged into one that keeps no bytes (what follows must show a literal alone).
    static let most = 64

    init(literals: [[ByteSet]]) {
        self.literals = literals
        self.longest = literals.map(\.count).max() ?? 0
    }

    /// Reads atoms (a sequence, or one alternative of a group) onto every way.
    mutating func read(_ atoms: [Atom]) {
        for atom in atoms {
            guard !runs.isEmpty else { return }
            let minimum = atom.quantifier?.min ?? 1
            let maximum = atom.quantifier == nil ? 1 : atom.quantifier?.max
            switch atom.kind {
            case .flags, .assertion:
                // Zero-width: the bytes either side stay next to each other.
                continue
            case .bytes(let set, _):
                guard set != ByteSet() else {
                    end(tail: [])
                    continue
                }
                let options = Self.split(set)
                if minimum == 1 && maximum == 1 {
                    branch(options.map { [$0] }, keepingNone: false)
                } else if minimum == 0 && maximum == 1 {
                    branch(options.map { [$0] }, keepingNone: true)
                } else {
                    // A fixed count reads as that many copies (at most `longest`: no literal reaches across more);
                    // a variable one ends the run, and every match holds its fewest copies before what follows.
                    append(Array(repeating: set, count: min(minimum, longest)))
                    if maximum != minimum { end(tail: Array(repeating: set, count: min(minimum, longest))) }
                }
            case .group(_, let content):
                if maximum == 1 && minimum <= 1 {
                    // Each alternative read from every way so far (and, when optional, the group left out).
                    var ways: [[ByteSet]] = minimum == 0 ? runs : []
                    for alternative in content.alternatives {
                        var copy = self
                        copy.read(alternative)
                        ways += copy.runs
                    }
                    runs = ways
                    if runs.count > Self.most { end(tail: []) }
                } else if minimum >= 1 && content.mustContain(oneOf: literals) {
                    runs = []
                } else {
                    end(tail: [])
                }
            }
        }
    }

    /// Each way continued by each of `options` (and left as it is too when `keepingNone`).
    private mutating func branch(_ options: [[ByteSet]], keepingNone: Bool) {
        if options.count == 1 && !keepingNone { return append(options[0]) }
        let before = runs
        var ways: [[ByteSet]] = keepingNone ? before : []
        for option in options {
            runs = before
            append(option)
            ways += runs
        }
        runs = ways
        if runs.count > Self.most { end(tail: []) }
    }

    /// `sets` added to every way; a way grown long is checked, and dropped when it shows a literal, else cut.
    private mutating func append(_ sets: [ByteSet]) {
        guard !sets.isEmpty else { return }
        runs = runs.compactMap { run in
            var run = run + sets
            guard run.count > 2 * longest else { return run }
            if holds(run) { return nil }
            run.removeFirst(run.count - longest)
            return run
        }
    }

    /// Ends every way's run here: ways that show a literal are dropped; the others all go on from `tail`.
    mutating func end(tail: [ByteSet]) {
        let open = runs.contains { !holds($0) }
        runs = open ? [tail] : []
    }

    /// Whether some stretch of `run` can only match one of the literals: each byte set in it non-empty and within
    /// the literal's byte (either case).
    private func holds(_ run: [ByteSet]) -> Bool {
        literals.contains { literal in
            guard literal.count <= run.count else { return false }
            return (0...(run.count - literal.count)).contains { start in
                literal.indices.allSatisfy { offset in
                    let set = run[start + offset]
                    return set != ByteSet() && set.isSubset(of: literal[offset])
                }
            }
        }
    }

    /// A set of at most four bytes up to case (`[MC]`, `[_-]`), one way per byte in either case; else the set.
    private static func split(_ set: ByteSet) -> [ByteSet] {
        var options: [ByteSet] = []
        var covered = ByteSet()
        for byte in 0...255 where set.contains(UInt8(byte)) && !covered.contains(UInt8(byte)) {
            let fold = ByteSet.caseFold(UInt8(byte))
            covered = covered.union(fold)
            options.append(set.intersection(fold))
            if options.count > 4 { return [set] }
        }
        return options
    }
}
