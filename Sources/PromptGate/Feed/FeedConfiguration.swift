/// The security team's feed: which channels are on. Each carries every decision as a ``DecisionEvent`` (no prompt
/// text, no values); all are off by default.
public struct FeedConfiguration: Sendable {
    /// A JSON Lines file to append events to (created 0600), or `-` for standard output. (`feed.jsonl`)
    public var jsonLines: String?
    /// A syslog receiver, `udp://host:514` or `tcp://host:601`. (`feed.syslog`)
    public var syslog: SyslogSink.Destination?
    /// The syslog messages' facility. (`feed.syslog_facility`)
    public var syslogFacility: SyslogSink.Facility = SyslogSink.defaultFacility
    /// An OpenTelemetry collector's OTLP/HTTP base URL, e.g. `http://collector:4318` (logs go to `/v1/logs`). The
    /// library does not send OTLP itself: the `promptgate` server adds that sink. (`feed.otlp`)
    public var otlp: String?
    /// Events each channel may fall behind by before new ones are dropped (and counted in `/metrics` as
    /// `promptgate_feed_dropped_total`).
    public var queueCapacity: Int = FeedConfiguration.defaultQueueCapacity

    public static let defaultQueueCapacity = 1024

    public init(
        jsonLines: String? = nil, syslog: SyslogSink.Destination? = nil,
        syslogFacility: SyslogSink.Facility = SyslogSink.defaultFacility, otlp: String? = nil
    ) {
        self.jsonLines = jsonLines
        self.syslog = syslog
        self.syslogFacility = syslogFacility
        self.otlp = otlp
    }

    /// The feed's settings: `feed.jsonl`, `feed.syslog`, `feed.syslog_facility` and `feed.otlp`.
    public init(settings: ProxySettings) throws(ConfigurationError) {
        self.init(jsonLines: settings.string("feed_jsonl"), otlp: settings.string("feed_otlp"))
        if let value = settings.value("feed_syslog") {
            guard let destination = SyslogSink.Destination(value.text) else {
                throw value.error("feed_syslog", "expected udp://HOST:PORT or tcp://HOST:PORT, not '\(value.text)'")
            }
            syslog = destination
        }
        syslogFacility = try settings.choice("feed_syslog_facility") ?? SyslogSink.defaultFacility
        if let value = settings.value("feed_otlp") {
            let text = value.text.lowercased()
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                throw value.error("feed_otlp", "expected the collector's http:// or https:// URL, not '\(value.text)'")
            }
        }
    }

    /// The library's sinks for the channels that are on (JSON Lines and syslog; OTLP is the server's).
    public func makeSinks() throws(FeedError) -> [any DecisionSink] {
        var sinks: [any DecisionSink] = []
        if let jsonLines { sinks.append(try JSONLinesSink(path: jsonLines)) }
        if let syslog { sinks.append(SyslogSink(destination: syslog, facility: syslogFacility)) }
        return sinks
    }
}
