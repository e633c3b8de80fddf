import TestSupport
import Testing

@testable import Screening

@Suite("Screening: rules with keywords, scanned only around them")
struct KeywordGateTests {
    typealias Pattern = (expression: String, caseInsensitive: Bool, window: Bool)

    /// The shipped gitleaks rules, each with whether its entry is gated by its keywords (read as the prefilter scans
    /// it: its form where it has one; gitleaks' rules share no entry).
    static func gitleaksGating() throws -> [(id: String, gated: Bool)] {
        let pack = try #require(ScreeningTests.packs.first { $0.id == "credentials-gitleaks" })
        var patterns: [Pattern] = []
        var keywords: [[String]] = []
        var rule: [String] = []
        for each in pack.rules {
            for pattern in each.patterns {
                patterns.append((pattern, each.caseInsensitive, false))
                keywords.append(each.keywords)
                rule.append(each.id)
            }
        }
        let plan = PatternDatabase.plan(patterns, keywords: keywords, prefilterForms: true)
        let gates = PatternDatabase.gates(
            patterns, keywords: keywords, entries: patterns.indices.map { plan.forms[$0] ?? patterns[$0].expression },
            owners: Array(patterns.indices), flags: plan.flags, gating: true)
        return patterns.indices.map { (rule[$0], gates.group[$0] == 3) }
    }

    @Test("181 of the 190 gitleaks rules are gated by their keywords; the other 9, for the reasons listed, are not")
    func gitleaksRules() throws {
        let all = try Self.gitleaksGating()
        #expect(all.count == 190)
        #expect(
            ScreeningTests.packs.first { $0.id == "credentials-gitleaks" }?.rules.allSatisfy {
                !$0.keywords.isEmpty
            } == true)
        let ungated = Set(all.filter { !$0.gated }.map(\.id))
        #expect(
            ungated == [
                // An unescaped `.` (`hooks.slack.com`, `MailchimpSDK.initialize`, `.*?`) can match the NUL that
                // joins segments.
                "slack-webhook-url", "mailchimp-api-key", "curl-auth-header",
                // A negated class after the secret (`(?:[^\w-]|$)`) can match it too.
                "openshift-user-token", "sentry-org-token",
                // Its keyword (`facebook`) is not in its pattern: nothing proves a match holds it.
                "facebook-access-token",
                // Keywords common in prose (`key`, `api`, `sk`, `s.`, `curl`): not worth gating.
                "generic-api-key", "twilio-api-key", "vault-service-token",
            ])
    }

    @Test("the syntax proves a literal is in every match only when it is, in any case")
    func mustContain() throws {
        func proves(_ expression: String, _ keywords: [String]) throws -> Bool {
            try #require(PatternSyntax.caseBlind(expression)).mustContain(oneOf: keywords.map { Array($0.utf8) })
        }
        #expect(try proves(#"\bA3-[A-Z0-9]{6}\b"#, ["a3-"]))
        #expect(try proves(#"(?i)(?:adafruit)(?:[ \t\w.-]{0,20})[\s'"]{0,3}=([a-z0-9_-]{32})\b"#, ["adafruit"]))
        #expect(try proves(#"\b(p8e-(?i)[a-z0-9]{32})\b"#, ["p8e-"]))  // a case flag in the middle
        #expect(try proves(#"(?P<name>ab)c"#, ["abc"]))
        #expect(try proves(#"(?:sc|ext)_[a-z]{5}"#, ["sc_", "ext_"]))  // the keyword spans a group's end
        #expect(try !proves(#"(?:sc|ext)_[a-z]{5}"#, ["sc_"]))
        #expect(try !proves(#"(?:zz|yy)[0-9]{3}"#, ["zz"]))  // one alternative without it
        #expect(try proves(#"linked[_-]?in"#, ["linkedin", "linked_in", "linked-in"]))
        #expect(try !proves(#"linked[_-]?in"#, ["linkedin", "linked_in"]))
        #expect(try proves(#"EAA[MC]x"#, ["eaam", "eaac"]))
        #expect(try !proves(#"EAA[MC]x"#, ["eaam"]))
        #expect(try proves(#"[gG]lpat-"#, ["GLPAT-"]))
        #expect(try !proves(#"[gq]lpat-"#, ["glpat-"]))
        #expect(try !proves(#"ab+c"#, ["abc"]))  // "abbc"
        #expect(try proves(#"ab+c"#, ["bc"]))
        #expect(try proves(#"a{2}b"#, ["aab"]))
        #expect(try !proves(#"a{1,2}b"#, ["aab"]))
        #expect(try !proves(#"(?:abc)?d"#, ["abc"]))
        #expect(try proves(#"(?:abc){2}"#, ["abc"]))
        #expect(try !proves(#"(?:abc)*d"#, ["abc"]))
        #expect(try !proves(#"a.c"#, ["abc"]))
        #expect(try !proves(#"abc"#, []))
        #expect(try !proves(#"abc"#, [""]))
        #expect(try proves(#"x{100}abc"#, ["abc"]))  // a long repeat before it does not hide it
        #expect(try proves(#"ab\bc"#, ["abc"]))  // zero-width: the bytes stay next to each other
    }

    @Test("an entry is gated only with proven keywords, no match holding NUL and no keyword common in prose")
    func admits() throws {
        func admitted(_ expression: String, _ keywords: [String], width: Int = 40) throws -> Bool {
            KeywordGate.admits(
                try #require(PatternSyntax.caseBlind(expression)), keywords: keywords, maximumWidth: width)
        }
        #expect(try admitted(#"zq_[a-z]{8}\b"#, ["zq_"]))
        #expect(try admitted(#"zq_[a-z]{8,}"#, ["zq_"], width: Int.max))  // unbounded: scanned whole on a hit
        #expect(try admitted(#"^zq_[a-z]{8}"#, ["zq_"]))  // the joined text's edges are the text's
        #expect(try admitted(#"zq_[a-z]{8}(?:\b|$)"#, ["zq_"]))
        #expect(try !admitted(#"zq_.{8}"#, ["zq_"]))
        #expect(try !admitted(#"zq_[^a]{8}"#, ["zq_"]))
        #expect(try !admitted(#"zq_[a-z]{8}"#, ["zq_", "key"]))
        #expect(try !admitted(#"(?:zq|yy)_[a-z]{8}"#, ["zq_"]))
        #expect(try !admitted(#"zq_[a-z]{8}"#, []))
    }

    @Test("segments reach each keyword's widest match and a byte more, keep the text's edges, merge, or give way")
    func segments() {
        let gate = KeywordGate(keywords: [
            .init(bytes: Array("zq".utf8), reach: 5, wholeText: false),
            .init(bytes: Array("long".utf8), reach: 20, wholeText: false),
            .init(bytes: Array("jj".utf8), reach: 0, wholeText: true),
        ])
        func hit(_ keyword: Int, endingAt end: Int) -> PatternDatabase.Match {
            PatternDatabase.Match(pattern: keyword, start: end, end: end)
        }
        // "zq" ending at 52 (at 50..<52): a match holding it starts at 47 or later and ends by 55; one byte more.
        // The text's first and last byte are always kept, so line anchors hold at the joined text's edges.
        #expect(gate.segments(around: [hit(0, endingAt: 52)], count: 200) == [0..<1, 46..<56, 199..<200])
        // At the text's edges: clipped, merged with the edge bytes.
        #expect(gate.segments(around: [hit(0, endingAt: 2)], count: 200) == [0..<6, 199..<200])
        #expect(gate.segments(around: [hit(0, endingAt: 7)], count: 200) == [0..<11, 199..<200])
        #expect(gate.segments(around: [hit(0, endingAt: 200)], count: 400) == [0..<1, 194..<204, 399..<400])
        #expect(gate.segments(around: [hit(0, endingAt: 400)], count: 400) == [0..<1, 394..<400])
        // Overlapping and touching windows merge; a wider keyword's window reaching back before an earlier one.
        #expect(
            gate.segments(around: [hit(0, endingAt: 52), hit(0, endingAt: 61)], count: 200) == [
                0..<1, 46..<65, 199..<200,
            ])
        #expect(
            gate.segments(around: [hit(0, endingAt: 52), hit(0, endingAt: 62)], count: 200) == [
                0..<1, 46..<66, 199..<200,
            ])
        #expect(
            gate.segments(around: [hit(0, endingAt: 52), hit(0, endingAt: 63)], count: 200)
                == [0..<1, 46..<56, 57..<67, 199..<200])
        #expect(
            gate.segments(around: [hit(0, endingAt: 52), hit(1, endingAt: 60)], count: 400) == [
                0..<1, 39..<77, 399..<400,
            ])
        // An unbounded entry's keyword, or windows covering half the text: the whole text.
        #expect(gate.segments(around: [hit(0, endingAt: 52), hit(2, endingAt: 90)], count: 200) == nil)
        #expect(gate.segments(around: [hit(1, endingAt: 30)], count: 80) == nil)
        #expect(gate.segments(around: [hit(1, endingAt: 30)], count: 81) == [0..<1, 9..<47, 80..<81])
        #expect(gate.segments(around: [], count: 84) == [])
    }

    /// Patterns with keywords that stress the gate's edges: word boundaries and `\B` either side, keywords at the
    /// start, middle and end of the match, several keywords, a caseless one given in upper case, an unbounded one
    /// (whole text on a hit), and some that are not gated (a keyword not required, anchors, `.`).
    static let edgePatterns: [(pattern: Pattern, keywords: [String])] = [
        ((#"\bzq[a-z0-9]{0,6}\b"#, false, false), ["zq"]),
        ((#"[0-9]{0,5}zq\b"#, false, false), ["zq"]),
        ((#"\b[0-9]{3}zq"#, false, false), ["zq"]),
        ((#"\B[a-z]{2}Mu_"#, false, false), ["mu_"]),
        ((#"\Bab-c[a-z0-9]{2,4}"#, false, false), ["ab-c"]),
        ((#"[a-z]{1,3}ab-c\B"#, false, false), ["ab-c"]),
        ((#"(?i)qx(?:[ \t\w.-]{0,10})[=:]\s{0,2}([a-z0-9]{4,8})\b"#, false, false), ["qx"]),
        ((#"\b(?:wv|mu)_[a-z]{3}\b"#, false, false), ["wv_", "mu_"]),
        ((#"qqr[0-9]{2,5}"#, true, false), ["QQR"]),
        ((#"\bjj[a-z]+\b"#, false, false), ["jj"]),
        ((#"(?:zz|yy)[0-9]{3}"#, false, false), ["zz"]),
        ((#"^zq[0-9]"#, false, false), ["zq"]),
        ((#"zq[0-9]$"#, false, false), ["zq"]),
        ((#"\Azq"#, false, false), ["zq"]),
        ((#"zq\d?\Z"#, false, false), ["zq"]),
        ((#"(?m)^[a-z]{0,3}zq[0-9]?$"#, false, false), ["zq"]),
        ((#"\bab-c\d{2}(?:[;\s]|$)"#, false, false), ["ab-c"]),
        ((#"zq.{3}"#, false, false), ["zq"]),
        ((#"\b[a-z]{2}\d{2}\b"#, false, false), []),
    ]

    /// Adversarial texts: the keywords in every case, next to each other and overlapping (`zqzq`, `ab-cab-c`), at
    /// the text's start and end, split by NUL, 0xFF, invalid UTF-8 and Unicode spaces, between long stretches of
    /// prose so segments stay apart and close together so they merge.
    static func texts(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SplitMix(seed: seed)
        let keywords = [
            "zq", "ZQ", "zQ", "ab-c", "AB-C", "qx", "QX", "wv_", "mu_", "Mu_", "qqr", "QqR", "jj", "zz", "yy",
        ]
        let pieces: [[UInt8]] = [
            [0x20], [0x20], [0x0A], [0x09], Array("=".utf8), Array(":".utf8), Array("-".utf8), Array("_".utf8),
            Array(".".utf8), [0x00], [0xFF], [0xC3], [0xE2, 0x82], Array("\u{00A0}".utf8), Array("\u{3000}".utf8),
            Array("Straße".utf8), Array("zqzqzq".utf8), Array("ab-cab-c".utf8), Array("qqrqqr".utf8),
        ]
        var texts: [[UInt8]] = [
            [], Array("zq".utf8), Array("zq1".utf8), Array("jjx".utf8), Array("ab-cx".utf8), Array("zq1\n".utf8),
            Array("x\nzq2".utf8), Array("zq\n".utf8), Array("\nzq\n".utf8), Array("ab-c12\n".utf8),
            Array((String(repeating: "plain words ", count: 20) + "x\nzq7\n").utf8),
            Array(("zq7\n" + String(repeating: "plain words ", count: 20) + "ab-c12").utf8),
        ]
        for _ in 0..<count {
            var text: [UInt8] = []
            let length = generator.below(400)
            let atEdges = generator.below(3) == 0
            if atEdges { text += Array(keywords[generator.below(keywords.count)].utf8) }
            while text.count < length {
                switch generator.below(6) {
                case 0:
                    text += Array(keywords[generator.below(keywords.count)].utf8)
                case 1:
                    text += (0..<(1 + generator.below(8))).map { _ in UInt8(0x30 + generator.below(10)) }
                case 2:
                    // Prose: letters (no keyword is likely) for a while, so segments stay apart.
                    text += (0..<(1 + generator.below(90))).map { _ in
                        generator.below(6) == 0 ? 0x20 : UInt8(0x61 + generator.below(8))
                    }
                case 3:
                    text += (0..<(1 + generator.below(6))).map { _ in UInt8(0x61 + generator.below(26)) }
                default:
                    text += pieces[generator.below(pieces.count)]
                }
            }
            if atEdges { text += Array(keywords[generator.below(keywords.count)].utf8) }
            texts.append(text)
        }
        return texts
    }

    static func ends(_ database: PatternDatabase, _ text: [UInt8]) throws -> [String] {
        try DigitGateTests.ends(database, text)
    }

    @Test("the keyword-gated scan reports exactly the ends a whole-text scan does, on adversarial texts")
    func sameEndsOnEdges() throws {
        // Each pattern alone (the reach is then its own: its matches reach the segments' edges), then all.
        var sets = Self.edgePatterns.map { [$0] }
        sets.append(Self.edgePatterns)
        var reported = 0
        var gatedSets = 0
        for set in sets {
            for prefilterForms in [true, false] {
                let patterns = set.map(\.pattern)
                let keywords = set.map(\.keywords)
                let gated = try PatternDatabase(
                    patterns: patterns, keywords: keywords, prefilterForms: prefilterForms)
                let whole = try PatternDatabase(
                    patterns: patterns, keywords: keywords, prefilterForms: prefilterForms, gating: false)
                #expect(whole.gateKeywords.isEmpty)
                if !gated.gateKeywords.isEmpty { gatedSets += 1 }
                for (index, text) in Self.texts(count: set.count == 1 ? 500 : 2_000, seed: 23).enumerated() {
                    let expected = try Self.ends(whole, text)
                    #expect(
                        try Self.ends(gated, text) == expected, "\(patterns.map(\.expression)) text \(index): \(text)")
                    reported += expected.count
                }
            }
        }
        #expect(gatedSets >= 20)
        #expect(reported > 20_000)
    }

    @Test("a keyword the pattern does not require gates nothing, and its matches are still found")
    func unprovenKeyword() throws {
        let patterns: [Pattern] = [(#"(?:zz|yy)[0-9]{3}"#, false, false)]
        let database = try PatternDatabase(patterns: patterns, keywords: [["zz"]], prefilterForms: true)
        #expect(database.gateKeywords.isEmpty)
        let found = try Array("no keyword here: yy123".utf8).withUnsafeBytes { try database.scan($0) }
        #expect(found.map { "\($0.start)-\($0.end)" } == ["17-22"])
    }

    @Test("keywords are found in any case, overlapping, at the text's edges and between NUL and invalid UTF-8")
    func hostileKeywords() throws {
        let patterns: [Pattern] = [(#"(?i)zqtok[0-9]{4}\b"#, false, false), (#"ab-cab-c[0-9]\b"#, false, false)]
        let keywords = [["ZQTok"], ["ab-cab-c"]]
        let gated = try PatternDatabase(patterns: patterns, keywords: keywords, prefilterForms: true)
        let whole = try PatternDatabase(patterns: patterns, keywords: keywords, prefilterForms: true, gating: false)
        #expect(gated.gateKeywords.map(\.bytes) == [Array("zqtok".utf8), Array("ab-cab-c".utf8)])
        let filler = String(repeating: "plain words ", count: 40)
        let values = ["zqtok1234", "ZQTOK1234", "zQtOk1234", "ab-cab-ab-cab-c7", "ab-cab-cab-c7"]
        var texts: [[UInt8]] = []
        for value in values {
            for (before, after) in [
                ([UInt8](), [UInt8]()), ([0x00], [0x00]), ([0xFF], [0xC3]), (Array("x".utf8), Array("y".utf8)),
                (Array(filler.utf8), []), ([], Array(filler.utf8)), (Array(filler.utf8), Array(filler.utf8)),
            ] {
                texts.append(before + Array(value.utf8) + after)
            }
        }
        var found = 0
        for text in texts {
            let expected = try Self.ends(whole, text)
            #expect(try Self.ends(gated, text) == expected, "\(text)")
            found += expected.count
        }
        #expect(found >= 20)
    }

    @Test("with the real packs and their keywords, gated and whole-text prefilters report the same ends")
    func sameEndsWithPacks() throws {
        let rules = ScreeningTests.packs.flatMap(\.rules)
        let patterns: [Pattern] = rules.flatMap { rule in
            rule.patterns.map { ($0, rule.caseInsensitive, rule.validator == "person-name") }
        }
        let keywords = rules.flatMap { rule in rule.patterns.map { _ in rule.keywords } }
        let gated = try PatternDatabase.make(patterns: patterns, keywords: keywords)
        let whole = try PatternDatabase.make(patterns: patterns, keywords: keywords, gating: false)
        #expect(gated.gateKeywords.count > 150)
        var texts = Self.texts(count: 200, seed: 5)
        // Each gitleaks secret the pack's examples give, at the text's edges, in prose, upper- and lower-cased,
        // next to NUL and invalid UTF-8.
        let filler = String(repeating: "plain words ", count: 30)
        for rule in rules where !rule.keywords.isEmpty {
            for value in rule.examples.match {
                for form in [value, value.uppercased(), value.lowercased()] {
                    texts.append(Array(form.utf8))
                    texts.append(Array((filler + form + " " + filler).utf8))
                    texts.append([0x00] + Array(form.utf8) + [0xFF])
                }
            }
        }
        var reported = 0
        for (index, text) in texts.enumerated() {
            let expected = try Self.ends(whole, text)
            #expect(try Self.ends(gated, text) == expected, "text \(index): \(text)")
            reported += expected.count
        }
        #expect(reported > 1_000)
    }

    /// A one-rule pack with `keywords` written as `field` (the rule's line is 5, the field's 9).
    static func pack(_ field: String) -> String {
        """
        pack: p
        title: t
        version: "1"
        rules:
          - id: r
            title: t
            category: credentials
            entity: API_KEY
        \(field)
            patterns: ['zq_[a-z0-9]{8}\\b']
            action: block
            message: m
            source: {title: s, url: u}
        """
    }

    @Test("a rule's keywords are read from its pack, kept by the pack cache's encoding, and gate its pattern")
    func packField() throws {
        let pack = try PackLoader.load(bytes: Array(Self.pack("    keywords: [ZQ_, 'other']").utf8), origin: "p.yaml")
        #expect(pack.rules.first?.keywords == ["ZQ_", "other"])
        let plain = try PackLoader.load(bytes: Array(Self.pack("").utf8), origin: "p.yaml")
        #expect(plain.rules.first?.keywords == [])
        let encoded = PackEncoding.encode(pack)
        #expect(encoded.withUnsafeBytes { PackEncoding.decode($0) }?.rules.first?.keywords == ["ZQ_", "other"])
        let screener = try Screener(packs: [pack])
        #expect(try screener.scan("the key zq_a1b2c3d4 leaked").count == 1)
        #expect(try screener.scan("the key ZQ_A1B2C3D4 leaked").isEmpty)  // the pattern is case-sensitive
    }

    @Test(
        "bad keywords are refused at their file and line",
        arguments: [
            (pack("    keywords: []"), "bad.yaml:9", "'keywords' must be a non-empty list of text"),
            (pack("    keywords: zq_"), "bad.yaml:9", "'keywords' must be a non-empty list of text"),
            (pack("    keywords: ['']"), "bad.yaml:9", "a keyword must not be empty"),
            (pack("    keywords: [zq_, 12]"), "bad.yaml:9", "'keywords' items must be text"),
            (pack("    keywords: [zq_, true]"), "bad.yaml:9", "'keywords' items must be text"),
            (pack("    keywords: [zq_, ~]"), "bad.yaml:9", "'keywords' items must be text"),
            (pack("    keywords: [[zq_]]"), "bad.yaml:9", "'keywords' items must be text"),
            (pack("    keywords: [{a: b}]"), "bad.yaml:9", "'keywords' items must be text"),
        ])
    func badKeywords(yaml: String, place: String, message: String) {
        FailedCheckTests.expectRefused(yaml, at: place, saying: message)
    }
}
