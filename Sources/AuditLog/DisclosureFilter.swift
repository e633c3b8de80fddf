import JSONCore

/// Which log entries a reader asked for: the one filter `promptgate log show` and `promptgate disclose` share, so
/// a records request selects exactly what an auditor's query with the same options shows.
///
/// Times compare as RFC 3339 UTC text, so a prefix works: `since: "2026-11-29"` keeps entries from that day on,
/// `until: "2026-11-30T12"` keeps those before noon. A field that is nil does not filter.
public struct EntryFilter: Sendable, Equatable {
    /// Only entries at or after this time.
    public var since: String?
    /// Only entries before this time.
    public var until: String?
    /// Only this actor (the `actor` field: an employee or a service).
    public var user: String?
    /// Only this department (the `dept` field; `""` keeps entries without one).
    public var department: String?
    /// Only this decision: allowed, warned, redacted, blocked.
    public var decision: String?
    /// Only entries with a finding of this rule id.
    public var rule: String?
    /// Only this event, e.g. `request.blocked`.
    public var event: String?

    /// A filter from its fields; nil fields keep everything.
    /// - Parameters:
    ///   - since: Only entries at or after this time.
    ///   - until: Only entries before this time.
    ///   - user: Only this actor.
    ///   - department: Only this department.
    ///   - decision: Only this decision.
    ///   - rule: Only entries with a finding of this rule id.
    ///   - event: Only this event.
    public init(
        since: String? = nil, until: String? = nil, user: String? = nil, department: String? = nil,
        decision: String? = nil, rule: String? = nil, event: String? = nil
    ) {
        self.since = since
        self.until = until
        self.user = user
        self.department = department
        self.decision = decision
        self.rule = rule
        self.event = event
    }

    /// Whether a parsed log entry is one this filter keeps.
    /// - Parameter entry: The entry, as parsed from its log line.
    public func matches(_ entry: JSONValue) -> Bool {
        let ts = entry["ts"]?.stringValue ?? ""
        if let since, ts < since { return false }
        if let until, ts >= until { return false }
        if let user, entry["actor"]?.stringValue != user { return false }
        if let department, (entry["dept"]?.stringValue ?? "") != department { return false }
        if let decision, entry["decision"]?.stringValue != decision { return false }
        if let event, entry["event"]?.stringValue != event { return false }
        if let rule, !(entry["findings"]?.arrayValue ?? []).contains(where: { $0["rule"]?.stringValue == rule }) {
            return false
        }
        return true
    }
}
