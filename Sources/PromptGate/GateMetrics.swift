import AuditLog
import Prometheus
import Synchronization

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

    /// Each series' counter or histogram, looked up by name and labels: the registry checks names and help texts
    /// on every `make…` call, which was ~3 % of a proxied request's CPU.
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])

    public init() {}

    private static func key(_ name: String, _ labels: [(String, String)]) -> String {
        labels.reduce(into: name) { key, label in key += "\u{0}" + label.0 + "=" + label.1 }
    }

    /// The counter `promptgate_<name>_total` with these labels (created on first use).
    private func count(_ name: String, _ help: String, _ labels: [(String, String)]) {
        let counter = counters.withLock { counters in
            let key = Self.key(name, labels)
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: .init(namespace: "promptgate", metricName: name, unitName: "total", helpText: help),
                labels: labels)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    func request(endpoint: String, decision: String) {
        count(
            "requests", "Requests screened, by endpoint and decision (allowed, warned, redacted, blocked).",
            [("endpoint", endpoint), ("decision", decision)])
    }

    func finding(rule: String, action: String) {
        count("findings", "Findings by guideline rule and the action taken.", [("rule", rule), ("action", action)])
    }

    func upstream(endpoint: String, status: Int, after duration: Duration) {
        let histogram = histograms.withLock { histograms in
            if let histogram = histograms[endpoint] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: .init(
                    namespace: "promptgate", metricName: "upstream_response", unitName: "seconds",
                    helpText: "Time from sending a prompt upstream to the upstream's response headers."),
                labels: [("endpoint", endpoint)], buckets: Self.buckets)
            histograms[endpoint] = histogram
            return histogram
        }
        histogram.record(duration)
        count(
            "upstream_responses", "Upstream answers by endpoint and HTTP status (0: none, the upstream failed).",
            [("endpoint", endpoint), ("status", String(status))])
    }

    func auditAppend(ok: Bool, store: String) {
        count(
            "audit_appends",
            "Audit log appends, by store (file, postgres) and result; a failed request entry means the prompt was "
                + "refused.",
            [("store", store), ("result", ok ? "ok" : "failed")])
    }

    /// The audit store's state at the last scrape: whether this proxy signs the log's checkpoints, and how far the
    /// database's standbys are behind (absent when the database does not report it).
    func auditHealth(store: String, _ health: AuditTrailHealth) {
        registry.makeGauge(
            descriptor: .init(
                namespace: "promptgate", metricName: "audit_signer_lease", unitName: "",
                helpText:
                    "1 if this proxy holds the audit log's signer lease (signs its checkpoints), 0 if another does."),
            labels: [("store", store)]
        ).set(to: health.holdsSignerLease ? 1.0 : 0.0)
        let lag = MetricNameDescriptor(
            namespace: "promptgate", metricName: "audit_replication_lag", unitName: "seconds",
            helpText: "How far the audit database's standbys are behind the primary (pg_stat_replication replay_lag).")
        let gauge = registry.makeGauge(descriptor: lag, labels: [("store", store)])
        if let seconds = health.replicationLagSeconds {
            gauge.set(to: seconds)
        } else {
            registry.unregisterGauge(gauge)
        }
    }

    func feedDropped(sink: String) {
        count(
            "feed_dropped", "Decision feed events dropped because the channel was too far behind, by channel.",
            [("sink", sink)])
    }

    func feedFailed(sink: String) {
        count(
            "feed_failed", "Decision feed events the channel could not deliver (receiver down), by channel.",
            [("sink", sink)])
    }

    /// The metrics in Prometheus' text exposition format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
