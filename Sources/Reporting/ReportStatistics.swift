import AuditLog
import PromptGate

/// What a report counts in a period, gathered in one streaming pass over the log.
///
/// A *prompt* is a request entry (`request.screened` or `request.blocked`): one per request, whatever its outcome;
/// `promptgate log show --prompts` prints the same entries. Times compare as RFC 3339 text, as in `log show`, so a
/// period's `since` and `until` may be prefixes (`2026-12-01`, `2026-12-07T02`).
public struct ReportStatistics: Sendable, Equatable {
    /// How the time axis is cut.
    public enum Granularity: Sendable, Equatable {
        /// Calendar days (UTC), for a report.
        case day
        /// Hours (UTC), for the live page.
        case hour

        /// How many characters of an RFC 3339 time name the bucket: `2026-12-01` or `2026-12-01T05`.
        var prefixLength: Int { self == .day ? 10 : 13 }
    }

    /// Counts of a high-impact purpose.
    public struct PurposeCount: Sendable, Equatable {
        public var prompts = 0
        public var blocked = 0
        /// The assessment references recorded with its prompts (`(none)` when a prompt carried none).
        public var assessments: [String: Int] = [:]
    }

    public var since: String?
    public var until: String?
    public var granularity: Granularity
    /// Lines read in the whole pass, inside the period or not.
    public var linesRead = 0
    /// Lines that are not JSON objects (a damaged log; `promptgate verify` says where).
    public var unreadable = 0
    /// Entries inside the period.
    public var entries = 0
    public var firstTime: String?
    public var lastTime: String?
    public var prompts = 0
    /// Prompts per time bucket, per department.
    public var promptsByBucket: [String: [String: Int]] = [:]
    /// Prompts per time bucket, per decision.
    public var decisionsByBucket: [String: [String: Int]] = [:]
    public var departments: [String: Int] = [:]
    public var decisions: [String: Int] = [:]
    /// Prompts with at least one finding of the rule.
    public var rules: [String: Int] = [:]
    /// Prompts to each registered system.
    public var systems: [String: Int] = [:]
    /// Blocked prompts that reached no registered system, per model asked for.
    public var unregistered: [String: Int] = [:]
    /// High-impact purposes (``Purpose/isHighImpact``) declared with prompts.
    public var purposes: [String: PurposeCount] = [:]

    public init(since: String? = nil, until: String? = nil, granularity: Granularity = .day) {
        self.since = since
        self.until = until
        self.granularity = granularity
    }

    /// The department a prompt without one is counted under (and that `--department` cannot select).
    public static let noDepartment = "(none)"

    /// Counts one entry (if it falls in the period).
    mutating func add(_ e: EntryFields) {
        if let since, e.ts < since { return }
        if let until, e.ts >= until { return }
        entries += 1
        if firstTime == nil || e.ts < firstTime! { firstTime = e.ts }
        if lastTime == nil || e.ts > lastTime! { lastTime = e.ts }
        guard e.isPrompt else { return }
        prompts += 1
        let bucket = String(e.ts.utf8.prefix(granularity.prefixLength)) ?? e.ts
        let department = e.department ?? Self.noDepartment
        promptsByBucket[bucket, default: [:]][department, default: 0] += 1
        departments[department, default: 0] += 1
        if let decision = e.decision {
            decisionsByBucket[bucket, default: [:]][decision, default: 0] += 1
            decisions[decision, default: 0] += 1
        }
        for rule in Set(e.rules) { rules[rule, default: 0] += 1 }
        if let system = e.system {
            systems[system, default: 0] += 1
        } else if e.event == "request.blocked" {
            unregistered[e.model ?? Self.noDepartment, default: 0] += 1
        }
        if let id = e.purpose, Purpose.named(id)?.isHighImpact == true {
            purposes[id, default: PurposeCount()].prompts += 1
            if e.decision == "blocked" { purposes[id, default: PurposeCount()].blocked += 1 }
            purposes[id, default: PurposeCount()].assessments[e.assessment ?? Self.noDepartment, default: 0] += 1
        }
    }

    /// Reads the log's segments once and counts the period. `progress` is told the bytes read so far (about every
    /// 4 MiB).
    public static func read(
        paths: [String], since: String? = nil, until: String? = nil, granularity: Granularity = .day,
        progress: ((Int) -> Void)? = nil
    ) throws(AuditLogError) -> ReportStatistics {
        var statistics = ReportStatistics(since: since, until: until, granularity: granularity)
        var bytes = 0
        var reported = 0
        try LogLines.forEach(paths: paths) { line, _ in
            bytes += line.count + 1
            if let progress, bytes - reported >= 4 << 20 {
                reported = bytes
                progress(bytes)
            }
            statistics.count(line)
        }
        progress?(bytes)
        return statistics
    }

    /// Reads a log once, whatever holds it (segment files, a PostgreSQL log), and counts the period. `progress` is
    /// told the bytes read so far.
    public static func read(
        lines source: any LogLineSource, since: String? = nil, until: String? = nil, granularity: Granularity = .day,
        progress: ((Int) -> Void)? = nil
    ) throws(AuditLogError) -> ReportStatistics {
        var statistics = ReportStatistics(since: since, until: until, granularity: granularity)
        try source.forEachChunk(progress: progress) { lines, _ in
            for line in lines { statistics.count(line) }
        }
        return statistics
    }

    /// Counts one line of the log.
    private mutating func count(_ line: UnsafeRawBufferPointer) {
        linesRead += 1
        guard let fields = EntryFields.scan(line) else {
            unreadable += 1
            return
        }
        add(fields)
    }

    /// The time buckets of the period in order, including empty ones between the first and the last prompt.
    public var buckets: [String] {
        let seen = Set(promptsByBucket.keys).union(decisionsByBucket.keys)
        guard let first = seen.min(), let last = seen.max() else { return [] }
        var out: [String] = []
        var bucket = first
        while bucket <= last, out.count < 10_000 {
            out.append(bucket)
            guard let next = TimeBucket.next(bucket) else { break }
            bucket = next
        }
        return out
    }
}
