import Logging
import OTel
import PromptGate
import ServiceLifecycle

/// The security team's feed as OpenTelemetry logs, exported over OTLP/HTTP (protobuf) to a collector by swift-otel.
///
/// Each decision is one log record: body `promptgate decision <decision>`, severity WARN for a block and INFO
/// otherwise, and the event's fields (``DecisionEvent/fields``) as attributes (`request_id`, `decision`, `rule_ids`,
/// `entity_types`, `seq`, …); the resource's `service.name` is `promptgate`. Records are batched and sent within a
/// second; `OTEL_EXPORTER_OTLP_*` variables (headers, certificates, compression) apply as swift-otel reads them.
public final class OTLPSink: DecisionSink {
    public let name = "otlp"
    /// Where log records are posted: the collector's base URL with `/v1/logs`.
    public let endpoint: String
    private let logger: Logger
    private let services: ServiceGroup
    private let runner: Task<Void, Never>

    /// Starts the exporter, sending to the collector at `collector` (e.g. `http://collector:4318`).
    ///
    /// - Parameters:
    ///   - collector: the collector's OTLP/HTTP base URL; `/v1/logs` is appended unless it already ends so.
    ///   - diagnostics: where swift-otel reports export failures.
    public init(collector: String, diagnostics: Logger) throws {
        var base = collector
        while base.hasSuffix("/") { base.removeLast() }
        endpoint = base.hasSuffix("/v1/logs") ? base : base + "/v1/logs"
        var configuration = OTel.Configuration.default
        configuration.serviceName = "promptgate"
        configuration.traces.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.diagnosticLogLevel = .warning
        configuration.logs.level = .info
        configuration.logs.otlpExporter.endpoint = endpoint
        configuration.logs.otlpExporter.protocol = .httpProtobuf
        configuration.logs.batchLogRecordProcessor.scheduleDelay = .seconds(1)
        // A collector that hangs holds up only this channel, and the proxy's shutdown for seconds, not minutes.
        configuration.logs.batchLogRecordProcessor.exportTimeout = .seconds(5)
        configuration.logs.otlpExporter.timeout = .seconds(5)
        let backend = try OTel.makeLoggingBackend(configuration: configuration)
        logger = Logger(label: "promptgate.feed", factory: backend.factory)
        let services = ServiceGroup(services: [backend.service], logger: diagnostics)
        self.services = services
        runner = Task {
            do {
                try await services.run()
            } catch {
                diagnostics.error("the OTLP feed stopped", metadata: ["error": "\(error)"])
            }
        }
    }

    public func send(_ event: DecisionEvent) async throws {
        var metadata: Logger.Metadata = [:]
        for field in event.fields { metadata[field.name] = .string(field.value) }
        logger.log(
            level: event.decision == "blocked" ? .warning : .info, "promptgate decision \(event.decision)",
            metadata: metadata)
    }

    /// Exports what is batched, then stops the exporter.
    public func close() async {
        await services.triggerGracefulShutdown()
        await runner.value
    }
}
