/// The rule engine: loaded guideline packs compiled into one pattern database, with validators, context words,
/// allow-lists and overlap resolution deciding what is a finding.
///
/// A `Screener` is immutable and safe to share across tasks; build one per set of packs at start-up.
public final class Screener: Sendable {
    public let packs: [GuidelinePack]
    public let rules: [Rule]
    /// The guideline version in force: a hash over the packs' bytes.
    public let packHash: String
    /// Nil when no rule has a pattern (a pack of recognisers only).
    private let database: PatternDatabase?
    /// For each compiled pattern, the index of its rule.
    private let patternRule: [Int]
    private let validators: [Validators.Check?]
    /// Validators that grade rather than accept or refuse (libphonenumber's phone checks).
    private let gradedValidators: [Validators.GradedCheck?]
    /// For each rule, whether its check is of national numbers (``Validators/national``), looked up once.
    private let checksNational: [Bool]
    /// Each rule's context words and negative words in the form of a normalised column header or key.
    private let labelWords: [(words: ContextWords, negative: ContextWords)]
    /// Rules whose values are dates: their context words belong to the nearest date (see ``clippedAtDigits``).
    private let clipsAtDigits: [Bool]
    /// The first person-name rule: the values in name columns and name fields go to it.
    private let nameRule: Int?
    /// For each rule, whether its candidates go to the person-name recogniser.
    private let recognizesNames: [Bool]
    private let names: PersonNameRecognizer
    private let nameTriggers: NameTriggers?
    /// Each rule's context words as lower-case bytes.
    private let contextWords: [(words: ContextWords, negative: ContextWords)]
    /// Each rule's reasons, built once: "matches the … pattern", ", passes the … check", and both.
    let reasons: [(pattern: String, validated: String, patternValidated: String)]
    /// Each rule's place among the rules ordered by id (see ``ruleKeys(_:)``).
    private let ruleKeys: [Int]
    private let allowLists: [(values: Set<String>, numbers: Set<[UInt8]>)]

    /// Compiles every pattern of `packs`. A pattern the engine cannot run (backreferences, lookaround, bad syntax)
    /// is refused here, naming its rule and file. `gazetteers` feed the `person-name` recogniser.
    public init(packs: [GuidelinePack], gazetteers: Gazetteers = .embedded) throws(PackError) {
        self.packs = packs
        var rules: [Rule] = []
        var seen: [String: String] = [:]
        for pack in packs {
            for rule in pack.rules {
                if let other = seen[rule.id] {
                    throw PackError(file: rule.location, message: "rule id '\(rule.id)' is also defined at \(other)")
                }
                seen[rule.id] = rule.location
                rules.append(rule)
            }
        }
        var patterns: [(expression: String, caseInsensitive: Bool, window: Bool)] = []
        var keywords: [[String]] = []
        var patternRule: [Int] = []
        for (index, rule) in rules.enumerated() {
            for pattern in rule.patterns {
                patterns.append((pattern, rule.caseInsensitive, rule.validator == "person-name"))
                keywords.append(rule.keywords)
                patternRule.append(index)
            }
        }
        guard !rules.isEmpty else { throw PackError(file: "guidelines", message: "no rules to screen with") }
        do {
            database = patterns.isEmpty ? nil : try PatternDatabase.make(patterns: patterns, keywords: keywords)
        } catch {
            if let index = error.patternIndex {
                let rule = rules[patternRule[index]]
                throw PackError(
                    file: rule.location,
                    message: "rule '\(rule.id)': pattern \(patterns[index].expression.debugDescription) cannot be "
                        + "compiled for linear-time matching: \(error.message)")
            }
            throw PackError(file: "guidelines", message: error.message)
        }
        self.rules = rules
        self.patternRule = patternRule
        self.validators = rules.map { $0.validator.flatMap(Validators.named) }
        self.gradedValidators = rules.map { $0.validator.flatMap { Validators.graded[$0] } }
        self.checksNational = rules.map { Validators.national.contains($0.validator ?? "") }
        self.labelWords = rules.map { rule in
            (
                ContextWords(HeaderLabel.normalizedWords(rule.context?.words ?? [])),
                ContextWords(HeaderLabel.normalizedWords(rule.context?.negative ?? []))
            )
        }
        self.clipsAtDigits = rules.map { $0.validator == "date" }
        self.nameRule = rules.firstIndex { $0.validator == "person-name" }
        self.recognizesNames = rules.map { $0.validator == "person-name" }
        self.names = PersonNameRecognizer(gazetteers: gazetteers)
        self.nameTriggers = recognizesNames.contains(true) ? NameTriggers(gazetteers: gazetteers) : nil
        self.contextWords = rules.map { rule in
            (ContextWords(rule.context?.words ?? []), ContextWords(rule.context?.negative ?? []))
        }
        self.allowLists = rules.map(Self.allowList)
        self.reasons = rules.map { rule in
            let pattern = "matches the \(rule.title.lowercased()) pattern"
            let validated = rule.validator.map { ", passes the \($0) check" } ?? ""
            return (pattern, validated, pattern + validated)
        }
        self.ruleKeys = Self.ruleKeys(rules)
        self.packHash = GuidelinePack.combinedHash(packs)
    }

    /// Screens a text. Throws only if the engine itself fails, so callers can fail closed.
    ///
    /// Characters that show as nothing (zero-width spaces and joiners, soft hyphens, bidi controls, NUL and other
    /// control characters) are not read: `123-45\u{200B}-6789` is found as the SSN it displays as, and the
    /// finding's span covers the hidden characters inside it, so the redaction replaces all of what was written.
    /// A finding's `value` is the value as read, without them.
    public func scan(_ text: String) throws(ScanFailure) -> [Finding] {
        if let view = ScreeningView(text) {
            let result = view.bytes.withUnsafeBytes { bytes in
                Result { () throws(ScanFailure) in try scan(bytes: bytes) }
            }
            return try result.get().map { finding in
                var finding = finding
                let range = view.originalRange(finding.start, finding.end)
                (finding.start, finding.end) = (range.lowerBound, range.upperBound)
                return finding
            }
        }
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(ScanFailure) in try scan(bytes: UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    /// Screens raw bytes, which need not be valid UTF-8. Offsets are byte offsets into `bytes`.
    public func scan(bytes: UnsafeRawBufferPointer) throws(ScanFailure) -> [Finding] {
        let matches = try database?.scan(bytes) ?? []
        guard !matches.isEmpty || nameTriggers != nil else { return [] }
        let structure = TableContext(bytes, names: nameRule != nil)
        // Group the candidates by rule and start, longest first: Hyperscan reports every end a pattern matches at.
        // The longest that passes makes the shorter ones moot, and a look-alike verdict ("order 617-…") holds for
        // them all. A person-name rule's pattern matches become windows for the recogniser, with its own.
        let ordered = matches.map { (rule: patternRule[$0.pattern], start: $0.start, end: $0.end) }.sorted {
            if $0.rule != $1.rule { return $0.rule < $1.rule }
            if $0.start != $1.start { return $0.start < $1.start }
            return $0.end > $1.end
        }
        var candidates: [Candidate] = []
        var nameWindows: [Int: [Range<Int>]] = [:]
        var i = 0
        while i < ordered.count {
            let (rule, start) = (ordered[i].rule, ordered[i].start)
            var next = i + 1
            while next < ordered.count && ordered[next].rule == rule && ordered[next].start == start { next += 1 }
            if recognizesNames[rule] {
                // Windows of the rule's patterns, merged: each region is read once.
                var windowEnd = ordered[i].end
                while next < ordered.count && ordered[next].rule == rule && ordered[next].start <= windowEnd {
                    windowEnd = max(windowEnd, ordered[next].end)
                    next += 1
                }
                nameWindows[rule, default: []].append(start..<windowEnd)
            } else {
                var previousEnd = -1
                judging: for k in i..<next where ordered[k].end != previousEnd {
                    previousEnd = ordered[k].end
                    switch judge(ruleIndex: rule, start: start, end: ordered[k].end, in: bytes, structure: structure) {
                    case .finding(let finding):
                        candidates.append(finding)
                        break judging
                    case .lookAlike: break judging
                    case .rejected: continue
                    }
                }
            }
            i = next
        }
        if let nameTriggers {
            let triggered = nameTriggers.windows(in: bytes)
            for rule in rules.indices where recognizesNames[rule] {
                for window in Self.merged(nameWindows[rule, default: []] + triggered) {
                    for span in names.names(in: bytes, start: window.lowerBound, end: window.upperBound)
                    where !PlacePhrases.isPlace(bytes, start: span.start, end: span.end)
                        && !NameContext.isNotAName(
                            bytes, start: span.start, end: span.end, gazetteers: names.gazetteers)
                    {
                        if case .finding(let finding) = judge(
                            ruleIndex: rule, start: span.start, end: span.end, in: bytes, structure: structure,
                            confidence: span.confidence, reason: span.reason)
                        {
                            candidates.append(finding)
                        }
                    }
                }
            }
        }
        // Values under a name header or after a name label: names whether or not the name lists know them.
        if let nameRule {
            for cell in structure.nameCells {
                guard
                    let span = Self.nameInCell(
                        bytes, cell.span, gazetteers: names.gazetteers, minimumWords: cell.role ? 2 : 1),
                    !NameContext.isNotAName(
                        bytes, start: span.lowerBound, end: span.upperBound, gazetteers: names.gazetteers)
                else { continue }
                if case .finding(let finding) = judge(
                    ruleIndex: nameRule, start: span.lowerBound, end: span.upperBound, in: bytes, structure: structure,
                    confidence: 0.85, reason: "a value in a column or field of names")
                {
                    candidates.append(finding)
                }
            }
        }
        return Self.resolveOverlaps(candidates).map(finding)
    }

    /// `windows` in order, overlapping or touching ones joined.
    static func merged(_ windows: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for window in windows.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, window.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, window.upperBound)
            } else {
                merged.append(window)
            }
        }
        return merged
    }

    /// What the engine makes of one candidate.
    private enum Verdict {
        case finding(Candidate)
        /// Not this value (a validator, allow-list or required context said no); a shorter one may still be.
        case rejected
        /// A look-alike by its context ("invoice 617-555-0134"): no candidate at this start is a finding.
        case lookAlike
    }

    private func judge(
        ruleIndex: Int, start: Int, end: Int, in bytes: UnsafeRawBufferPointer, structure: TableContext,
        confidence: Double = 0.6, reason: String? = nil
    ) -> Verdict {
        // The rule's fields are read in place: a copy of the whole rule costs a retain and release per field.
        // Patterns have no lookbehind, so they mark a left boundary with `(?:^|\s)` (or a quote, pipe, `=` or `:`
        // before a value in a record): the span starts after it. A colon is a boundary only before a non-colon, so
        // an IPv6 address written `::1` keeps its first colon.
        var start = start
        while start < end {
            let byte = bytes[start]
            let boundary =
                byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x2C || byte == 0x3B
                || byte == 0x22 || byte == 0x27 || byte == 0x7C || byte == 0x3D
                || (byte == 0x3A && start + 1 < end && bytes[start + 1] != 0x3A)
            guard boundary else { break }
            start += 1
        }
        // The tail of a longer number ("02.2027" in "19.02.2027") is no value of its own.
        guard start < end, !Self.continuesNumber(bytes, at: start) else { return .rejected }
        // A required context word is looked for first: most candidates of such rules (dates, short numbers) have
        // none, and the search costs less than making the value and validating it. A shorter candidate at the same
        // start has a narrower window, so it cannot find one either: the verdict is the same in either order.
        // An optional context word is looked for only once the value has passed its check, as before.
        //
        // The window is the value's row when it is a table cell (words of other rows name other values), and for a
        // date it stops at the nearest digits on either side. A column header or key that holds a context word
        // counts as one ("nhs_number", "DOB:").
        var place: TableContext.Place?
        var placeRead = false
        // The value's label normalised, made once for the several lists of words looked for in it.
        var label: [UInt8]?
        var labelRead = false
        func labelWord(_ words: ContextWords) -> String? {
            if !labelRead && placeRead {
                label = place.flatMap { Self.normalizedLabel($0.label, in: bytes) }
                labelRead = true
            }
            return label.flatMap { label in label.withUnsafeBytes { words.first(in: $0, from: 0, to: $0.count) } }
        }
        func window(_ context: ContextRule) -> (Int, Int) {
            if !placeRead {
                place = structure.place(of: start, end, in: bytes)
                placeRead = true
            }
            var lower = max(0, start - context.window)
            var upper = min(bytes.count, end + context.window)
            if let row = place?.row {
                lower = max(lower, row.lowerBound)
                upper = min(upper, row.upperBound)
            } else if let label = place?.label, !label.isEmpty {
                // A keyed value (`"dl_number": "…", "ssn": …`): words after it name the next key's value.
                upper = min(upper, end)
            }
            if clipsAtDigits[ruleIndex] {
                (lower, upper) = Self.clippedAtDigits(bytes, lower, upper, start: start, end: end)
            }
            return (lower, upper)
        }
        func contextWord(_ context: ContextRule) -> String? {
            let (lower, upper) = window(context)
            let words = contextWords[ruleIndex].words
            if !clipsAtDigits[ruleIndex] {
                if let word = words.first(in: bytes, from: lower, to: max(lower, upper)) { return word }
            } else if let word = words.first(in: bytes, from: lower, to: start) {
                return word
            } else if let after = words.match(in: bytes, from: end, to: max(end, upper)) {
                // After a date, the word belongs to it unless it is nearer the next number ("03/26/2024 (born 1939").
                let next = upper < min(bytes.count, end + context.window) ? upper : Int.max
                if after.at.lowerBound - end <= next - after.at.upperBound { return after.word }
            }
            return labelWord(labelWords[ruleIndex].words)
        }
        // A negative word right before the value names it as something else, whatever else is near:
        // "from version 10.2.3.4".
        if rules[ruleIndex].context != nil, let previous = Self.previousWord(bytes, before: start),
            contextWords[ruleIndex].negative.first(in: bytes, from: previous.lowerBound, to: previous.upperBound) != nil
        {
            return .lookAlike
        }
        // So does the value's own column header or label, unless it also names the rule's kind: a number under
        // "order_no" or a date under "due_date", whatever the field on the line next to it says.
        if let context = rules[ruleIndex].context, !labelWords[ruleIndex].negative.words.isEmpty {
            _ = window(context)
            if labelWord(labelWords[ruleIndex].negative) != nil, labelWord(labelWords[ruleIndex].words) == nil {
                return .lookAlike
            }
        }
        var requiredWord: String?
        if let context = rules[ruleIndex].context, context.required {
            // A date in a table without a header: a column of past dates decades apart holds dates of birth.
            guard
                let word = contextWord(context)
                    ?? (clipsAtDigits[ruleIndex] && place == nil
                        && Self.birthDateColumn(bytes, start: start, end: end) ? "a column of dates of birth" : nil)
                    ?? (place == nil
                        ? Self.columnWord(
                            entity: rules[ruleIndex].entity, validator: rules[ruleIndex].validator,
                            validators[ruleIndex], bytes, start: start, end: end) : nil)
            else { return .rejected }
            requiredWord = word
        }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        // The reason is written out only for a candidate overlap resolution keeps (see ``finding(_:)``).
        var confidence = confidence
        var check = Candidate.CheckOutcome.none
        var word: String?
        if let graded = gradedValidators[ruleIndex] {
            if start > 0, bytes[start - 1] == 0x2B, checksNational[ruleIndex] {
                return .rejected
            }
            switch graded(value[...]) {
            case .valid:
                confidence = 0.95
                check = .valid
            case .plausible:
                check = .plausible
            case .invalid:
                return .rejected
            }
        } else if let validator = validators[ruleIndex] {
            if validator(value[...]) {
                confidence = 0.95
                check = .valid
            } else if rules[ruleIndex].whenCheckFails == .stillPersonalData {
                // Kept, less sure, with the same action; the allow-list and context below still apply.
                confidence = 0.4
                check = .failedKept
            } else {
                return .rejected
            }
        }
        if isAllowed(value, ruleIndex: ruleIndex) { return .lookAlike }
        if let context = rules[ruleIndex].context {
            if let found = requiredWord ?? contextWord(context) {
                confidence = min(1, confidence + 0.3)
                word = found
            } else if contextWords[ruleIndex].negative.first(in: bytes, from: window(context).0, to: end) != nil
                || labelWord(labelWords[ruleIndex].negative) != nil
            {
                return .lookAlike  // "version 10.2.3.4", "order 617-555-0134", a column headed "order_no"
            }
        }
        return .finding(
            Candidate(
                rule: ruleIndex, start: start, end: end, value: value, confidence: confidence, reason: reason,
                check: check, word: word, priority: rules[ruleIndex].priority, ruleKey: ruleKeys[ruleIndex]))
    }

    /// Whether the rule's allow-list holds `value`.
    private func isAllowed(_ value: String, ruleIndex: Int) -> Bool {
        let allowed = allowLists[ruleIndex]
        guard !allowed.values.isEmpty else { return false }
        if allowed.values.contains(value) { return true }
        guard !allowed.numbers.isEmpty else { return false }
        let digits = value.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
        return allowed.numbers.contains(digits)
    }

    /// A rule's allow-list: the values as written, and the digits of those that are numbers written with any
    /// separators ("311", "(617) 555-0134" is the same number as "617-555-0134"); dotted values such as addresses
    /// compare as written only.
    private static func allowList(_ rule: Rule) -> (values: Set<String>, numbers: Set<[UInt8]>) {
        var numbers: Set<[UInt8]> = []
        for allowed in rule.allow {
            let digits = allowed.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
            if !digits.isEmpty, allowed.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || " -()+".utf8.contains($0) }) {
                numbers.insert(digits)
            }
        }
        return (Set(rule.allow), numbers)
    }

    /// Keeps the longest of overlapping findings, then the one of highest priority, then the earliest.
    ///
    /// Candidates are taken in that order and kept when none of the bytes they cover is taken yet. Only candidates
    /// that overlap can take each other's bytes, so the candidates are first cut into clusters (runs that overlap,
    /// in the order of their starts): a candidate alone in its cluster is kept without being ordered, and each
    /// cluster is resolved on its own, in the same order, with the same result as all of them at once.
    static func resolveOverlaps<C: OverlapCandidate>(_ candidates: [C]) -> [C] {
        guard candidates.count > 1 else { return candidates }
        // Positions are sorted, not the findings (each a dozen fields, copied at every swap).
        var spans = candidates.indices.map { (start: candidates[$0].start, end: candidates[$0].end, index: $0) }
        spans.sort { $0.start != $1.start ? $0.start < $1.start : $0.index < $1.index }
        var kept: [Int] = []
        kept.reserveCapacity(candidates.count)
        var cluster: [Int] = []
        var clusterEnd = Int.min
        func flush() {
            if cluster.count == 1 {
                kept.append(cluster[0])
            } else if !cluster.isEmpty {
                kept += resolveCluster(cluster, candidates).sorted { candidates[$0].start < candidates[$1].start }
            }
            cluster.removeAll(keepingCapacity: true)
        }
        for span in spans {
            if span.start >= clusterEnd { flush() }
            cluster.append(span.index)
            clusterEnd = cluster.count == 1 ? span.end : max(clusterEnd, span.end)
        }
        flush()
        return kept.map { candidates[$0] }
    }

    /// The candidates of one cluster (indices into `candidates`) that are kept: taken longest first, then of
    /// highest priority, then earliest (then by rule id and order, so the order is total), each kept when none of
    /// its bytes is taken yet. The bytes are counted between the candidates' own ends (each distinct start or end
    /// is one slot), so the check costs the number of other candidates' edges inside a span, not its length:
    /// O(k log k) for k candidates however they interleave (a table of 100,000 rows of names and numbers).
    private static func resolveCluster<C: OverlapCandidate>(_ cluster: [Int], _ candidates: [C]) -> [Int] {
        let keys = cluster.map { (length: candidates[$0].length, priority: candidates[$0].priority) }
        let ordered = cluster.indices.sorted { x, y in
            let (a, b) = (keys[x], keys[y])
            if a.length != b.length { return a.length > b.length }
            if a.priority != b.priority { return a.priority > b.priority }
            let (i, j) = (cluster[x], cluster[y])
            if candidates[i].start != candidates[j].start { return candidates[i].start < candidates[j].start }
            if candidates[i].ruleKey != candidates[j].ruleKey { return candidates[i].ruleKey < candidates[j].ruleKey }
            return i < j
        }.map { cluster[$0] }
        var edges: [Int] = []
        edges.reserveCapacity(cluster.count * 2)
        for index in cluster {
            edges.append(candidates[index].start)
            edges.append(candidates[index].end)
        }
        edges.sort()
        edges = edges.indices.compactMap { $0 == 0 || edges[$0] != edges[$0 - 1] ? edges[$0] : nil }
        func slot(_ offset: Int) -> Int {
            var low = 0
            var high = edges.count
            while low < high {
                let mid = (low + high) / 2
                if edges[mid] < offset { low = mid + 1 } else { high = mid }
            }
            return low
        }
        // taken[i]: the bytes from edges[i] to edges[i + 1] belong to a kept finding.
        var taken = [Bool](repeating: false, count: edges.count)
        var kept: [Int] = []
        for index in ordered {
            let (first, last) = (slot(candidates[index].start), slot(candidates[index].end))
            guard !taken[first..<last].contains(true) else { continue }
            for i in first..<last { taken[i] = true }
            kept.append(index)
        }
        return kept
    }
}
