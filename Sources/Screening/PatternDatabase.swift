import CHyperscan
import Foundation
import Synchronization

/// Every pattern of every loaded rule, compiled for Hyperscan/Vectorscan in block mode: one pass over the text finds
/// every candidate, in time linear in the text, whatever the patterns.
///
/// Tracking where each match starts (`HS_FLAG_SOM_LEFTMOST`) slows the whole scan several times over, so the work
/// is split in two:
/// 1. a *prefilter* pass over all patterns without start tracking scans the whole text and reports, per pattern,
///    where matches end;
/// 2. only around those ends, a per-pattern database with start tracking finds the leftmost starts (or, for a
///    pattern simple enough to read into one, its ``PositionAutomaton``, which finds the same starts without the
///    engine). A pattern of fixed width needs no second pass (start = end − width; when it is scanned in a shorter
///    form, what the form leaves out is checked byte by byte: ``FixedPrefix``); a bounded one is rescanned over its
///    maximum width before each end; an unbounded one over ``unboundedWindow`` bytes. Windows begin after whitespace
///    so `\b` and `^` mean what they mean in the whole text — for a pattern whose matches cannot hold whitespace,
///    just after the last whitespace before the end — reach one byte past the end, and overlapping windows are merged
///    so no byte is rescanned twice for the same pattern.
///
/// The prefilter scans a pattern in its cheaper ``PrefilterExpression`` form when it has one (`@…` for an e-mail
/// address): that form matches at every end the pattern does, and the second pass, which then always runs, keeps
/// only the pattern's own matches. Forms that differ only in one group of alternatives (the street-address patterns,
/// split four ways to compile) share one entry with the alternatives joined
/// (``PrefilterExpression/shares(_:flags:eligible:)``), and each end it reports is confirmed for each of them.
/// Entries that cannot match without an ASCII digit and span at most ``DigitGate/widest`` bytes (identifiers, phone
/// numbers, dates) are scanned in a database of their own over the parts of the text near digits only, joined
/// (``DigitGate``): the same ends, at a fraction of the cost on prose. Entries of rules with `keywords` (gitleaks'
/// ~190 credential rules) whose syntax proves every match holds one of them are scanned likewise, in one more
/// database, only around the keywords a literal database finds (``KeywordGate``).
/// Patterns marked `window` (a person-name rule's own patterns, if it has any: the recogniser tokenises their regions
/// itself) skip the second pass: each merged window (``windowReach`` bytes before each end) is reported as one
/// match.
///
/// Patterns are matched byte-wise (not in UTF-8 mode), so invalid UTF-8 and NUL bytes are scanned safely and
/// offsets are UTF-8 byte offsets.
package final class PatternDatabase: @unchecked Sendable {
    /// A candidate: which pattern, and its byte range in the scanned text.
    package struct Match {
        package var pattern: Int
        package var start: Int
        package var end: Int
    }

    /// How far before its end an unbounded pattern's match may start (names, addresses, e-mail addresses).
    static let unboundedWindow = 320
    /// How far before its end a `window` pattern's region reaches.
    static let windowReach = 64
    /// How far back a window grows to find the start of a match the prefilter reported but the window did not
    /// hold (a private key block): past it the match is left to the rule's shorter patterns.
    static let longestMissedMatch = 64 << 10

    /// The prefilter pass over the whole text, in two databases: case-sensitive patterns, and case-insensitive ones
    /// (a flag or a leading `(?i)`: words and phrases). Hyperscan runs both faster apart than mixed in one (~12 % on
    /// prose), because caseless literals slow the literal matcher that the identifiers' patterns share.
    private let prefilters: [OpaquePointer]
    /// The prefilter entries that cannot match without a digit, scanned only near digits (see ``DigitGate``), with
    /// the gate that finds those parts; nil when no entry is gated.
    private let gated: (database: OpaquePointer, gate: DigitGate)?
    /// The prefilter entries scanned only around their keywords, the literal database that finds those keywords, and
    /// the gate that turns them into segments (see ``KeywordGate``); nil when no entry is gated so.
    private let keywordGated: (database: OpaquePointer, literals: OpaquePointer, gate: KeywordGate)?
    /// Per pattern: whether it has a start-tracking database (not when its width is fixed and it is scanned as
    /// written). Those loaded from a cached set are deserialised at first use: most never run in a process that
    /// screens one short text, and the biggest take megabytes.
    private let confirmed: [Bool]
    /// Per pattern: its expression and flags, to compile its start-tracking database should the cached one not load.
    private let sources: [(expression: String, flags: UInt32)]
    /// The cached set the confirmers not loaded yet are read from, and each one's bytes in it.
    private let stored: (file: MappedFile, ranges: [Range<Int>?])?
    private let widths: [(min: Int, max: Int)]
    /// Per pattern of fixed width scanned in a shorter form: what the form leaves out, checked in place of a
    /// confirming scan (see ``FixedPrefix``).
    private let prefixes: [FixedPrefix?]
    /// Per pattern: report merged windows instead of exact matches.
    private let windowed: [Bool]
    /// Per pattern confirmed in windows: its automaton, which confirms in place of the start-tracking database when
    /// the pattern is simple enough to read into one (see ``PositionAutomaton``), built at first use.
    private let automata: PositionAutomaton.Set
    /// Per pattern whose prefilter entry others share: those others, given each end it reports.
    private let sharers: [[Int]]
    /// Per pattern: no match can hold a space, tab or line break (an e-mail address, an IP address), so a window
    /// need reach back only to the last whitespace before the end, not ``unboundedWindow`` bytes.
    private let withinWords: [Bool]
    /// Per pattern: the prefilter scans it as written, so every end it reports is the end of a real match.
    private let scannedAsWritten: [Bool]
    /// What grows as confirmers load.
    private let loaded: Mutex<Loaded>
    /// Whether this database was read from a cached set (its confirmers loaded at first use).
    var isFromCachedSet: Bool { stored != nil }

    /// The confirmers loaded so far and the scratch spaces sized for them (pointers as bit patterns).
    private struct Loaded {
        /// Per pattern: its confirmer, 0 while not loaded.
        var confirmers: [Int]
        /// Every database loaded, in the order scratch spaces grow for them (the prefilters first).
        var databases: [Int]
        /// The scratch space new ones are cloned from, grown for every database in `databases`.
        var prototype: Int
        /// Idle scratch spaces, each with how many of `databases` it is grown for.
        var idle: [(bits: Int, grown: Int)]
    }

    /// Databases already compiled in this process, by their patterns: compiling the default packs takes seconds,
    /// and a process (or a test run) builds many screeners from the same packs.
    private static let compiled = Mutex<[String: PatternDatabase]>([:])

    /// The database for `patterns`, compiled once per process.
    /// `prefilterForms: false` scans every pattern as written, `sharing: false` gives every pattern its own entry in
    /// the prefilter, `gating: false` scans every entry over the whole text (for tests and benchmarks that compare the
    /// ways).
    /// `keywords` (per pattern, empty for none; all empty when not given) are its rule's keywords
    /// (``Rule/keywords``).
    package static func make(
        patterns: [(expression: String, caseInsensitive: Bool, window: Bool)], keywords: [[String]]? = nil,
        prefilterForms: Bool = true, sharing: Bool = true, gating: Bool = true
    ) throws(PatternCompileError) -> PatternDatabase {
        if let problem = engineProblem { throw PatternCompileError(patternIndex: nil, message: problem) }
        let key =
            (prefilterForms ? "" : "as written\u{0}") + (sharing ? "" : "unshared\u{0}")
            + (gating ? "" : "ungated\u{0}")
            + patterns.indices.map { index in
                let pattern = patterns[index]
                return (pattern.caseInsensitive ? "i" : "s") + (pattern.window ? "w" : "")
                    + (keywords?[index].map { "\u{1}" + $0 }.joined() ?? "") + ":" + pattern.expression
            }
            .joined(separator: "\u{0}")
        if let database = compiled.withLock({ $0[key] }) { return database }
        let database = try PatternDatabase(
            patterns: patterns, keywords: keywords, prefilterForms: prefilterForms, sharing: sharing, gating: gating)
        compiled.withLock { $0[key] = database }
        return database
    }

    /// Known answers the matching library must give, checked once per process before any pack is used: Debian 12's
    /// Vectorscan 5.4.9 misses `d\d+` in "aaaaaaaaaaaaaaa d9" (a match starting at the second 16-byte block), and a
    /// screening engine that silently misses matches must not start. Nil when the library passes.
    static let engineProblem: String? = {
        let probes: [(pattern: String, text: String)] = [
            (#"d\d+"#, "aaaaaaaaaaaaaaa d9"),
            (#"\b\d{3}-\d{2}-\d{4}\b"#, String(repeating: "x ", count: 20) + "212-56-7890"),
            (#"[a-z]+@[a-z]+\.org"#, String(repeating: "-", count: 31) + "maria@example.org"),
        ]
        for probe in probes {
            let found: [Match]
            do {
                // Not gated: the probes place their matches where the engine went wrong, which joining would move.
                let database = try PatternDatabase(
                    patterns: [(probe.pattern, false, false)], prefilterForms: false, gating: false)
                found = try Array(probe.text.utf8).withUnsafeBytes { try database.scan($0) }
            } catch {
                return "the pattern-matching library failed its self-test: \(error)"
            }
            if found.isEmpty {
                return "the installed pattern-matching library misses matches (\(probe.pattern.debugDescription) in "
                    + "\(probe.text.debugDescription)): it cannot be trusted to screen prompts. On x86-64 install "
                    + "Hyperscan (apt install libhyperscan-dev; scripts/setup.sh does this) instead of Vectorscan 5.4.9."
            }
        }
        return nil
    }()

    /// Compiles `patterns`; the error names the pattern that failed and why, so the pack can be refused at load.
    convenience init(
        patterns: [(expression: String, caseInsensitive: Bool, window: Bool)], keywords: [[String]]? = nil,
        prefilterForms: Bool, sharing: Bool = true, gating: Bool = true
    ) throws(PatternCompileError) {
        let keywords = keywords ?? patterns.map { _ in [] }
        precondition(keywords.count == patterns.count, "one list of keywords per pattern")
        let (flags, syntaxes, forms, caseless, setKey) = Self.plan(
            patterns, keywords: keywords, prefilterForms: prefilterForms, sharing: sharing, gating: gating)
        if let set = DatabaseCache.loadSet(setKey, patterns: patterns.count) {
            let accepted = set.formAccepted
            try self.init(
                patterns: patterns, syntaxes: syntaxes, flags: flags,
                scanned: patterns.indices.map {
                    accepted[$0] ? forms[$0] ?? patterns[$0].expression : patterns[$0].expression
                },
                prefilters: set.prefilters, gateWidth: set.gateWidth, keywords: set.keywords,
                confirmers: set.confirmers.map { _ in nil },
                stored: (set.file, set.confirmers), widths: set.widths, owners: set.owners)
            return
        }
        // Each pattern alone with start tracking: refuses what the engine cannot run, and confirms starts later.
        var confirmers: [OpaquePointer?] = []
        var widths: [(min: Int, max: Int)] = []
        var scanned: [String] = []
        var failure: PatternCompileError?
        for (index, pattern) in patterns.enumerated() {
            do {
                let width = try Self.width(pattern.expression, flags: flags[index], index: index)
                widths.append(width)
                // The cheaper form, if the engine reads it (else the pattern as written: never a reason to refuse).
                let form = forms[index].flatMap { form in
                    (try? Self.width(form, flags: flags[index], index: index)) == nil ? nil : form
                }
                scanned.append(form ?? pattern.expression)
                let prefix = Self.fixedPrefix(syntaxes[index], scanned: form, flags: flags[index], width: width)
                confirmers.append(
                    (width.min == width.max && (form == nil || prefix != nil)) || pattern.window
                        ? nil
                        : try Self.compile(
                            [pattern.expression], flags: [flags[index] | UInt32(HS_FLAG_SOM_LEFTMOST)], index: index))
            } catch {
                failure = error
                break
            }
        }
        func freeAll() { for case let database? in confirmers { hs_free_database(database) } }
        if let failure {
            freeAll()
            throw failure
        }
        // Forms that differ in one group of alternatives share one entry (see `PrefilterExpression.shares`).
        var (owners, joined) = PrefilterExpression.shares(
            scanned, flags: flags,
            eligible: patterns.indices.map {
                sharing && confirmers[$0] != nil && !patterns[$0].window && scanned[$0] != patterns[$0].expression
            })
        var prefilters: [OpaquePointer] = []
        var gateWidth = 0
        var gateKeywords: [KeywordGate.Keyword] = []
        while true {
            do {
                // Entries whose every match holds one of their rule's keywords go to a database scanned around those
                // keywords only (see `KeywordGate`); of the others, those that cannot match without a digit and are
                // narrow go to one scanned near digits only (see `DigitGate`): each entry read as it is scanned,
                // joined or not.
                let gates = Self.gates(
                    patterns, keywords: keywords, entries: patterns.indices.map { joined[$0] ?? scanned[$0] },
                    owners: owners, flags: flags, gating: gating)
                gateWidth = gates.digitWidth
                gateKeywords = gates.keywords
                for group in [0, 1, 2, 3] {
                    let members = patterns.indices.filter { index in
                        owners[index] == index && (gates.group[index] ?? (caseless[index] ? 1 : 0)) == group
                    }
                    guard !members.isEmpty else { continue }
                    if group == 3 {
                        // The keywords first: the literal database, then the entries gated by them.
                        let literals = KeywordGate.expressions(gateKeywords)
                        prefilters.append(
                            try Self.compile(literals, flags: literals.map { _ in 0 }, index: nil))
                    }
                    prefilters.append(
                        try Self.compile(
                            members.map { joined[$0] ?? scanned[$0] }, flags: members.map { flags[$0] },
                            ids: members.map(UInt32.init), index: nil))
                }
                break
            } catch {
                for database in prefilters { hs_free_database(database) }
                prefilters = []
                // A joined form the engine refuses: each pattern in its own entry, as without sharing.
                guard joined.isEmpty else {
                    (owners, joined) = (Array(patterns.indices), [:])
                    continue
                }
                freeAll()
                throw error
            }
        }
        DatabaseCache.storeSet(
            setKey, formAccepted: patterns.indices.map { scanned[$0] != patterns[$0].expression }, owners: owners,
            widths: widths, prefilters: prefilters, gateWidth: gateWidth, keywords: gateKeywords,
            confirmers: confirmers)
        try self.init(
            patterns: patterns, syntaxes: syntaxes, flags: flags, scanned: scanned, prefilters: prefilters,
            gateWidth: gateWidth, keywords: gateKeywords, confirmers: confirmers, stored: nil, widths: widths,
            owners: owners)
    }

    /// Each pattern read once: its flags, its syntax (whether it is caseless, whether a match can hold whitespace),
    /// the cheaper form it may be scanned in if the engine reads it (checked when compiling), whether it goes to the
    /// caseless prefilter; and the key of the whole set in the cache, which covers everything compiling depends on,
    /// so a process that starts with the same packs reads the set from one file instead of measuring and compiling
    /// each pattern again.
    static func plan(
        _ patterns: [(expression: String, caseInsensitive: Bool, window: Bool)], keywords: [[String]]? = nil,
        prefilterForms: Bool, sharing: Bool = true, gating: Bool = true
    ) -> (flags: [UInt32], syntaxes: [PatternSyntax?], forms: [String?], caseless: [Bool], key: String) {
        let keywords = keywords ?? patterns.map { _ in [] }
        let flags = patterns.map { $0.caseInsensitive ? UInt32(HS_FLAG_CASELESS) : 0 }
        let syntaxes = patterns.map { PatternSyntax($0.expression) }
        let forms = patterns.indices.map { index in
            prefilterForms && !patterns[index].window ? syntaxes[index].flatMap(PrefilterExpression.derive) : nil
        }
        let caseless = patterns.indices.map { index in
            flags[index] & UInt32(HS_FLAG_CASELESS) != 0 || syntaxes[index]?.startsCaseless == true
        }
        let key =
            DatabaseCache.setKey(
                patterns.indices.map { index in
                    (
                        patterns[index].expression, forms[index], flags[index], patterns[index].window,
                        caseless[index], keywords[index]
                    )
                }) + (sharing ? "" : "-unshared") + (gating ? "" : "-ungated")
        return (flags, syntaxes, forms, caseless, key)
    }

    /// Which prefilter database each entry goes to (by pattern, for entries: 0 case-sensitive, 1 caseless, 2 near
    /// digits, 3 around keywords; nil: by its case), the widest match of an entry scanned near digits (0: none),
    /// and the keyword gate's keywords (none: no entry is gated by keywords).
    static func gates(
        _ patterns: [(expression: String, caseInsensitive: Bool, window: Bool)], keywords: [[String]],
        entries: [String], owners: [Int], flags: [UInt32], gating: Bool
    ) -> (group: [Int?], digitWidth: Int, keywords: [KeywordGate.Keyword]) {
        var group: [Int?] = patterns.map { _ in nil }
        guard gating else { return (group, 0, []) }
        // An entry's keywords: those of every pattern it scans (none if one of them has none).
        var entryKeywords: [[String]?] = patterns.indices.map { keywords[$0] }
        for (index, owner) in owners.enumerated() where owner != index {
            entryKeywords[owner] = keywords[index].isEmpty ? nil : entryKeywords[owner].map { $0 + keywords[index] }
        }
        var digitWidth = 0
        var keyed: [(keywords: [String], maximumWidth: Int)] = []
        for entry in patterns.indices where owners[entry] == entry && !patterns[entry].window {
            let expression = entries[entry]
            guard let width = try? Self.width(expression, flags: flags[entry], index: entry) else { continue }
            if let words = entryKeywords[entry], !words.isEmpty, let syntax = PatternSyntax.caseBlind(expression),
                KeywordGate.admits(syntax, keywords: words, maximumWidth: width.max)
            {
                group[entry] = 3
                keyed.append((words, width.max))
            } else if let syntax = PatternSyntax(expression), DigitGate.admits(syntax, maximumWidth: width.max) {
                group[entry] = 2
                digitWidth = max(digitWidth, width.max)
            }
        }
        return (group, digitWidth, KeywordGate.keywords(of: keyed))
    }

    /// A database of compiled (or loaded) parts: `scanned` is each pattern as the prefilter scans it; the last two
    /// of `prefilters` are the keyword gate's literal and gated databases when `keywords` is not empty, and the one
    /// before them the digit-gated one when `gateWidth` (the widest match of an entry gated so) is not 0.
    /// `confirmers` are those loaded; `stored` holds the others' bytes (a pattern with neither has none).
    private init(
        patterns: [(expression: String, caseInsensitive: Bool, window: Bool)], syntaxes: [PatternSyntax?],
        flags: [UInt32], scanned: [String], prefilters: [OpaquePointer], gateWidth: Int,
        keywords: [KeywordGate.Keyword], confirmers: [OpaquePointer?],
        stored: (file: MappedFile, ranges: [Range<Int>?])?, widths: [(min: Int, max: Int)], owners: [Int]
    ) throws(PatternCompileError) {
        var scratch: OpaquePointer?
        var ok = true
        for database in prefilters + confirmers.compactMap({ $0 }) where ok {
            ok = hs_alloc_scratch(database, &scratch) == HS_SUCCESS
        }
        guard ok, let scratch else {
            for case let database? in confirmers { hs_free_database(database) }
            for database in prefilters { hs_free_database(database) }
            throw PatternCompileError(patternIndex: nil, message: "could not allocate scanning memory")
        }
        var whole = prefilters
        if !keywords.isEmpty, whole.count >= 2 {
            let database = whole.removeLast()
            self.keywordGated = (database, whole.removeLast(), KeywordGate(keywords: keywords))
        } else {
            self.keywordGated = nil
        }
        if gateWidth > 0, let last = whole.last {
            self.prefilters = whole.dropLast()
            self.gated = (last, DigitGate(width: gateWidth))
        } else {
            self.prefilters = whole
            self.gated = nil
        }
        self.confirmed = patterns.indices.map { confirmers[$0] != nil || stored?.ranges[$0] != nil }
        self.sources = patterns.indices.map { (patterns[$0].expression, flags[$0]) }
        self.stored = stored
        self.widths = widths
        self.prefixes = patterns.indices.map { index in
            scanned[index] == patterns[index].expression
                ? nil
                : Self.fixedPrefix(syntaxes[index], scanned: scanned[index], flags: flags[index], width: widths[index])
        }
        self.windowed = patterns.map(\.window)
        let confirmed = self.confirmed
        self.automata = PositionAutomaton.Set(
            patterns.indices.map { index in
                guard confirmed[index], !patterns[index].window, let syntax = syntaxes[index] else { return nil }
                return (syntax, flags[index] & UInt32(HS_FLAG_CASELESS) != 0)
            })
        var sharers = patterns.map { _ in [Int]() }
        for (index, owner) in owners.enumerated() where owner != index { sharers[owner].append(index) }
        self.sharers = sharers
        // Every end such a pattern reports is a real match's (anchored ones excepted: `^` means the window's start).
        self.scannedAsWritten = zip(scanned, patterns).enumerated().map { index, pair in
            pair.0 == pair.1.expression && syntaxes[index]?.hasLineAnchors == false
        }
        self.withinWords = syntaxes.map { syntax in
            syntax.map { !$0.canMatchWhitespace && !$0.hasLineAnchors } ?? false
        }
        let databases = prefilters + confirmers.compactMap { $0 }
        self.loaded = Mutex(
            Loaded(
                confirmers: confirmers.map { $0.map { Int(bitPattern: $0) } ?? 0 },
                databases: databases.map { Int(bitPattern: $0) }, prototype: Int(bitPattern: scratch), idle: []))
    }

    deinit {
        loaded.withLock { state in
            for scratch in state.idle { hs_free_scratch(OpaquePointer(bitPattern: scratch.bits)) }
            hs_free_scratch(OpaquePointer(bitPattern: state.prototype))
            for bits in state.databases { hs_free_database(OpaquePointer(bitPattern: bits)) }
        }
    }

    /// Compiles expressions into one block-mode database reporting `ids` (by default their positions); `index`
    /// names the pattern in errors when there is one.
    private static func compile(_ expressions: [String], flags: [UInt32], ids: [UInt32]? = nil, index: Int?)
        throws(PatternCompileError) -> OpaquePointer
    {
        let ids = ids ?? (0..<UInt32(expressions.count)).map { $0 }
        let cacheKey = DatabaseCache.key(expressions, flags: flags, ids: ids)
        if let cached = DatabaseCache.load(cacheKey) { return cached }
        let cStrings = expressions.map { strdup($0) }
        defer { for string in cStrings { free(string) } }
        var db: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let status = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { pointers in
            hs_compile_multi(
                pointers.baseAddress, flags, ids, UInt32(expressions.count), UInt32(HS_MODE_BLOCK), nil, &db,
                &compileError)
        }
        guard status == HS_SUCCESS, let db else {
            let message = compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(status)"
            let failed = compileError.map { Int($0.pointee.expression) } ?? -1
            hs_free_compile_error(compileError)
            throw PatternCompileError(
                patternIndex: index ?? (failed >= 0 && failed < ids.count ? Int(ids[failed]) : nil), message: message)
        }
        DatabaseCache.store(db, key: cacheKey)
        return db
    }

    /// The fewest and most bytes a match can span (`Int.max` when unbounded).
    private static func width(_ expression: String, flags: UInt32, index: Int) throws(PatternCompileError)
        -> (min: Int, max: Int)
    {
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        guard hs_expression_info(expression, flags, &info, &compileError) == HS_SUCCESS, let info else {
            let message = compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "invalid pattern"
            hs_free_compile_error(compileError)
            throw PatternCompileError(patternIndex: index, message: message)
        }
        defer { free(info) }
        let maxWidth = info.pointee.max_width == UInt32.max ? Int.max : Int(info.pointee.max_width)
        return (Int(info.pointee.min_width), maxWidth)
    }

    /// An idle scratch space (or a new one) with how many databases it is grown for, and the confirmers and
    /// databases loaded so far.
    private func takeScratch() -> (scratch: Int, grown: Int, confirmers: [Int], databases: [Int])? {
        loaded.withLock { state in
            if let idle = state.idle.popLast() { return (idle.bits, idle.grown, state.confirmers, state.databases) }
            var clone: OpaquePointer?
            guard hs_clone_scratch(OpaquePointer(bitPattern: state.prototype), &clone) == HS_SUCCESS, let clone
            else { return nil }
            return (Int(bitPattern: clone), state.databases.count, state.confirmers, state.databases)
        }
    }

    /// Loads `pattern`'s confirmer if no scan has yet (from the cached set, else compiled), growing the prototype
    /// scratch space for it; returns the confirmers and databases loaded.
    private func load(_ pattern: Int) throws(ScanFailure) -> (confirmers: [Int], databases: [Int]) {
        try loaded.withLock { state throws(ScanFailure) in
            if state.confirmers[pattern] == 0 {
                var database: OpaquePointer?
                if let stored, let range = stored.ranges[pattern] {
                    database = DatabaseCache.deserialize(stored.file, range)
                }
                if database == nil {
                    let source = sources[pattern]
                    database = try? Self.compile(
                        [source.expression], flags: [source.flags | UInt32(HS_FLAG_SOM_LEFTMOST)], index: pattern)
                }
                guard let database else { throw ScanFailure(message: "a pattern database did not load") }
                var prototype = OpaquePointer(bitPattern: state.prototype)
                guard hs_alloc_scratch(database, &prototype) == HS_SUCCESS, let prototype else {
                    hs_free_database(database)
                    throw ScanFailure(message: "out of memory for scanning")
                }
                state.prototype = Int(bitPattern: prototype)
                state.confirmers[pattern] = Int(bitPattern: database)
                state.databases.append(Int(bitPattern: database))
            }
            return (state.confirmers, state.databases)
        }
    }

    /// Every match in `bytes`, each with its leftmost start. Hyperscan reports each end offset a pattern matches
    /// at; the screener keeps the longest of overlapping ones.
    package func scan(_ bytes: UnsafeRawBufferPointer) throws(ScanFailure) -> [Match] {
        try scan(bytes, automata: true)
    }

    /// ``scan(_:)``, confirming with the start-tracking databases only when `automata` is false (for tests that
    /// compare the two).
    func scan(_ bytes: UnsafeRawBufferPointer, automata useAutomata: Bool) throws(ScanFailure) -> [Match] {
        guard bytes.count > 0, let base = bytes.baseAddress else { return [] }
        guard bytes.count <= Int(UInt32.max) else { throw ScanFailure(message: "text larger than 4 GiB") }
        guard let taken = takeScratch(), var scratch = OpaquePointer(bitPattern: taken.scratch) else {
            throw ScanFailure(message: "out of memory for scanning")
        }
        var grown = taken.grown
        var (loadedConfirmers, databases) = (taken.confirmers, taken.databases)
        var builtAutomata = automata.built
        defer { loaded.withLock { $0.idle.append((Int(bitPattern: scratch), grown)) } }
        /// The scratch space grown for every database loaded (another scan may have loaded one since it was).
        func grow() throws(ScanFailure) {
            while grown < databases.count {
                var pointer: OpaquePointer? = scratch
                guard hs_alloc_scratch(OpaquePointer(bitPattern: databases[grown]), &pointer) == HS_SUCCESS,
                    let pointer
                else { throw ScanFailure(message: "out of memory for scanning") }
                scratch = pointer
                grown += 1
            }
        }
        /// `pattern`'s confirmer, loaded on first use.
        func confirmer(_ pattern: Int) throws(ScanFailure) -> OpaquePointer? {
            guard confirmed[pattern] else { return nil }
            if loadedConfirmers[pattern] == 0 { (loadedConfirmers, databases) = try load(pattern) }
            try grow()
            return OpaquePointer(bitPattern: loadedConfirmers[pattern])
        }
        try grow()

        let ends = try prefilterEnds(bytes, scratch: scratch)
        guard !ends.isEmpty else { return [] }

        var matches: [Match] = []
        matches.reserveCapacity(ends.count)
        func confirm(
            _ confirmer: OpaquePointer?, _ automaton: PositionAutomaton?, _ pattern: Int, _ start: Int, _ end: Int,
            reported: Range<Int>
        ) throws(ScanFailure) {
            guard confirmer != nil || automaton != nil else {
                return matches.append(Match(pattern: pattern, start: start, end: end))
            }
            // One byte past the last end, so an assertion there (`\b` after "fe80::" before a letter) sees the byte
            // that follows, as in the whole text; a match ending on that byte is confirmed in its own window.
            let before = matches.count
            var start = start
            while true {
                if let automaton {
                    automaton.matches(
                        in: bytes, window: start..<min(end + 1, bytes.count), ends: ends[reported].lazy.map(\.end),
                        pattern: pattern, into: &matches)
                } else if let confirmer {
                    try Self.run(
                        confirmer, base + start, min(end + 1, bytes.count) - start, offset: start,
                        pattern: pattern, scratch: scratch, into: &matches)
                }
                // A match that starts where the window starts may have been cut by it (a 1,000-byte e-mail address
                // in a 320-byte window): reach back twice as far and confirm again, until the match starts inside
                // the window or the window starts the text. Its whole value is then replaced, never only its tail.
                // Only an unbounded pattern can outgrow its window; one that cannot hold whitespace and starts just
                // after a space is whole already. A pattern scanned as written whose reported end found no match
                // started before the window (a 3 KB private key block).
                guard widths[pattern].max == Int.max, start > 0 else { break }
                let cut =
                    matches[before...].contains(where: { $0.start == start })
                    && (!Self.isSpace(bytes[start - 1]) || !withinWords[pattern])
                let missed =
                    scannedAsWritten[pattern] && end - start < Self.longestMissedMatch
                    && !matches[before...].contains(where: { $0.end == end })
                guard cut || missed else { break }
                matches.removeSubrange(before...)
                start = Self.wordStart(before: max(0, start - max(end - start, 64)), in: bytes)
            }
            if matches.last.map({ $0.end > end }) ?? false {
                let kept = matches[before...].filter { $0.end <= end }
                matches.replaceSubrange(before..., with: kept)
            }
        }
        var i = 0
        while i < ends.count {
            let pattern = ends[i].pattern
            var next = i
            while next < ends.count && ends[next].pattern == pattern { next += 1 }
            let width = widths[pattern]
            if confirmed[pattern] || windowed[pattern] {
                // Rescan merged windows before the ends with start tracking (or report them, for `window`).
                let reach =
                    windowed[pattern] ? Self.windowReach : width.max == Int.max ? Self.unboundedWindow : width.max
                let automaton = useAutomata ? automata.automaton(pattern, built: &builtAutomata) : nil
                let confirmer = automaton == nil ? try confirmer(pattern) : nil
                var windowStart = -1
                var windowEnd = -1
                var windowFirst = i
                for k in i..<next {
                    let end = ends[k].end
                    var low = max(0, end - reach)
                    if withinWords[pattern], let space = (low..<end).last(where: { Self.isSpace(bytes[$0]) }) {
                        // No match of this pattern holds whitespace: it starts after the last before its end.
                        low = space + 1
                    } else {
                        // Start after whitespace (at most 64 bytes further back) so word boundaries hold.
                        low = Self.wordStart(before: low, in: bytes)
                    }
                    if low <= windowEnd {
                        windowEnd = end
                    } else {
                        if windowEnd > windowStart {
                            try confirm(
                                confirmer, automaton, pattern, windowStart, windowEnd, reported: windowFirst..<k)
                        }
                        windowStart = low
                        windowEnd = end
                        windowFirst = k
                    }
                }
                if windowEnd > windowStart {
                    try confirm(confirmer, automaton, pattern, windowStart, windowEnd, reported: windowFirst..<next)
                }
            } else if let prefix = prefixes[pattern] {
                for k in i..<next where ends[k].end >= width.min && prefix.matches(bytes, at: ends[k].end - width.min) {
                    matches.append(Match(pattern: pattern, start: ends[k].end - width.min, end: ends[k].end))
                }
            } else {
                for k in i..<next where ends[k].end >= width.min {
                    matches.append(Match(pattern: pattern, start: ends[k].end - width.min, end: ends[k].end))
                }
            }
            i = next
        }
        return matches
    }

    /// Where the prefilter reports matches ending, per pattern (an entry's ends given to each pattern sharing it),
    /// ordered by pattern, then end; `bytes` is not empty.
    private func prefilterEnds(_ bytes: UnsafeRawBufferPointer, scratch: OpaquePointer) throws(ScanFailure) -> [Match] {
        var ends: [Match] = []
        for prefilter in prefilters {
            try Self.run(
                prefilter, bytes.baseAddress!, bytes.count, offset: 0, pattern: nil, scratch: scratch, into: &ends)
        }
        if let gated {
            try scanGated(gated.database, gated.gate.segments(of: bytes), bytes, scratch: scratch, into: &ends)
        }
        if let keywordGated {
            var hits: [Match] = []
            try Self.run(
                keywordGated.literals, bytes.baseAddress!, bytes.count, offset: 0, pattern: nil, scratch: scratch,
                into: &hits)
            if !hits.isEmpty {
                try scanGated(
                    keywordGated.database, keywordGated.gate.segments(around: hits, count: bytes.count), bytes,
                    scratch: scratch, into: &ends)
            }
        }
        guard !ends.isEmpty else { return [] }
        for index in ends.indices where !sharers[ends[index].pattern].isEmpty {
            for member in sharers[ends[index].pattern] {
                ends.append(Match(pattern: member, start: ends[index].start, end: ends[index].end))
            }
        }
        return Self.byPatternThenEnd(ends, patterns: widths.count)
    }

    /// Scans a gated database over `segments` of `bytes` joined by a byte none of its entries can match (the same for
    /// both gates: NUL), or over the whole text when `segments` is nil, appending the ends it reports in the text.
    private func scanGated(
        _ database: OpaquePointer, _ segments: [Range<Int>]?, _ bytes: UnsafeRawBufferPointer, scratch: OpaquePointer,
        into ends: inout [Match]
    ) throws(ScanFailure) {
        guard let segments else {
            return try Self.run(
                database, bytes.baseAddress!, bytes.count, offset: 0, pattern: nil, scratch: scratch, into: &ends)
        }
        guard !segments.isEmpty else { return }
        // The segments, joined: their ends moved back to where they are in the text.
        let (joined, starts) = DigitGate.join(segments, of: bytes)
        defer { joined.deallocate() }
        var found: [Match] = []
        try Self.run(
            database, UnsafeRawPointer(joined.baseAddress!), joined.count, offset: 0, pattern: nil, scratch: scratch,
            into: &found)
        for match in found {
            let end = DigitGate.textOffset(ofJoined: match.end, segments: segments, starts: starts)
            ends.append(Match(pattern: match.pattern, start: end, end: end))
        }
    }

    /// The prefilter's ends in `bytes` (``prefilterEnds(_:scratch:)``), for tests that compare ways of scanning.
    func reportedEnds(_ bytes: UnsafeRawBufferPointer) throws(ScanFailure) -> [Match] {
        guard bytes.count > 0 else { return [] }
        guard let taken = takeScratch(), let scratch = OpaquePointer(bitPattern: taken.scratch) else {
            throw ScanFailure(message: "out of memory for scanning")
        }
        // Scratch spaces are always grown for the prefilters, the first databases loaded.
        defer { loaded.withLock { $0.idle.append((Int(bitPattern: scratch), taken.grown)) } }
        return try prefilterEnds(bytes, scratch: scratch)
    }

    /// The widest match of a prefilter entry scanned near digits only, nil when none is (see ``DigitGate``).
    var gateWidth: Int? { gated?.gate.width }

    /// The keywords gated entries are scanned around, empty when none is (see ``KeywordGate``).
    var gateKeywords: [KeywordGate.Keyword] { keywordGated?.gate.keywords ?? [] }

    /// `ends` ordered by pattern, then end: counted into one run per pattern (in the order the engine reported them,
    /// which is by end almost always), each run sorted by end only if it is not already. Cheaper than sorting the
    /// whole list on dense text, where there are tens of thousands. Two ends of one pattern at the same offset are
    /// interchangeable (only the pattern and the end are read), so the order is the one a full sort gives.
    ///
    /// A short text has a few dozen ends and hundreds of patterns: counting would read and clear a slot per pattern
    /// for each, so such a list is sorted instead.
    static func byPatternThenEnd(_ ends: [Match], patterns: Int) -> [Match] {
        if ends.count * 8 < patterns {
            return ends.sorted { $0.pattern != $1.pattern ? $0.pattern < $1.pattern : $0.end < $1.end }
        }
        var firsts = [Int](repeating: 0, count: patterns + 1)
        for end in ends { firsts[end.pattern + 1] += 1 }
        for pattern in 0..<patterns { firsts[pattern + 1] += firsts[pattern] }
        var next = firsts
        var ordered = [Match](repeating: Match(pattern: 0, start: 0, end: 0), count: ends.count)
        for end in ends {
            ordered[next[end.pattern]] = end
            next[end.pattern] += 1
        }
        for pattern in 0..<patterns where firsts[pattern + 1] - firsts[pattern] > 1 {
            let run = firsts[pattern]..<firsts[pattern + 1]
            if zip(ordered[run].dropFirst(), ordered[run]).contains(where: { $0.end < $1.end }) {
                ordered[run].sort { $0.end < $1.end }
            }
        }
        return ordered
    }

    /// What a fixed-width pattern's shorter form leaves out, when it can be checked byte by byte (not caseless:
    /// its classes are read as written).
    private static func fixedPrefix(
        _ syntax: PatternSyntax?, scanned form: String?, flags: UInt32, width: (min: Int, max: Int)
    ) -> FixedPrefix? {
        guard let syntax, let form, width.min == width.max, flags & UInt32(HS_FLAG_CASELESS) == 0 else { return nil }
        return FixedPrefix(syntax, form: form)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// `low`, moved back (at most 64 bytes) to just after whitespace, so word boundaries hold in a window from it.
    private static func wordStart(before low: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var low = low
        let limit = max(0, low - 64)
        while low > limit && !isSpace(bytes[low - 1]) { low -= 1 }
        return low
    }

    /// Scans `length` bytes at `pointer`, appending matches (shifted by `offset`; as `pattern` when the database
    /// holds one pattern) to `list`.
    private static func run(
        _ database: OpaquePointer, _ pointer: UnsafeRawPointer, _ length: Int, offset: Int, pattern: Int?,
        scratch: OpaquePointer, into list: inout [Match]
    ) throws(ScanFailure) {
        var context = (list: list, offset: offset, pattern: pattern ?? -1)
        list = []
        let status = withUnsafeMutablePointer(to: &context) { contextPointer in
            hs_scan(
                database, pointer.assumingMemoryBound(to: CChar.self), UInt32(length), 0, scratch,
                { id, from, to, _, raw in
                    let context = raw!.assumingMemoryBound(to: (list: [Match], offset: Int, pattern: Int).self)
                    let pattern = context.pointee.pattern >= 0 ? context.pointee.pattern : Int(id)
                    let offset = context.pointee.offset
                    context.pointee.list.append(
                        Match(pattern: pattern, start: Int(from) + offset, end: Int(to) + offset))
                    return 0
                }, contextPointer)
        }
        list = context.list
        guard status == HS_SUCCESS else { throw ScanFailure(message: "scan failed with error \(status)") }
    }
}

package struct PatternCompileError: Error {
    package var patternIndex: Int?
    package var message: String
}

/// The engine failed to scan (out of memory): the caller must fail closed.
public struct ScanFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "screening failed: \(message)" }
}
