import Mustache
import PromptGate

/// Renders a report as one self-contained HTML file: inline CSS, SVG charts, no scripts and no external assets.
/// Everything from the log goes through Mustache's escaping `{{ }}`; no template uses `{{{ }}}`.
public enum ReportPage {
    /// The HTML of `statistics` as `context.page` says.
    public static func render(_ statistics: ReportStatistics, context: ReportContext) -> String {
        let data = self.data(statistics, context: context)
        return ReportTemplates.library.render(data, withTemplate: "page") ?? ""
    }

    static func data(_ s: ReportStatistics, context: ReportContext) -> [String: Any] {
        var threshold: Int?
        var refresh: Int?
        switch context.page {
        case .full: break
        case .publicSummary(let t): threshold = max(1, t)
        case .live(let seconds): refresh = seconds
        }
        let isPublic = threshold != nil
        let period = LogFilter(since: s.since, until: s.until)
        var data: [String: Any] = [
            "title": context.title, "generatedAt": context.generatedAt,
            "since": s.since ?? "the start of the log", "until": s.until ?? "the end of the log",
            "first": s.firstTime ?? "-", "last": s.lastTime ?? "-",
            "public": isPublic, "full": !isPublic, "threshold": threshold.map(String.init) ?? "",
            "refresh": refresh.map(String.init) ?? "", "live": refresh != nil,
            "totalPrompts": suppress(
                ReportNumber(key: "prompts", label: "prompts", count: s.prompts, filter: period), threshold
            )
            .templateData,
            "entries": String(s.entries), "linesRead": String(s.linesRead), "unreadable": s.unreadable,
        ]
        if let v = context.verification { data["verification"] = verification(v) }

        let departments = s.departments.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
        if isPublic {
            data["departments"] = numbersSection(
                id: "departments", title: "Prompts by department",
                numbers: secondarySuppressed(
                    departments.map { d in
                        ReportNumber(
                            key: d, label: d, count: s.departments[d] ?? 0,
                            filter: with(period) { $0.department = departmentFilter(d) })
                    }, threshold: threshold!))
        } else {
            let buckets = s.buckets
            let series = departments
            let byBucket = Charts.stacked(
                id: "prompts-by-department",
                title: s.granularity == .day ? "Prompts per day by department" : "Prompts per hour by department",
                buckets: buckets, series: series
            ) { bucket, department in
                guard let n = s.promptsByBucket[bucket]?[department] else { return nil }
                return ReportNumber(key: bucket + "|" + department, label: "\(bucket) \(department)", count: n)
            }
            var rows: [ReportNumber] = []
            for bucket in buckets {
                for department in series {
                    guard let n = s.promptsByBucket[bucket]?[department] else { continue }
                    rows.append(
                        ReportNumber(
                            key: bucket + "|" + department, label: "\(bucket) \(department)", count: n,
                            filter: bucketFilter(period, bucket) { $0.department = departmentFilter(department) }))
                }
            }
            data["promptsByDepartment"] = ["chart": byBucket, "numbers": rows.map(\.templateData)] as [String: Any]

            let decisionSeries = Charts.decisionColours.map { (name: $0.0, colour: $0.1) }
            let lines = Charts.lines(
                id: "decisions-over-time", title: "Decisions over time", buckets: buckets, series: decisionSeries
            ) { bucket, decision in s.decisionsByBucket[bucket]?[decision] ?? 0 }
            var decisionRows: [ReportNumber] = []
            for bucket in buckets {
                for (decision, _) in Charts.decisionColours {
                    let n = s.decisionsByBucket[bucket]?[decision] ?? 0
                    decisionRows.append(
                        ReportNumber(
                            key: bucket + "|" + decision, label: "\(bucket) \(decision)", count: n,
                            filter: bucketFilter(period, bucket) { $0.decision = decision }))
                }
            }
            data["decisions"] = ["chart": lines, "numbers": decisionRows.map(\.templateData)] as [String: Any]
            data["departmentTotals"] = numbersSection(
                id: "department-totals", title: "Prompts by department, whole period",
                numbers: departments.map { d in
                    ReportNumber(
                        key: d, label: d, count: s.departments[d] ?? 0,
                        filter: with(period) { $0.department = departmentFilter(d) })
                }, chart: false)
        }

        let rules = ranked(s.rules).prefix(isPublic ? 50 : 20).map { rule, n in
            ReportNumber(
                key: rule, label: rule, count: n, filter: with(period) { $0.rule = rule },
                detail: context.ruleSources[rule] ?? "(not in the guideline packs given)")
        }
        data["rules"] = numbersSection(
            id: "top-rules", title: "Rules that fired most (prompts with a finding)",
            numbers: threshold.map { secondarySuppressed(Array(rules), threshold: $0) } ?? Array(rules))

        let systems = ranked(s.systems).map { id, n in
            let entry = context.registry?.entries.first { $0.id == id }
            var detail = "not in the registry given"
            if let entry {
                let review = entry.reviewBy.map { "review by \($0)" } ?? "no review date"
                let overdue = entry.reviewOverdue(today: context.today) ? " (OVERDUE)" : ""
                detail = "\(entry.name), \(entry.status.rawValue), \(review)\(overdue)"
            }
            return ReportNumber(
                key: id, label: id, count: n, filter: with(period) { $0.system = id }, detail: isPublic ? "" : detail)
        }
        data["systems"] = numbersSection(
            id: "systems", title: "Registered systems used",
            numbers: threshold.map { secondarySuppressed(systems, threshold: $0) } ?? systems)

        if !isPublic {
            let registryInUse = context.registry != nil || !s.systems.isEmpty
            let unregistered = ranked(s.unregistered).map { model, n in
                ReportNumber(
                    key: model, label: model, count: n,
                    filter: with(period) {
                        $0.event = "request.blocked"
                        $0.system = ""
                        $0.model = model == ReportStatistics.noDepartment ? "" : model
                    })
            }
            var section = numbersSection(
                id: "unregistered", title: "Attempts at unregistered systems (blocked, no registered system)",
                numbers: unregistered)
            section["note"] =
                registryInUse
                ? "" : "No entry in this period names a registered system: the registry may not be in use."
            data["unregistered"] = section
            data["purposes"] = purposes(s, period: period, context: context)
        } else {
            data["transparency"] = transparency(context)
        }
        return data
    }

    static func purposes(_ s: ReportStatistics, period: LogFilter, context: ReportContext) -> [String: Any] {
        let numbers = s.purposes.sorted { ($1.value.prompts, $0.key) < ($0.value.prompts, $1.key) }.map { id, c in
            let purpose = Purpose.named(id)
            let assessments = c.assessments.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                .joined(separator: ", ")
            let level = purpose?.requiredLevel.map { "needs impact level \(["", "I", "II", "III", "IV"][$0])" } ?? ""
            return ReportNumber(
                key: id, label: id, count: c.prompts, filter: with(period) { $0.purpose = id },
                detail: "\(purpose?.title ?? id); \(level); \(c.blocked) blocked; assessments recorded: \(assessments)")
        }
        return numbersSection(id: "high-impact", title: "High-impact purposes and their assessments", numbers: numbers)
    }

    static func transparency(_ context: ReportContext) -> [String: Any] {
        guard let registry = context.registry else { return ["none": true] }
        let rows: [[String: Any]] = registry.entries.map { e in
            let v = TransparencyRecord.values(e, publisher: context.publisher)
            return [
                "name": v["name"] ?? "", "department": v["department"] ?? "", "status": v["status"] ?? "",
                "goal": v["decision_making_process"] ?? "", "risk": v["risk_category"] ?? e.riskLevel.rawValue,
                "aia": v["AIA_description"] ?? "", "revision": v["revision_date"] ?? "",
                "contact": v["contact_email"] ?? "",
            ]
        }
        return ["rows": rows, "organization": context.publisher.organization]
    }

    static func verification(_ v: VerificationSummary) -> [String: Any] {
        [
            "ok": v.ok, "status": v.ok ? "verified" : "FAILED", "lines": String(v.lines),
            "size": v.checkpointSize.map(String.init) ?? "-", "root": v.root ?? "-",
            "unsigned": String(v.unsignedTrailing), "witnesses": v.witnesses, "hasWitnesses": !v.witnesses.isEmpty,
            "problems": v.problems, "warnings": v.warnings,
        ]
    }

    static func numbersSection(id: String, title: String, numbers: [ReportNumber], chart: Bool = true)
        -> [String: Any]
    {
        var section: [String: Any] = [
            "id": id, "title": title, "numbers": numbers.map(\.templateData), "empty": numbers.isEmpty,
        ]
        if chart { section["chart"] = Charts.bars(id: id, title: title, numbers: numbers) }
        return section
    }

    /// Counts, largest first, then by name.
    static func ranked(_ counts: [String: Int]) -> [(String, Int)] {
        counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
    }

    static func with(_ filter: LogFilter, _ change: (inout LogFilter) -> Void) -> LogFilter {
        var copy = filter
        change(&copy)
        return copy
    }

    /// The period's filter narrowed to one bucket.
    static func bucketFilter(_ period: LogFilter, _ bucket: String, _ change: (inout LogFilter) -> Void)
        -> LogFilter
    {
        var filter = period
        filter.since = TimeBucket.later(period.since, bucket)
        filter.until = TimeBucket.earlier(period.until, TimeBucket.next(bucket))
        change(&filter)
        return filter
    }

    /// `--department ''` selects prompts recorded without a department.
    static func departmentFilter(_ department: String) -> String {
        department == ReportStatistics.noDepartment ? "" : department
    }

    static func suppress(_ number: ReportNumber, _ threshold: Int?) -> ReportNumber {
        var n = number
        if let threshold, n.count > 0, n.count < threshold { n.suppressedBelow = threshold }
        return n
    }

    /// Suppresses every count in 1..<threshold, and when exactly one is suppressed, the next smallest as well, so
    /// it cannot be worked out from the total.
    static func secondarySuppressed(_ numbers: [ReportNumber], threshold: Int) -> [ReportNumber] {
        var out = numbers.map { suppress($0, threshold) }
        if out.filter({ $0.suppressedBelow != nil }).count == 1,
            let next = out.indices.filter({ out[$0].suppressedBelow == nil && out[$0].count > 0 })
                .min(by: { out[$0].count < out[$1].count })
        {
            out[next].suppressedBelow = threshold
        }
        return out
    }
}
