import Foundation

/// How long the texts of a period are kept after the period ends: days or calendar months.
public enum RetentionSpan: Sendable, Equatable, CustomStringConvertible {
    case days(Int)
    case months(Int)

    /// Reads the first length in a registry's free-text `retention` ("Prompts and answers are kept in the audit log
    /// for 6 months", "90 days", "2 years", "1 week"); nil when it names none.
    public init?(text: String) {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        for (index, word) in words.enumerated() {
            guard let count = Int(word), count >= 0, count <= 100_000, index + 1 < words.count else { continue }
            switch words[index + 1] {
            case "day", "days": self = .days(count)
            case "week", "weeks": self = .days(count * 7)
            case "month", "months": self = .months(count)
            case "year", "years": self = .months(count * 12)
            default: continue
            }
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .days(let n): return "\(n) day\(n == 1 ? "" : "s")"
        case .months(let n): return "\(n) month\(n == 1 ? "" : "s")"
        }
    }

    /// When the keys of `period` fall due: its end plus this span.
    public func due(period: String) -> Date? {
        guard let end = SealingKeyID.end(of: period) else { return nil }
        switch self {
        case .days(let n): return end.addingTimeInterval(Double(n) * 86_400)
        case .months(let n):
            guard let year = Int(period.prefix(4)), let month = Int(period.suffix(2)) else { return nil }
            let index = year * 12 + (month - 1) + 1 + n  // the month after the period, plus n
            return SealingKeyID.utcDate(year: index / 12, month: index % 12 + 1)
        }
    }
}

/// What `promptgate retention apply` and `status` decide for each key: destroy it, keep it (and until when), or
/// hold it.
public struct RetentionPlan: Sendable {
    /// One key's fate.
    public struct Item: Sendable {
        public var id: SealingKeyID
        /// The retention that applies, nil when none is set (kept).
        public var span: RetentionSpan?
        /// When it falls due, nil when never.
        public var due: Date?
        public var destroyed: KeyTombstone?
        /// The holds that keep it.
        public var holds: [RetentionHold]

        /// Due now, not held, not destroyed.
        public func destroyNow(at now: Date) -> Bool {
            destroyed == nil && holds.isEmpty && due.map { $0 <= now } ?? false
        }
    }

    public var items: [Item]

    /// Plans for `ids` with `spanOf` giving each system bucket's retention (the registry's, else the default).
    public init(
        ids: [SealingKeyID], tombstones: [String: KeyTombstone], holds: [RetentionHold],
        spanOf: (SealingKeyID) -> RetentionSpan?
    ) {
        items = ids.map { id in
            let span = spanOf(id)
            return Item(
                id: id, span: span, due: span.flatMap { $0.due(period: id.period) },
                destroyed: tombstones[id.description], holds: holds.filter { $0.covers(id) })
        }
    }

    /// The keys to destroy at `now`.
    public func due(at now: Date) -> [SealingKeyID] { items.filter { $0.destroyNow(at: now) }.map(\.id) }
}
