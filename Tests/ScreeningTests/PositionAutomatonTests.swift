import TestSupport
import Testing

@testable import Screening

@Suite("Screening: position automata confirm what the start-tracking engine confirms")
struct PositionAutomatonTests {
    /// The shipped packs' patterns that read into an automaton (a person-name rule's own patterns never confirm).
    static let eligible: [(expression: String, caseInsensitive: Bool, window: Bool)] = PrefilterExpressionTests
        .patterns.filter { pattern in
            !pattern.window
                && PatternSyntax(pattern.expression).flatMap { automaton($0, pattern.caseInsensitive) } != nil
        }

    static func automaton(_ syntax: PatternSyntax, _ caseless: Bool) -> PositionAutomaton? {
        PositionAutomaton(syntax, caseless: caseless)
    }

    static func automaton(_ pattern: (expression: String, caseInsensitive: Bool, window: Bool)) throws
        -> PositionAutomaton
    {
        try #require(PatternSyntax(pattern.expression).flatMap { automaton($0, pattern.caseInsensitive) })
    }

    /// Patterns that stress what the automaton reads: word boundaries inside groups and alternatives, `\B`, caseless
    /// classes (negated ones too), inline flags, `.`, loops, counted groups, lazy quantifiers.
    static let edgePatterns: [(expression: String, caseInsensitive: Bool, window: Bool)] = [
        (#"\b\d{3}-\d{2}-\d{4}\b"#, false, false),
        (#"\B\d{2,4}"#, false, false),
        (#"\d{2}\B[a-z]?"#, false, false),
        (#"(?:\b|x)\d{3}"#, false, false),
        (#"(?:a\b|a)b?\d"#, false, false),
        (#"(?:\b\w{2}\b[ -]?){2,3}\d"#, false, false),
        (#"[^a-c]x\d"#, true, false),
        (#"(?i)[^k]{2}q\d"#, false, false),
        (#"(?i:ab)Cd"#, false, false),
        (#"(?i)x(?-i:Y)z"#, false, false),
        (#"a.b"#, false, false),
        (#"(?s)a.b"#, false, false),
        (#"\w+@\w+\.\w{2,}"#, false, false),
        (#"[A-Z][a-z]+?\d+"#, false, false),
        (#"(?:\d{2}[ .-]?){3,5}\d\b"#, false, false),
        (#"\s\S{3}\s"#, false, false),
        (#"\x41\x80+[\x00-\x08]"#, true, false),
        (#"(?:|z)\d\d"#, false, false),
        (#"\W\d\W"#, false, false),
    ]

    /// Hostile texts around `walks` (strings drawn from the patterns' own automata, so matches are common): digits,
    /// separators, word edges, both cases, NUL, bytes at and above 0x80, vertical tab and form feed, long runs of
    /// one kind (past the 64 bytes a window reaches back for whitespace), each text sometimes mutated byte by byte.
    static func texts(count: Int, seed: UInt64, walks: [[UInt8]]) -> [[UInt8]] {
        var generator = SplitMix(seed: seed)
        let pieces: [[UInt8]] = [
            Array("the".utf8), Array("AB".utf8), Array("x".utf8), Array("_".utf8), [0x20], [0x20], [0x0A], [0x09],
            [0x0B], [0x0C], [0x0D], Array("-".utf8), Array(".".utf8), Array("/".utf8), Array(":".utf8),
            Array("@".utf8), Array("(".utf8), Array("+".utf8), [0x00], [0x80], [0xC3, 0xA9], [0xFF],
            Array("Straße".utf8), Array("k".utf8), Array("K".utf8), Array("q".utf8),
        ]
        var texts: [[UInt8]] = []
        for _ in 0..<count {
            var text: [UInt8] = []
            let length = generator.below(300)
            while text.count < length {
                switch generator.below(6) {
                case 0, 1:
                    if !walks.isEmpty { text += walks[generator.below(walks.count)] }
                case 2:
                    let run = generator.below(5) == 0 ? 1 + generator.below(80) : 1 + generator.below(8)
                    text += (0..<run).map { _ in UInt8(0x30 + generator.below(10)) }
                case 3:
                    let run = generator.below(5) == 0 ? 60 + generator.below(90) : 1 + generator.below(8)
                    let base: UInt8 = generator.below(2) == 0 ? 0x41 : 0x61
                    text += (0..<run).map { _ in base + UInt8(generator.below(26)) }
                default:
                    text += pieces[generator.below(pieces.count)]
                }
            }
            if !text.isEmpty && generator.below(3) == 0 {
                for _ in 0..<(1 + generator.below(3)) {
                    text[generator.below(text.count)] = UInt8(generator.below(256))
                }
            }
            texts.append(text)
        }
        return texts
    }

    /// A string the automaton may match: a random walk from a first position to a last, ignoring word boundaries
    /// (so some are near misses, which is as useful).
    static func walk(_ automaton: PositionAutomaton, _ generator: inout SplitMix) -> [UInt8] {
        var text: [UInt8] = []
        var choices = Array(automaton.first.with | automaton.first.without)
        while let position = choices.isEmpty ? nil : choices[generator.below(choices.count)], text.count < 200 {
            let bytes = (0...255).filter { automaton.reach[$0].contains(position) }
            guard !bytes.isEmpty else { break }
            // Mostly ASCII, when the class has any.
            let ascii = bytes.filter { $0 < 0x80 }
            let pool = !ascii.isEmpty && generator.below(8) != 0 ? ascii : bytes
            text.append(UInt8(pool[generator.below(pool.count)]))
            let ends = automaton.last.with | automaton.last.without
            if ends.contains(position) && generator.below(3) == 0 { break }
            choices = Array(automaton.follow[position].with | automaton.follow[position].without)
        }
        return text
    }

    static func found(_ automaton: PositionAutomaton, _ index: Int, _ text: [UInt8]) -> [String] {
        var list: [PatternDatabase.Match] = []
        text.withUnsafeBytes { automaton.matches(in: $0, offset: 0, pattern: index, into: &list) }
        return list.map { "\($0.pattern):\($0.start)-\($0.end)" }
    }

    /// Each pattern's automaton against its start-tracking database over whole texts: the same ends, each once, in
    /// order, with the same leftmost starts.
    static func compare(_ patterns: [(expression: String, caseInsensitive: Bool, window: Bool)], texts perPattern: Int)
        throws -> Int
    {
        let automata = try patterns.map { try automaton($0) }
        var generator = SplitMix(seed: 5)
        var found = 0
        for (index, automaton) in automata.enumerated() {
            let oracle = try PrefilterExpressionTests.WholeText([patterns[index]])
            let walks = (0..<12).map { _ in walk(automaton, &generator) }
            for text in texts(count: perPattern, seed: UInt64(index), walks: walks) {
                let got = Self.found(automaton, 0, text)
                let expected = oracle.matches(text)
                #expect(Set(got).count == got.count, "\(patterns[index].expression): an end reported twice")
                #expect(
                    Set(got) == expected,
                    "\(patterns[index].expression) in \(text): lost \(expected.subtracting(got).sorted()), gained \(Set(got).subtracting(expected).sorted())"
                )
                // Walking back from given ends (the engine's, and others where nothing may end) finds the same.
                var ends = Set(expected.compactMap { $0.split(separator: "-").last.flatMap { Int($0) } })
                for _ in 0..<4 where !text.isEmpty { ends.insert(1 + generator.below(text.count)) }
                var list: [PatternDatabase.Match] = []
                text.withUnsafeBytes {
                    automaton.matches(in: $0, window: 0..<text.count, ends: ends.sorted(), pattern: 0, into: &list)
                }
                #expect(
                    Set(list.map { "\($0.pattern):\($0.start)-\($0.end)" }) == expected,
                    "walking back, \(patterns[index].expression) in \(text)")
                found += expected.count
            }
        }
        return found
    }

    @Test("what is read and what is refused")
    func reads() throws {
        func reads(_ expression: String, caseless: Bool = false) -> Bool {
            PatternSyntax(expression).flatMap { Self.automaton($0, caseless) } != nil
        }
        #expect(reads(#"\b\d{3}-\d{2}-\d{4}\b"#))
        #expect(reads(#"(?i)\biban\b[ :]*[a-z]{2}\d{2}"#))
        #expect(reads(#"\w+@\w+"#))
        #expect(!reads(#"^\d{3}"#))  // a line anchor
        #expect(!reads(#"\d{3}$"#))
        #expect(!reads(#"\d*"#))  // matches the empty text
        #expect(!reads(#"\b"#))
        #expect(!reads(#"\d{2}+x"#))  // possessive
        #expect(!reads(#"\d{129}"#))  // more positions than the automaton holds
        #expect(reads(#"\d{128}"#))
        #expect(!reads(#"(?=\d)\d"#))  // not read by PatternSyntax
        #expect(try Self.automaton((#"(?:\d{2}){2,3}"#, false, false)).count == 6)
        // Most of the shipped patterns confirmed in windows read into one.
        #expect(Self.eligible.count > 100)
    }

    @Test("the edge patterns find what the start-tracking engine finds, on hostile texts")
    func edgePatternsAgree() throws {
        #expect(try Self.compare(Self.edgePatterns, texts: 300) > 2_000)
    }

    @Test("every shipped pattern that reads into an automaton finds what the start-tracking engine finds")
    func shippedPatternsAgree() throws {
        #expect(try Self.compare(Self.eligible, texts: 40) > 2_000)
    }

    @Test("the database finds the same matches confirming with automata as with the engine, windows and all")
    func sameScans() throws {
        let patterns = PrefilterExpressionTests.patterns
        let database = try PatternDatabase.make(patterns: patterns)
        var generator = SplitMix(seed: 11)
        let walks = try Self.eligible.map { pattern in Self.walk(try Self.automaton(pattern), &generator) }
        var found = 0
        for (index, text) in Self.texts(count: 600, seed: 77, walks: walks).enumerated() {
            let withAutomata = try text.withUnsafeBytes { try database.scan($0, automata: true) }
            let withEngine = try text.withUnsafeBytes { try database.scan($0, automata: false) }
            let got = withAutomata.map { "\($0.pattern):\($0.start)-\($0.end)" }
            let expected = withEngine.map { "\($0.pattern):\($0.start)-\($0.end)" }
            #expect(got == expected, "text \(index): \(text)")
            found += expected.count
        }
        #expect(found > 2_000)
    }
}
