import AuditLog
import Foundation
import JSONCore

/// One request's decision as the security team's feed carries it: who, which route and system, what was decided
/// under which rules, and the audit entry that records it.
///
/// It never holds the prompt, the answer, a found value or a fingerprint: rule ids, entity types and counts say what
/// was found, and the entry's sequence number leads an auditor to the rest in the audit log.
public struct DecisionEvent: Sendable, Equatable {
    /// What a rule found in the prompt: its id, the entity type, the action taken and how often — the audit entry's
    /// own count, so the feed and the log cannot say different things.
    public typealias RuleCount = AuditEntry.FindingCount

    /// When the decision was made.
    public var time: Date
    public var requestID: String
    /// The employee or service identity (never a key).
    public var actor: String
    public var department: String?
    /// The route the client called, e.g. `/v1/chat/completions`.
    public var endpoint: String
    /// The upstream's host.
    public var upstream: String?
    /// The model as the audit entry names it (withheld when something was found in the model name).
    public var model: String?
    /// The registered AI system, with a registry.
    public var system: String?
    /// The declared purpose.
    public var purpose: String?
    /// `allowed`, `warned`, `redacted` or `blocked`; `failed` for a request that failed (``DecisionEvent/failure`` says why).
    public var decision: String
    /// What the rules found, in the order the audit entry lists them.
    public var rules: [RuleCount]
    /// The HTTP status the client got: 403 for a block, the failure's for a failure; `nil` for a request that went
    /// upstream (its answer's status is in the audit log).
    public var status: Int?
    /// Milliseconds from the request's arrival to the decision (or the failure).
    public var latencyMs: Int?
    /// The sequence number of the audit entry that records the decision (`nil` when none was written).
    public var sequence: Int?
    /// For `failed`: the error code the client got (`upstream_unreachable`, `promptgate_audit_unavailable`, …).
    public var failure: String?

    public init(
        time: Date = Date(), requestID: String, actor: String, department: String? = nil, endpoint: String,
        upstream: String? = nil, model: String? = nil, system: String? = nil, purpose: String? = nil,
        decision: String, rules: [RuleCount] = [], status: Int? = nil, latencyMs: Int? = nil, sequence: Int? = nil,
        failure: String? = nil
    ) {
        self.time = time
        self.requestID = requestID
        self.actor = actor
        self.department = department
        self.endpoint = endpoint
        self.upstream = upstream
        self.model = model
        self.system = system
        self.purpose = purpose
        self.decision = decision
        self.rules = rules
        self.status = status
        self.latencyMs = latencyMs
        self.sequence = sequence
        self.failure = failure
    }

    /// The failed-request decision.
    public static let failed = "failed"

    /// The event's fields as flat name–value pairs, in a fixed order, absent ones left out: the attributes of the
    /// syslog and OTLP channels. Rules are `rule_ids` (`email-address:1,us-ssn:2`) and `entity_types`.
    public var fields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("time", AuditEntry.rfc3339(time)), ("request_id", requestID), ("actor", actor),
        ]
        func add(_ name: String, _ value: String?) { if let value { fields.append((name, value)) } }
        add("department", department)
        add("endpoint", endpoint)
        add("upstream", upstream)
        add("model", model)
        add("system", system)
        add("purpose", purpose)
        add("decision", decision)
        if !rules.isEmpty {
            add("rule_ids", rules.map { "\($0.rule):\($0.count)" }.joined(separator: ","))
            var types: [String] = []
            for rule in rules where !types.contains(rule.type) { types.append(rule.type) }
            add("entity_types", types.joined(separator: ","))
        }
        add("status", status.map(String.init))
        add("latency_ms", latencyMs.map(String.init))
        add("seq", sequence.map(String.init))
        add("failure", failure)
        return fields
    }

    /// The event as one JSON object (the JSON Lines channel): the ``DecisionEvent/fields``, with rules as a list of objects and
    /// numbers as numbers.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("time", .string(AuditEntry.rfc3339(time))), ("request_id", .string(requestID)), ("actor", .string(actor)),
        ]
        func add(_ name: String, _ value: String?) { if let value { members.append((name, .string(value))) } }
        func add(_ name: String, _ value: Int?) { if let value { members.append((name, .int(value))) } }
        add("department", department)
        add("endpoint", endpoint)
        add("upstream", upstream)
        add("model", model)
        add("system", system)
        add("purpose", purpose)
        add("decision", decision)
        members.append(
            (
                "rules",
                .array(
                    rules.map {
                        .object([
                            ("rule", .string($0.rule)), ("type", .string($0.type)), ("action", .string($0.action)),
                            ("count", .int($0.count)),
                        ])
                    })
            ))
        add("status", status)
        add("latency_ms", latencyMs)
        add("seq", sequence)
        add("failure", failure)
        return .object(members)
    }
}
