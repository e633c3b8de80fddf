/// Where in a text the prefilter entries of rules with keywords can match, so their database scans only there.
///
/// Gitleaks gives most of its rules `keywords`: literals one of which every secret's text holds (`adafruit`,
/// `glpat-`, `hooks.slack.com`). An entry is *gated* by its rule's keywords when its syntax, read as it is scanned
/// (its prefilter form, or the joined alternatives of a shared entry), proves that every match holds one of them
/// ASCII-case-insensitively (``PatternSyntax/mustContain(oneOf:)``, conservative: when unsure it is not), no match
/// can hold the ``separator`` byte, and none of its keywords is ``tooCommon`` in prose. A keyword the syntax does not prove required gates nothing: the entry is scanned over the
/// whole text as before.
///
/// Gated entries share one database. One caseless literal database of all their keywords scans the whole text
/// (cheap: literals only); around each keyword found, ending at `e` and `n` bytes long, the bytes
/// `e − reach − 1 ..< e − n + reach + 1` (`reach` the widest bounded gated entry with that keyword) are kept, and
/// the text's first and last byte, merged where they overlap or touch, and joined by the separator as ``DigitGate``
/// joins its segments.
///
/// Why the joined segments report exactly the ends a whole-text scan does:
/// - a match of a gated entry holds one of its keywords, found at some `e − n ..< e`, and spans at most `reach`
///   bytes, so it lies within `e − reach ..< e − n + reach`, and the byte before it and the byte after it (all an
///   assertion can read: `\b` and `\B` look at one byte either side) lie within that keyword's segment, or are the
///   text's edge, which is then the joined text's edge too;
/// - no match can hold the separator, so every match in the joined text lies within one segment; it holds one of
///   its keywords, whose whole occurrence is then in the segment and was found in the text, so the match lies,
///   with the byte either side, within that occurrence's bytes: a match of the text;
/// - segments are disjoint, so each end is reported once;
/// - the joined text starts where the text starts and ends where it ends (the first and last byte are always
///   kept), so `^`, `\A` and `$`, `\z`, `\Z` (the end, or before a line feed that ends the text) hold at its edges
///   exactly where they hold in the text, and nowhere else but where a byte either side decides them (`(?m)`).
///   When no keyword occurs, no gated entry can match, and nothing is scanned.
///
/// An entry whose matches are unbounded (`[A-Za-z0-9+/]{250,}`) has no reach: when one of its keywords occurs, the
/// gated database scans the whole text. So does it when the segments cover half the text or more.
struct KeywordGate {
    /// One keyword: its bytes (lower case), and how far a gated entry's match holding it reaches.
    struct Keyword: Equatable {
        var bytes: [UInt8]
        /// The widest bounded gated entry that has this keyword (0 when only unbounded ones have it).
        var reach: Int
        /// Whether an unbounded gated entry has this keyword: when it occurs, the whole text is scanned.
        var wholeText: Bool
    }

    /// The byte that joins segments: no gated entry can match it. The segments are joined as ``DigitGate``'s are,
    /// by ``DigitGate/join(_:of:)``, so it is that gate's byte.
    static let separator = DigitGate.separator

    /// Keywords found so often in prose that a rule with one is not worth gating: its segments would cover much of
    /// the text, and every gated entry would be scanned there. Counted in Benchmarks/eval/prose.jsonl (28 KB of
    /// English prose about the project): `key` 88 times, `s.` 29 (every sentence ending in "s."), `sk` 10
    /// ("task", "risk"), `api` 10, `curl` 8, `secret` 6, `auth` 3, `token` 2, `credential` 1. `access`,
    /// `password`, `passwd` and `creds` (not found there) are words of the same kind, and gitleaks gives them only to
    /// its generic rule, which has `key` too. Every other keyword occurs at most once there (`linear`, `api-`).
    static let tooCommon: Set<String> = [
        "key", "s.", "sk", "api", "curl", "secret", "auth", "token", "credential", "access", "password", "passwd",
        "creds",
    ]

    /// The keywords, by their id in the literal database.
    let keywords: [Keyword]

    /// Whether an entry read (case-blind) as `syntax`, with `keywords`, whose matches span at most `maximumWidth`
    /// bytes (`Int.max`: unbounded), may be gated.
    static func admits(_ syntax: PatternSyntax, keywords: [String], maximumWidth: Int) -> Bool {
        maximumWidth >= 1 && !keywords.isEmpty
            && !keywords.contains(where: { tooCommon.contains(String(decoding: lowered($0), as: UTF8.self)) })
            && !syntax.top.canMatch(ByteSet(bytes: [separator]))
            && syntax.mustContain(oneOf: keywords.map { Array($0.utf8) })
    }

    /// `keyword`'s bytes with ASCII letters in lower case.
    static func lowered(_ keyword: String) -> [UInt8] {
        keyword.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
    }

    /// The gate's keywords from the gated entries' keywords and widths: one per distinct keyword (ASCII case
    /// folded), in order of first appearance.
    static func keywords(of entries: [(keywords: [String], maximumWidth: Int)]) -> [Keyword] {
        var found: [Keyword] = []
        var index: [[UInt8]: Int] = [:]
        for entry in entries {
            for keyword in entry.keywords {
                let bytes = lowered(keyword)
                let at = index[bytes] ?? found.count
                if at == found.count {
                    index[bytes] = at
                    found.append(Keyword(bytes: bytes, reach: 0, wholeText: false))
                }
                if entry.maximumWidth == Int.max {
                    found[at].wholeText = true
                } else {
                    found[at].reach = max(found[at].reach, entry.maximumWidth)
                }
            }
        }
        return found
    }

    /// Each keyword as a pattern that matches it in either case, byte-wise (letters as `[aA]`, every other byte as
    /// `\xHH`), for the literal database.
    static func expressions(_ keywords: [Keyword]) -> [String] {
        keywords.map { keyword in
            keyword.bytes.map { byte in
                if (0x61...0x7A).contains(byte) {
                    let lower = Character(Unicode.Scalar(byte))
                    return "[\(lower)\(lower.uppercased())]"
                }
                let digits = String(byte, radix: 16, uppercase: true)
                return "\\x" + (digits.count == 1 ? "0" + digits : digits)
            }.joined()
        }
    }

    /// The segments of a text of `count` bytes a gated entry can match in, given the keywords found (`pattern`: the
    /// keyword, `end`: where it ends), in order, disjoint and not touching, the first starting the text and the last
    /// ending it; nil when the whole text must be scanned (a keyword of an unbounded entry, or segments covering half
    /// the text or more); empty when no keyword was found.
    func segments(around hits: [PatternDatabase.Match], count: Int) -> [Range<Int>]? {
        guard !hits.isEmpty, count > 0 else { return [] }
        // The text's first and last byte, so the joined text's edges are the text's (line anchors).
        var windows: [Range<Int>] = [0..<1]
        windows.reserveCapacity(hits.count + 2)
        for hit in hits {
            let keyword = keywords[hit.pattern]
            if keyword.wholeText { return nil }
            let low = max(0, hit.end - keyword.reach - 1)
            let high = min(count, hit.end - keyword.bytes.count + keyword.reach + 1)
            if low < high { windows.append(low..<high) }
        }
        windows.append((count - 1)..<count)
        // Hits come by end, and reaches differ by keyword: order by start before merging.
        if zip(windows.dropFirst(), windows).contains(where: { $0.lowerBound < $1.lowerBound }) {
            windows.sort { $0.lowerBound < $1.lowerBound }
        }
        var segments: [Range<Int>] = []
        var covered = 0
        for window in windows {
            if let last = segments.last, window.lowerBound <= last.upperBound {
                if window.upperBound > last.upperBound {
                    covered += window.upperBound - last.upperBound
                    segments[segments.count - 1] = last.lowerBound..<window.upperBound
                }
            } else {
                segments.append(window)
                covered += window.count
            }
        }
        return covered * 2 >= count ? nil : segments
    }
}
