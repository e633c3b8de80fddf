/// One number of a report: what it counts, how many, and the `log show` command that prints those entries.
struct ReportNumber {
    var key: String
    var label: String
    var count: Int
    var filter: LogFilter?
    /// Shown as `< threshold` instead of the count (the public page's small cells).
    var suppressedBelow: Int?
    var detail: String = ""

    /// The count, `< 10` for a small cell, or `suppressed` for a larger one hidden so a small one cannot be worked out.
    var shown: String { suppressedBelow.map { count < $0 ? "< \($0)" : "suppressed" } ?? String(count) }

    var templateData: [String: Any] {
        [
            "key": key, "label": label, "shown": shown, "count": suppressedBelow == nil ? String(count) : "",
            "filter": filter?.command ?? "", "detail": detail, "suppressed": suppressedBelow != nil,
        ]
    }
}

/// SVG charts as template data: every mark is a rectangle, path or circle with computed coordinates.
enum Charts {
    static let palette = [
        "#2b6cb0", "#dd6b20", "#38a169", "#c53030", "#805ad5", "#d69e2e", "#319795", "#b83280", "#4a5568", "#718096",
    ]
    /// Decisions have fixed colours, in this order.
    static let decisionColours: [(String, String)] = [
        ("allowed", "#38a169"), ("redacted", "#2b6cb0"), ("warned", "#d69e2e"), ("blocked", "#c53030"),
    ]

    static let width = 760.0
    static let height = 260.0
    static let left = 48.0
    static let bottom = 48.0
    static let top = 16.0

    static func f(_ v: Double) -> String { String(Double((v * 10).rounded()) / 10) }

    /// Stacked columns: one per bucket, a segment per series. `segments[b]` holds (series, count, filter).
    static func stacked(
        id: String, title: String, buckets: [String], series: [String], value: (String, String) -> ReportNumber?
    ) -> [String: Any] {
        let plotWidth = width - left - 8
        let plotHeight = height - top - bottom
        let totals = buckets.map { b in series.reduce(0) { $0 + (value(b, $1)?.count ?? 0) } }
        let maximum = max(1, totals.max() ?? 1)
        let step = plotWidth / Double(max(1, buckets.count))
        var rects: [[String: Any]] = []
        var labels: [[String: Any]] = []
        let every = max(1, buckets.count / 12)
        for (i, bucket) in buckets.enumerated() {
            var y = top + plotHeight
            for (s, name) in series.enumerated() {
                guard let number = value(bucket, name), number.count > 0 else { continue }
                let h = Double(number.count) / Double(maximum) * plotHeight
                y -= h
                rects.append([
                    "x": f(left + Double(i) * step + step * 0.1), "y": f(y), "w": f(step * 0.8), "h": f(h),
                    "fill": palette[s % palette.count], "title": "\(bucket) \(name): \(number.count)",
                    "key": number.key, "count": String(number.count),
                ])
            }
            if i % every == 0 {
                labels.append([
                    "x": f(left + Double(i) * step + step / 2), "y": f(height - bottom + 16),
                    "text": String(bucket.dropFirst(5)),
                ])
            }
        }
        return [
            "id": id, "title": title, "width": f(width), "height": f(height), "rects": rects, "labels": labels,
            "axis": axis(maximum: maximum),
            "legend": series.enumerated().map { s, name in
                ["name": name, "fill": palette[s % palette.count]] as [String: Any]
            },
        ]
    }

    /// Lines over time, one per series, with a dot per bucket.
    static func lines(
        id: String, title: String, buckets: [String], series: [(name: String, colour: String)],
        value: (String, String) -> Int
    ) -> [String: Any] {
        let plotWidth = width - left - 8
        let plotHeight = height - top - bottom
        let maximum = max(1, buckets.flatMap { b in series.map { value(b, $0.name) } }.max() ?? 1)
        let step = plotWidth / Double(max(1, buckets.count))
        var paths: [[String: Any]] = []
        for s in series {
            var d = ""
            var dots: [[String: Any]] = []
            for (i, bucket) in buckets.enumerated() {
                let n = value(bucket, s.name)
                let x = left + Double(i) * step + step / 2
                let y = top + plotHeight - Double(n) / Double(maximum) * plotHeight
                d += (d.isEmpty ? "M" : " L") + "\(f(x)) \(f(y))"
                dots.append(["x": f(x), "y": f(y), "title": "\(bucket) \(s.name): \(n)", "count": String(n)])
            }
            paths.append(["name": s.name, "colour": s.colour, "d": d, "dots": dots])
        }
        let every = max(1, buckets.count / 12)
        let labels: [[String: Any]] = buckets.enumerated().compactMap { i, bucket in
            guard i % every == 0 else { return nil }
            return [
                "x": f(left + Double(i) * step + step / 2), "y": f(height - bottom + 16),
                "text": String(bucket.dropFirst(5)),
            ]
        }
        return [
            "id": id, "title": title, "width": f(width), "height": f(height), "paths": paths, "labels": labels,
            "axis": axis(maximum: maximum),
            "legend": series.map { ["name": $0.name, "fill": $0.colour] as [String: Any] },
        ]
    }

    /// Horizontal bars, one per number, largest first as given.
    static func bars(id: String, title: String, numbers: [ReportNumber]) -> [String: Any] {
        let rowHeight = 24.0
        let labelWidth = 260.0
        let plotWidth = width - labelWidth - 70
        let maximum = max(1, numbers.filter { $0.suppressedBelow == nil }.map(\.count).max() ?? 1)
        var rows: [[String: Any]] = []
        for (i, number) in numbers.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = number.suppressedBelow == nil ? Double(number.count) / Double(maximum) * plotWidth : 0
            rows.append([
                "y": f(y), "textY": f(y + rowHeight * 0.65), "labelX": f(labelWidth - 6), "x": f(labelWidth),
                "w": f(max(w, number.count > 0 && number.suppressedBelow == nil ? 1 : 0)), "h": f(rowHeight * 0.7),
                "valueX": f(labelWidth + w + 6), "label": String(number.label.prefix(40)), "shown": number.shown,
                "fill": palette[i % palette.count], "key": number.key,
            ])
        }
        return [
            "id": id, "title": title, "width": f(width),
            "height": f(top * 2 + Double(max(1, numbers.count)) * rowHeight),
            "rows": rows, "empty": numbers.isEmpty,
        ]
    }

    static func axis(maximum: Int) -> [String: Any] {
        [
            "x1": f(left), "x2": f(width - 8), "y0": f(height - bottom), "yTop": f(top), "max": String(maximum),
            "labelX": f(left - 6), "maxY": f(top + 10),
        ]
    }
}
