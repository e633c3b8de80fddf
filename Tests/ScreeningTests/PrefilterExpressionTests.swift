import CHyperscan
import Foundation
import TestSupport
import Testing

@testable import Screening

@Suite("Screening: the cheaper prefilter forms of patterns")
struct PrefilterExpressionTests {
    @Test(
        "leading classes are dropped up to a punctuation literal; groups that reduce are unrolled once",
        arguments: [
            (#"\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9]+\.[A-Za-z]{2,24}\b"#, #"@[A-Za-z0-9]+\.[A-Za-z]{2,24}\b"#),
            (#"\b\d{3}-\d{2}-\d{4}\b"#, #"-\d{2}-\d{4}\b"#),
            (#"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b"#, #"[/.-]\d{1,2}[/.-]\d{4}\b"#),
            (#"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"#, #":(?:[0-9A-Fa-f]{1,4}:){6}[0-9A-Fa-f]{1,4}\b"#),
            (#"\b(?:[0-9a-f]{1,4}:){1,7}:"#, #":(?:[0-9a-f]{1,4}:){0,6}:"#),
            (#"\b(?:\d+-)+x"#, #"-(?:\d+-){0,}x"#),
            (#"(?:(?:\+1|001|1)[ .-]?)?\(\d{3}\) ?\d{3}"#, #"\(\d{3}\) ?\d{3}"#),
            (#"(?:^|\s)/(?:home|Users)/[a-z]+"#, #"/(?:home|Users)/[a-z]+"#),
            (#"(?i)\b\d+\.\d+"#, #"(?i)\.\d+"#),
            (#"\b[A-Za-z]:\\(?:Users)"#, #":\\(?:Users)"#),
            // No punctuation to wait for: the first digit, without the word boundary or letters before it.
            (#"\b4\d{12}\b"#, #"\d{12}\b"#),
            (#"\b\d{9}\b"#, #"\d{9}\b"#),
            (#"\b\d{3} \d{2} \d{4}\b"#, #"\d{3} \d{2} \d{4}\b"#),
            (#"\b\d{3}[ -]\d{2}"#, #"\d{3}[ -]\d{2}"#),
            (#"\b[A-Z]{2} ?\d{7}\b"#, #"\d{7}\b"#),
            (#"\b[A-Z]?\d{8,9}\b"#, #"\d{8,9}\b"#),
            (#"\b[2-6]\d{3}[ -]?\d{4}"#, #"\d{3}[ -]?\d{4}"#),
            // A narrower digit first: from the next that takes any digit, past classes and optional atoms.
            (#"[2-6]\d{3} ?\d{5}"#, #"\d{3} ?\d{5}"#), (#"[1-8][ -]?\d{4}[ -]?\d{5}"#, #"\d{4}[ -]?\d{5}"#),
            (#"3[47]\d{2}[ -]?\d{6}"#, #"\d{2}[ -]?\d{6}"#), (#"9\d{2}-\d{2}-\d{4}\b"#, #"\d{2}-\d{2}-\d{4}\b"#),
            (#"\b9[0-9]{8}\b"#, #"[0-9]{8}\b"#), (#"[1-9][A-Z][A-Z0-9]\d-?[A-Z]"#, #"\d-?[A-Z]"#),
            // None follows, or something must match between: the form begins at the narrow digit.
            (#"\b9[A-Z]{3}"#, #"9[A-Z]{3}"#), (#"\b[2-6]x\d{3}"#, #"[2-6]x\d{3}"#),
            (#"(?i)\b[a-z]\d{9}\b"#, #"(?i)\d{9}\b"#),
        ])
    func derived(pattern: String, expected: String) {
        #expect(PrefilterExpression.derive(pattern) == expected)
    }

    @Test(
        "patterns already anchored on a literal, made only of classes, or using syntax it does not model are kept",
        arguments: [
            #"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b"#,  // letters come first
            #"(?i)\b(?:diagnosis|chemotherapy)\b"#,
            #"\b[A-Z]{9}\b"#,  // classes only, no digit
            #"\d{9}\b"#,  // nothing to drop before the digits
            #"^\d{9}"#,  // a line anchor is not dropped before digits
            #"\B\d{9}"#,  // nor a non-boundary
            #"-\d{4}"#,  // nothing to drop
            #"\d+-x|y"#,  // top-level alternation
            #"\d+(?=-)"#,  // look-ahead
            #"\d+(?<n>-)"#,  // named group
            #"\d+(?:(?i)-)"#,  // flags inside a group
            #"(?x)\d+ -"#,  // extended mode
            #"\d+\p{L}-"#, #"\d+\Q-\E"#, #"(\d)\1-"#, #"\d+[[:punct:]]"#, #"\d+{2}-"#, #"\d+a{,3}-"#,
            #"\d+("#, #"\d+)-"#, #"[\d-"#,
        ])
    func kept(pattern: String) {
        #expect(PrefilterExpression.derive(pattern) == nil)
    }

    @Test(
        "whether a match can hold whitespace, read from classes, escapes, ranges and groups",
        arguments: [
            (#"\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9]+\.[a-z]{2,}"#, false),
            (#"\b(?:https?)://[^\s"'<>]*"#, false), (#"\S+@\S+"#, false), (#"\d{3}[-.]\d{4}"#, false),
            (#"\d{3} \d{4}"#, true), (#"\d{3}[ -]\d{4}"#, true), (#"a.b"#, true), (#"a\Wb"#, true), (#"a\Db"#, true),
            (#"a[^b]c"#, true), (#"a[!-~]c"#, false), (#"a[\x00-\x20]c"#, true), (#"a(?:b|\t)c"#, true),
            (#"a\x20c"#, true), (#"a\nb"#, true), (#"a\.b"#, false),
        ])
    func whitespace(pattern: String, holds: Bool) throws {
        let syntax = try #require(PatternSyntax(pattern))
        #expect(syntax.canMatchWhitespace == holds)
    }

    @Test("line anchors are noticed, and patterns it cannot read are not read")
    func syntaxLimits() {
        #expect(PatternSyntax(#"(?:^|\s)/home/"#)?.hasLineAnchors == true)
        #expect(PatternSyntax(#"\bx$"#)?.hasLineAnchors == true)
        #expect(PatternSyntax(#"\bx\b"#)?.hasLineAnchors == false)
        for unreadable in [#"a\p{L}"#, #"[[:alpha:]]"#, #"a(?=b)"#, #"(a"#, #"a)"#, #"[z-a]"#, #"a{3,1}"#, #"a\hb"#] {
            #expect(PatternSyntax(unreadable) == nil, "\(unreadable)")
        }
    }

    /// Every pattern of the default packs, as the screener compiles them.
    static let patterns: [(expression: String, caseInsensitive: Bool, window: Bool)] = ScreeningTests.packs
        .flatMap(\.rules).flatMap { rule in
            rule.patterns.map { ($0, rule.caseInsensitive, rule.validator == "person-name") }
        }

    static func matches(_ database: PatternDatabase, _ text: [UInt8]) throws -> Set<String> {
        Set(try text.withUnsafeBytes { try database.scan($0) }.map { "\($0.pattern):\($0.start)-\($0.end)" })
    }

    @Test("the default packs derive forms for the patterns that were slow to scan, and the engine reads each")
    func packForms() throws {
        let derived = Self.patterns.compactMap { PrefilterExpression.derive($0.expression) }
        #expect(derived.contains { $0.hasPrefix("@") })
        #expect(derived.contains { $0.hasPrefix(":(?:[0-9A-Fa-f]{1,4}:){6}") })
        #expect(derived.count >= 10)
        _ = try PatternDatabase.make(patterns: derived.map { ($0, false, false) }, prefilterForms: false)
    }

    @Test("on the labelled corpus, prose and every rule example, both ways find what scanning the whole text finds")
    func sameMatchesOnCorpora() throws {
        let withForms = try PatternDatabase.make(patterns: Self.patterns)
        let asWritten = try PatternDatabase.make(patterns: Self.patterns, prefilterForms: false)
        let oracle = try WholeText(Self.patterns)
        let folder = URL(fileURLWithPath: repositoryRoot).appendingPathComponent("Benchmarks/eval")
        var texts = ScreeningTests.packs.flatMap(\.rules).flatMap { $0.examples.match + $0.examples.noMatch }
        for file in ["corpus.jsonl", "prose.jsonl"] {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            for line in data.split(separator: 0x0A) {
                let object = try JSONSerialization.jsonObject(with: line) as? [String: Any]
                texts.append(try #require(object?["text"] as? String))
            }
        }
        var found = 0
        for text in texts {
            let expected = oracle.matches(Array(text.utf8))
            #expect(try Self.matches(asWritten, Array(text.utf8)) == expected, "as written: \(text.prefix(200))")
            #expect(try Self.matches(withForms, Array(text.utf8)) == expected, "prefilter forms: \(text.prefix(200))")
            found += expected.count
        }
        #expect(texts.count > 1_500 && found > 5_000)
    }

    /// Each pattern alone with start tracking, scanning whole texts without windows: the oracle.
    final class WholeText {
        var databases: [OpaquePointer] = []
        let scratch: OpaquePointer
        var found = Set<String>()
        var pattern = 0

        init(_ patterns: [(expression: String, caseInsensitive: Bool, window: Bool)]) throws {
            var scratch: OpaquePointer?
            for pattern in patterns {
                var database: OpaquePointer?
                var error: UnsafeMutablePointer<hs_compile_error_t>?
                let flags = UInt32(HS_FLAG_SOM_LEFTMOST) | (pattern.caseInsensitive ? UInt32(HS_FLAG_CASELESS) : 0)
                try #require(
                    hs_compile(pattern.expression, flags, UInt32(HS_MODE_BLOCK), nil, &database, &error)
                        == HS_SUCCESS)
                try #require(hs_alloc_scratch(database, &scratch) == HS_SUCCESS)
                databases.append(try #require(database))
            }
            self.scratch = try #require(scratch)
        }

        deinit {
            for database in databases { hs_free_database(database) }
            hs_free_scratch(scratch)
        }

        func matches(_ text: [UInt8]) -> Set<String> {
            found = []
            for (index, database) in databases.enumerated() {
                pattern = index
                _ = text.withUnsafeBytes { bytes in
                    hs_scan(
                        database, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), UInt32(bytes.count), 0,
                        scratch,
                        { _, from, to, _, context in
                            let oracle = Unmanaged<WholeText>.fromOpaque(context!).takeUnretainedValue()
                            oracle.found.insert("\(oracle.pattern):\(from)-\(to)")
                            return 0
                        }, Unmanaged.passUnretained(self).toOpaque())
                }
            }
            return found
        }
    }

    @Test("on random text made of the patterns' own characters, both ways find what scanning the whole text finds")
    func sameMatchesOnRandomText() throws {
        let withForms = try PatternDatabase.make(patterns: Self.patterns)
        let asWritten = try PatternDatabase.make(patterns: Self.patterns, prefilterForms: false)
        let oracle = try WholeText(Self.patterns)
        let alphabet = Array("0123456789012345678901234567890123456789abcdefABCDEF:::---...//@@  \n(),xZ+_#\t".utf8)
        var generator = SplitMix(seed: 2026)
        var found = 0
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 200)
            let text = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let expected = oracle.matches(text)
            for (database, name) in [(withForms, "prefilter forms"), (asWritten, "as written")] {
                let got = try Self.matches(database, text)
                let lost = expected.subtracting(got).sorted()
                let gained = got.subtracting(expected).sorted()
                #expect(
                    got == expected, "\(name), \(String(decoding: text, as: UTF8.self)): lost \(lost), gained \(gained)"
                )
            }
            found += expected.count
        }
        #expect(found > 300)
    }
}
