import AuditLog
import Foundation
import Screening
import Synchronization
import TestSupport
import Testing

@testable import JSONCore
@testable import PromptGate

/// A sink that keeps what it is sent.
final class MemorySink: DecisionSink {
    let name = "memory"
    let events = Mutex<[DecisionEvent]>([])
    func send(_ event: DecisionEvent) async throws { events.withLock { $0.append(event) } }
}

/// A sink that takes its first event and then never finishes sending it until released.
final class StuckSink: DecisionSink {
    let name = "stuck"
    let received = Mutex(0)
    let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
    func send(_ event: DecisionEvent) async throws {
        received.withLock { $0 += 1 }
        await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
    }
    func unstick() {
        release.withLock {
            $0?.resume()
            $0 = nil
        }
    }
}

@Suite("The security team's feed: one event per decision, never a text or a value")
struct FeedTests {
    static let email = "maria.gonzalez@example.org"
    static let ssn = "212-56-7890"

    @Test("a gate publishes each decision; the events carry rule ids and types, none of the prompt or its values")
    func gatePublishes() async throws {
        let sink = MemorySink()
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await withTemporaryDirectory { directory in
                var configuration = GateConfiguration(
                    upstreamBaseURL: upstream.baseURL + "/v1",
                    packs: try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs"), dataDirectory: directory,
                    logOrigin: "test.example/feed")
                configuration.defaultDepartment = "parks"
                let (gate, _) = try await Gate.start(configuration, feedSinks: [sink])
                let prompt = "Write to \(Self.email) about SSN \(Self.ssn), please"
                let redacted = await gate.openAIChatCompletions(
                    body: GateTests.chatBody(prompt), context: RequestContext(requestID: "pg-one", actor: "jdoe"))
                #expect(redacted.status == 200)
                let blocked = await gate.openAIChatCompletions(
                    body: GateTests.chatBody("CONFIDENTIAL memo for \(Self.email)"),
                    context: RequestContext(requestID: "pg-two", actor: "jdoe"))
                #expect(blocked.status == 403)
                let allowed = await gate.openAIChatCompletions(
                    body: GateTests.chatBody("Summarise the park opening hours"),
                    context: RequestContext(requestID: "pg-three"))
                #expect(allowed.status == 200)
                let bad = await gate.openAIChatCompletions(
                    body: Array("{not json \(Self.ssn)".utf8), context: RequestContext(requestID: "pg-four"))
                #expect(bad.status == 400)
                try await gate.shutdown()
            }
        }
        let events = sink.events.withLock { $0 }
        try #require(events.count == 4, "\(events)")
        let byID = Dictionary(uniqueKeysWithValues: events.map { ($0.requestID, $0) })
        let one = try #require(byID["pg-one"])
        #expect(one.decision == "redacted" && one.actor == "jdoe" && one.department == "parks")
        #expect(one.endpoint == "/v1/chat/completions" && one.model == "gpt-test" && one.upstream == "127.0.0.1")
        #expect(Set(one.rules.map(\.rule)) == ["email-address", "us-ssn"])
        #expect(Set(one.rules.map(\.type)) == ["EMAIL_ADDRESS", "US_SSN"])
        #expect(one.rules.allSatisfy { $0.count == 1 && $0.action == "redact" })
        #expect(one.status == nil && one.sequence != nil && one.latencyMs != nil)
        let two = try #require(byID["pg-two"])
        #expect(two.decision == "blocked" && two.status == 403)
        #expect(two.rules.contains { $0.rule == "confidential-marking" && $0.action == "block" })
        #expect(byID["pg-three"]?.decision == "allowed" && byID["pg-three"]?.rules.isEmpty == true)
        let four = try #require(byID["pg-four"])
        #expect(four.decision == "failed" && four.status == 400 && four.failure == "invalid_request")
        #expect(four.sequence == nil)

        // Every channel's rendering: the fields are there, the texts and values are not.
        for event in events {
            let renderings = [
                event.json.serialized(),
                SyslogSink.message(event, facility: .local0, severity: .notice, hostname: "h", processID: 1),
            ]
            for text in renderings {
                for secret in [
                    Self.email, Self.ssn, "maria", "CONFIDENTIAL memo", "park opening", "please", "{not json",
                ] {
                    #expect(!text.contains(secret), "\(secret) in \(text)")
                }
                #expect(text.contains(event.requestID) && text.contains(event.decision))
            }
        }
        let json = try JSONParser.parse(Array(one.json.serializedBytes()))
        #expect(json["decision"] == .string("redacted") && json["request_id"] == .string("pg-one"))
        #expect(json["seq"] == .int(one.sequence!))
        guard case .array(let rules) = json["rules"] else {
            Issue.record("no rules")
            return
        }
        #expect(rules.count == 2 && rules.allSatisfy { $0["count"] == .int(1) })
    }

    @Test("syslog: RFC 5424 header, priority from facility and severity, SD-PARAM values escaped")
    func syslogMessage() throws {
        let event = DecisionEvent(
            time: Date(timeIntervalSince1970: 1_796_000_000.25), requestID: "pg-1", actor: #"ja"ne]\x"#,
            department: "parks", endpoint: "/v1/chat/completions", model: "gpt-4o", decision: "blocked",
            rules: [
                .init(rule: "us-ssn", type: "US_SSN", action: "block", count: 2),
                .init(rule: "email-address", type: "EMAIL_ADDRESS", action: "redact", count: 1),
            ], status: 403, latencyMs: 12, sequence: 41)
        let message = SyslogSink.message(
            event, facility: .local4, severity: SyslogSink.defaultSeverities["blocked"]!, hostname: "gate 01",
            processID: 4242)
        #expect(
            message.hasPrefix("<164>1 2026-11-30T00:53:20.250Z gate_01 promptgate 4242 blocked [promptgate@32473 "),
            "\(message)")
        #expect(message.contains(#" actor="ja\"ne\]\\x" "#), "\(message)")
        #expect(message.contains(#"rule_ids="us-ssn:2,email-address:1" entity_types="US_SSN,EMAIL_ADDRESS""#))
        #expect(message.contains(#"status="403" latency_ms="12" seq="41"]"#))
        #expect(message.hasSuffix("] PromptGate blocked request pg-1"))
        #expect(SyslogSink.escape(#"a"b\c]d"#) == #"a\"b\\c\]d"#)
        #expect(SyslogSink.defaultSeverities["allowed"] == .informational)
        #expect(SyslogSink.defaultSeverities["redacted"] == .notice)
        #expect(
            SyslogSink.Destination("tcp://[::1]:6514") == .init(transport: .tcp, host: "::1", port: 6514))
        #expect(SyslogSink.Destination("udp://siem.city.example")?.port == 514)
        #expect(SyslogSink.Destination("http://siem:514") == nil && SyslogSink.Destination("siem:514") == nil)
    }

    @Test("syslog over TCP frames each message with its length (RFC 6587 octet counting)")
    func syslogTCP() async throws {
        let listener = try TCPListener()
        let sink = SyslogSink(destination: .init(transport: .tcp, host: "127.0.0.1", port: listener.port))
        let event = DecisionEvent(requestID: "pg-é", actor: "a", endpoint: "/v1/chat/completions", decision: "allowed")
        try await sink.send(event)
        try await sink.send(event)
        await sink.close()
        let received = try listener.acceptAll()
        let message = SyslogSink.message(
            event, facility: .local0, severity: .informational, hostname: ProcessInfo.processInfo.hostName,
            processID: Int(getpid()))
        let framed = "\(message.utf8.count) \(message)"
        #expect(received == framed + framed, "\(received)")
    }

    @Test("a slow channel drops and counts events instead of holding requests up")
    func slowSinkDrops() async throws {
        let metrics = GateMetrics()
        let sink = StuckSink()
        let queue = FeedQueue(sink: sink, capacity: 4, metrics: metrics)
        let event = DecisionEvent(requestID: "pg-1", actor: "a", endpoint: "/v1/chat/completions", decision: "allowed")
        // Publishing never waits for the sink: were it to, these twenty calls would never return (the sink is
        // stuck until the test releases it below), so no time bound is needed.
        for _ in 0..<20 { queue.publish(event) }
        // The sink holds one, the buffer four (or five, before the sink took its first): the rest are dropped.
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        let line = exposition.split(separator: "\n").first { $0.hasPrefix("promptgate_feed_dropped_total{") }
        let dropped = line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect((15...16).contains(dropped), "\(exposition)")
        #expect(line?.contains(#"sink="stuck""#) == true)
        while sink.received.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        sink.unstick()
        // The sink is released one event at a time until the queue is empty.
        let unsticking = Task {
            while !Task.isCancelled {
                sink.unstick()
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        await queue.finish()
        unsticking.cancel()
        #expect(sink.received.withLock { $0 } == 20 - dropped)
    }

    @Test("a channel stuck for good does not hold up the gate's shutdown")
    func stuckSinkLetsGo() async throws {
        let sink = StuckSink()
        let queue = FeedQueue(sink: sink, capacity: 4, metrics: GateMetrics())
        queue.publish(DecisionEvent(requestID: "pg-1", actor: "a", endpoint: "/v1/responses", decision: "allowed"))
        // Without the timeout this would wait for the stuck sink for ever; returning at all is the test (no bound
        // on how long the machine takes to get there).
        await queue.finish(timeout: .milliseconds(100))
        #expect(sink.received.withLock { $0 } == 1)
        sink.unstick()
    }

    @Test("feed settings: the file, the environment and bad values named where they were set")
    func settings() throws {
        var settings = ProxySettings()
        settings.apply(environment: [
            "PROMPTGATE_FEED_JSONL": "-", "PROMPTGATE_FEED_SYSLOG": "tcp://127.0.0.1:6601",
            "PROMPTGATE_FEED_SYSLOG_FACILITY": "auth", "PROMPTGATE_FEED_OTLP": "http://127.0.0.1:4318",
        ])
        let feed = try FeedConfiguration(settings: settings)
        #expect(feed.jsonLines == "-" && feed.otlp == "http://127.0.0.1:4318")
        #expect(feed.syslog == .init(transport: .tcp, host: "127.0.0.1", port: 6601) && feed.syslogFacility == .auth)
        settings.apply(environment: ["PROMPTGATE_FEED_SYSLOG": "siem:514"])
        #expect {
            _ = try FeedConfiguration(settings: settings)
        } throws: { error in
            "\(error)".contains("$PROMPTGATE_FEED_SYSLOG") && "\(error)".contains("udp://")
        }
        settings.apply(environment: ["PROMPTGATE_FEED_SYSLOG": "udp://siem", "PROMPTGATE_FEED_SYSLOG_FACILITY": "x"])
        #expect(throws: ConfigurationError.self) { try FeedConfiguration(settings: settings) }
        #expect(try FeedConfiguration(settings: ProxySettings()).makeSinks().isEmpty)
    }
}

/// A loopback TCP listener that reads what one client sends until it closes.
struct TCPListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        guard let (descriptor, port) = listenOnLoopback() else { throw FeedError("cannot listen") }
        self.descriptor = descriptor
        self.port = port
    }

    func acceptAll() throws -> String {
        let client = accept(descriptor, nil, nil)
        defer {
            close(client)
            close(descriptor)
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
