/// Where the security team's feed goes: a JSON Lines file, syslog, OpenTelemetry, or a program's own.
///
/// The gate hands each sink its events one at a time, in order, from a task of the sink's own: a
/// slow sink delays only itself, and what it cannot take in time is dropped and counted, never waited for.
public protocol DecisionSink: Sendable {
    /// A short name for metrics and logs: `jsonl`, `syslog`, `otlp`.
    var name: String { get }

    /// Delivers one event. An error is counted in `/metrics` (`promptgate_feed_failed_total`) and the feed goes on.
    func send(_ event: DecisionEvent) async throws

    /// Delivers what is still buffered and releases the sink's resources; called once, after the last event.
    func close() async
}

extension DecisionSink {
    /// Nothing to release.
    public func close() async {}
}
