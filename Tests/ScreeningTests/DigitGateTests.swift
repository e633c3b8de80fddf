import TestSupport
import Testing

@testable import Screening

@Suite("Screening: prefilter entries that need a digit, scanned only near digits")
struct DigitGateTests {
    /// Patterns chosen to stress the gate's edges: word boundaries either side, `\B`, line anchors (never gated),
    /// classes of context (`[^a]`, `\s`), long digit runs, caseless ones, and ones that need no digit.
    static let edgePatterns: [(expression: String, caseInsensitive: Bool, window: Bool)] = [
        (#"\b\d{3}\b"#, false, false),
        (#"\B\d{2}"#, false, false),
        (#"\d{2}\B"#, false, false),
        (#"\d{4}\b"#, false, false),
        (#"\d{9,12}\b"#, false, false),
        (#"^\d{3}"#, false, false),
        (#"\d{3}$"#, false, false),
        (#"[^a]\d{2}[^b]"#, false, false),
        (#"\d\s\d"#, false, false),
        (#"x\d{5}\b"#, true, false),
        (#"(?:AB|\d{2})-\d{3}\b"#, false, false),
        (#"\b[A-Z]{2}\d{6}\b"#, false, false),
        (#"\d{2}[ .-]?\d{2}[ .-]?\d{2}[ .-]?\d{2}\b"#, false, false),
        (#"\d{1,40}"#, false, false),
        (#"\b[a-z]{3}\d"#, false, false),
        (#"\d[a-z]{3}\b"#, false, false),
        (#"\B[a-z]{2}\d"#, true, false),
        (#"\d[ -]{2}\B"#, false, false),
        (#"\bcat\b"#, false, false),
        (#"[0-9a-f]{4}"#, false, false),
    ]

    /// Adversarial texts: digit runs of every length up to 40 (some touching the text's start or end), words,
    /// punctuation, line breaks, NUL (the separator itself) and 0xFF, non-ASCII digits (Arabic-Indic, full-width) and
    /// Unicode spaces (no-break, em, ideographic), numbers close enough for their windows to touch or overlap.
    static func texts(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SplitMix(seed: seed)
        let pieces: [[UInt8]] = [
            Array("the".utf8), Array("cat".utf8), Array("AB".utf8), Array("x".utf8), Array("_".utf8), [0x20],
            [0x20], [0x0A], [0x09], Array("-".utf8), Array(".".utf8), Array("/".utf8), Array("(".utf8), [0x00],
            [0xFF], Array("\u{0663}\u{0664}".utf8), Array("\u{FF13}".utf8), Array("\u{00A0}".utf8),
            Array("\u{2003}".utf8), Array("\u{3000}".utf8), Array("Straße".utf8), Array("a".utf8), Array("b".utf8),
        ]
        var texts: [[UInt8]] = [[], [0x35], Array("12".utf8), Array("\u{0663}".utf8)]
        for _ in 0..<count {
            var text: [UInt8] = []
            let length = generator.below(400)
            let digitsAtEdges = generator.below(3) == 0
            if digitsAtEdges { text += (0..<(1 + generator.below(12))).map { _ in UInt8(0x30 + generator.below(10)) } }
            while text.count < length {
                if generator.below(4) == 0 {
                    // A run of digits, sometimes a long one, sometimes with separators inside.
                    let run = generator.below(5) == 0 ? 1 + generator.below(40) : 1 + generator.below(6)
                    for _ in 0..<run {
                        text.append(UInt8(0x30 + generator.below(10)))
                        if generator.below(9) == 0 {
                            text.append(generator.below(2) == 0 ? 0x20 : 0x2D)
                        }
                    }
                } else if generator.below(3) == 0 {
                    // Prose: letters without digits for a while, so windows around digits stay apart.
                    text += (0..<(1 + generator.below(90))).map { _ in
                        generator.below(6) == 0 ? 0x20 : UInt8(0x61 + generator.below(26))
                    }
                } else {
                    text += pieces[generator.below(pieces.count)]
                }
            }
            if digitsAtEdges { text += (0..<(1 + generator.below(12))).map { _ in UInt8(0x30 + generator.below(10)) } }
            texts.append(text)
        }
        return texts
    }

    static func ends(_ database: PatternDatabase, _ text: [UInt8]) throws -> [String] {
        try text.withUnsafeBytes { try database.reportedEnds($0) }.map { "\($0.pattern)@\($0.end)" }
    }

    @Test("an entry is gated only when every match needs a digit, its width is bounded and it has no line anchor")
    func admits() throws {
        func admitted(_ expression: String, width: Int = 20) throws -> Bool {
            DigitGate.admits(try #require(PatternSyntax(expression)), maximumWidth: width)
        }
        #expect(try admitted(#"\d{9}\b"#))
        #expect(try admitted(#"-\d{4}\b"#))
        #expect(try admitted(#"\b[A-Z]{2}\d{7}\b"#))
        #expect(try admitted(#"(?:\d{2}|\(\d\))-x"#))
        #expect(try admitted(#"(?i)[a-z]+\d"#))
        #expect(try !admitted(#"\d{9}\b"#, width: DigitGate.widest + 1))
        #expect(try !admitted(#"(?:\d{2}|AB)-x"#))  // one alternative needs no digit
        #expect(try !admitted(#"\d?x"#))
        #expect(try !admitted(#"[0-9a-f]{4}"#))
        #expect(try !admitted(#"^\d{3}"#))
        #expect(try !admitted(#"\d{3}$"#))
        #expect(try !admitted(#"\D\d{3}"#))  // can match the separator
        #expect(try !admitted(#"\d.\d"#))
        #expect(try !admitted(#"\bcat\b"#))
    }

    @Test("segments reach the widest match and one byte more around each digit, merged when they touch")
    func segments() throws {
        let gate = DigitGate(width: 3)
        func segments(_ text: String) -> [Range<Int>]? {
            Array(text.utf8).withUnsafeBytes { gate.segments(of: $0) }
        }
        let prose = "aaaa bbbb cc 7 dddd eeee ffff gggg hhhh iiii jjjj kkkk"
        #expect(segments(prose) == [10..<17])
        #expect(segments(String(repeating: "word ", count: 20)) == [])
        #expect(segments("5 " + String(repeating: "word ", count: 20) + "x9") == [0..<4, 100..<104])
        // Digits 7 bytes apart: their segments touch and are merged; 8 apart, they stay apart.
        #expect(
            segments("1" + String(repeating: "a", count: 60) + "1abcdef2abcdefg3" + String(repeating: "b", count: 60))
                == [0..<4, 58..<72, 73..<80])
        #expect(segments(String(repeating: "12 ", count: 10) + "abc") == nil)  // mostly digits: scan it whole
    }

    @Test("the gated scan reports exactly the ends a whole-text scan does, on adversarial texts")
    func sameEndsOnEdges() throws {
        // Each pattern alone (the gate's width is then its own: its matches reach the segments' edges), then all.
        var sets = Self.edgePatterns.map { [$0] }
        sets.append(Self.edgePatterns)
        var reported = 0
        var gatedSets = 0
        for patterns in sets {
            // Scanned as written too: the forms cut most patterns at their first digit, which hides the edges.
            for prefilterForms in [true, false] {
                let gated = try PatternDatabase(patterns: patterns, prefilterForms: prefilterForms)
                let whole = try PatternDatabase(patterns: patterns, prefilterForms: prefilterForms, gating: false)
                #expect(whole.gateWidth == nil)
                if gated.gateWidth != nil { gatedSets += 1 }
                for (index, text) in Self.texts(count: patterns.count == 1 ? 600 : 2_000, seed: 19).enumerated() {
                    let expected = try Self.ends(whole, text)
                    #expect(
                        try Self.ends(gated, text) == expected, "\(patterns.map(\.expression)) text \(index): \(text)")
                    reported += expected.count
                }
            }
        }
        #expect(gatedSets >= 20)
        #expect(reported > 40_000)
    }

    @Test("with the real packs, gated and whole-text prefilters report the same ends and find the same matches")
    func sameEndsWithPacks() throws {
        let patterns = PrefilterExpressionTests.patterns
        let gated = try PatternDatabase.make(patterns: patterns)
        let whole = try PatternDatabase.make(patterns: patterns, gating: false)
        #expect((gated.gateWidth ?? 0) > 0)
        var texts = Self.texts(count: 400, seed: 7)
        // Identifiers the packs look for, placed at the text's edges and between words and Unicode spaces.
        for value in [
            "123-45-6789", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "+44 20 7946 0958", "1985-03-14",
        ] {
            for (before, after) in [("", ""), ("x ", " y"), ("\u{00A0}", "\u{3000}"), ("a", "b"), ("(", ")")] {
                texts.append(Array((before + value + after).utf8))
                texts.append(Array((String(repeating: "plain words ", count: 30) + before + value + after).utf8))
            }
        }
        for (index, text) in texts.enumerated() {
            #expect(try Self.ends(gated, text) == Self.ends(whole, text), "text \(index): \(text)")
            #expect(
                try PrefilterExpressionTests.matches(gated, text) == PrefilterExpressionTests.matches(whole, text),
                "text \(index)")
        }
    }
}
