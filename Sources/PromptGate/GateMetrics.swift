import Prometheus

/// The proxy's Prometheus metrics, served at `GET /metrics`: requests by endpoint and decision, findings by rule
/// and action, upstream latency and answers by status, audit appends. Labels carry rule ids, endpoints, decisions
/// and statuses only — never prompt text, values, users or keys.
public final class GateMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Seconds to the upstream's response headers (first byte for streams).
    private static let buckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        .seconds(60), .seconds(120),
    ]

    public init() {}

    func request(endpoint: String, decision: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "promptgate", metricName: "requests", unitName: "total",
                helpText: "Requests screened, by endpoint and decision (allowed, warned, redacted, blocked)."),
            labels: [("endpoint", endpoint), ("decision", decision)]
        ).increment()
    }

    func finding(rule: String, action: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "promptgate", metricName: "findings", unitName: "total",
                helpText: "Findings by guideline rule and the action taken."),
            labels: [("rule", rule), ("action", action)]
        ).increment()
    }

    func upstream(endpoint: String, status: Int, after duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "promptgate", metricName: "upstream_response", unitName: "seconds",
                helpText: "Time from sending a prompt upstream to the upstream's response headers."),
            labels: [("endpoint", endpoint)], buckets: Self.buckets
        ).record(duration)
        registry.makeCounter(
            descriptor: .init(
                namespace: "promptgate", metricName: "upstream_responses", unitName: "total",
                helpText: "Upstream answers by endpoint and HTTP status (0: none, the upstream failed)."),
            labels: [("endpoint", endpoint), ("status", String(status))]
        ).increment()
    }

    func auditAppend(ok: Bool) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "promptgate", metricName: "audit_appends", unitName: "total",
                helpText: "Audit log appends, by result; a failed request entry means the prompt was refused."),
            labels: [("result", ok ? "ok" : "failed")]
        ).increment()
    }

    /// The metrics in Prometheus' text exposition format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
