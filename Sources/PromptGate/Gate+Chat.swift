import AuditLog
import Foundation
import HTTPTypes
import JSONCore
import Logging
import Providers
import Screening
import Transport

extension Gate {
    /// Handles an OpenAI `POST /v1/chat/completions` body end to end: screen every text, block or redact, record,
    /// forward, restore placeholders in the answer (streaming or not), record the answer.
    ///
    /// Never throws: every failure becomes a response in OpenAI's error shape.
    public func openAIChatCompletions(body: [UInt8], context: RequestContext) async -> GateResponse {
        await chat(.openAIChat, body: body, context: context, limit: configuration.maxRequestBytes)
    }

    /// Handles an OpenAI `POST /v1/embeddings` body: every input string is screened and redacted (an embedding of
    /// a placeholder is what leaves), token arrays are decided by ``GateConfiguration/unscreenedParts``.
    public func openAIEmbeddings(body: [UInt8], context: RequestContext) async -> GateResponse {
        await chat(.openAIEmbeddings, body: body, context: context, limit: configuration.maxRequestBytes)
    }

    /// Handles an OpenAI `POST /v1/responses` body: `instructions` and every `input` item screened; placeholders
    /// restored in the answer and in every copy a stream repeats.
    public func openAIResponses(body: [UInt8], context: RequestContext) async -> GateResponse {
        await chat(.openAIResponses, body: body, context: context, limit: configuration.maxRequestBytes)
    }

    /// Handles an Ollama `POST /api/chat` body (streaming by default, as NDJSON) to the configured Ollama upstream
    /// (``GateConfiguration/ollamaBaseURL``).
    public func ollamaChat(body: [UInt8], context: RequestContext) async -> GateResponse {
        await chat(.ollamaChat, body: body, context: context, limit: configuration.maxRequestBytes)
    }

    /// Handles an Anthropic `POST /v1/messages` body the same way, in Anthropic's wire format and error shape, to
    /// the configured Anthropic upstream (``GateConfiguration/anthropicBaseURL``).
    public func anthropicMessages(body: [UInt8], context: RequestContext) async -> GateResponse {
        await chat(.anthropicMessages, body: body, context: context, limit: configuration.maxRequestBytes)
    }

    /// A prompt route: 404 without its upstream, then the body's size when it was handed over whole (`limit`; a
    /// body read off a connection was held to its limits as it arrived), then the pipeline. Every failure becomes
    /// ``rejection(_:endpoint:context:)``.
    func chat(_ wire: ChatWire, body: [UInt8], context: RequestContext, limit: Int? = nil) async -> GateResponse {
        let started = ContinuousClock.now
        do throws(GateFailure) {
            guard configuration.configuredBase(wire.endpoint.upstream) != nil else {
                throw GateFailure.upstreamNotConfigured(wire.endpoint)
            }
            if let limit { try checkSize(body.count, limit: limit) }
            return try await forwardChat(wire, body: body, context: context, started: started)
        } catch {
            publishFailure(error, wire: wire, context: context, started: started)
            return Self.rejection(error, endpoint: wire.endpoint, context: context)
        }
    }

    private func forwardChat(
        _ wire: ChatWire, body: [UInt8], context: RequestContext, started: ContinuousClock.Instant
    ) async throws(GateFailure) -> GateResponse {
        var context = context
        context.wire = wire
        let request: ExtractedRequest
        do {
            request = try wire.extract(try JSONParser.parse(body))
        } catch let error as JSONParseError {
            throw GateFailure.badRequest("the body is not valid JSON (\(error))")
        } catch let error as RequestDecodingError {
            throw GateFailure.badRequest(error.message)
        } catch {
            throw GateFailure.badRequest("\(error)")
        }

        var result: ScreeningResult
        do {
            result = try screen(slots: request.slots, department: context.department)
        } catch {
            logger.error("screening failed; the request is refused", metadata: ["error": "\(error)"])
            throw GateFailure.screeningFailed
        }
        let (decision, verdict) = try await decide(
            request, &result, context: context, bytes: body.count, started: started)

        let outgoing = request.rewritten(with: result.outgoingTexts).serializedBytes()
        var headers: HTTPFields = [
            .contentType: "application/json",
            .accept: !request.stream
                ? "application/json" : wire == .ollamaChat ? "application/x-ndjson" : "text/event-stream",
            .userAgent: "PromptGate/0.1",
        ]
        switch wire {
        case .openAIChat, .openAIEmbeddings, .openAIResponses:
            if let key = configuration.upstreamAPIKey { headers[.authorization] = "Bearer \(key.value)" }
        case .ollamaChat:
            if let key = configuration.ollamaAPIKey { headers[.authorization] = "Bearer \(key.value)" }
        case .anthropicMessages:
            if let key = configuration.anthropicAPIKey { headers[.apiKey] = key.value }
            if context.forwardedHeaders[.anthropicVersion] == nil { headers[.anthropicVersion] = "2023-06-01" }
        }
        headers.append(contentsOf: context.forwardedHeaders)
        let upstreamRequest = HTTPClientRequest(
            method: "POST", url: upstreamURL(wire.upstreamPath, wire: wire), headers: headers, body: outgoing)

        let response: HTTPClientResponse
        let sent = ContinuousClock.now
        do {
            response = try await client.execute(upstreamRequest)
            metrics.upstream(endpoint: wire.upstreamPath, status: response.status, after: .now - sent)
        } catch {
            metrics.upstream(endpoint: wire.upstreamPath, status: 0, after: .now - sent)
            let failure = Self.upstreamFailure(error)
            recordResponseFailure(
                context: context, request: request, verdict: verdict, started: started, status: failure.status,
                note: "\(error)")
            throw failure
        }

        var responseHeaders: HTTPFields = [
            .contentType: response.headers[.contentType] ?? "application/json",
            .promptGateRequestID: context.requestID, .promptGateDecision: decision.rawValue,
        ]
        for warning in verdict.warnings { responseHeaders.append(HTTPField(name: .promptGateWarning, value: warning)) }
        if let system = verdict.system, system.residentFacing {
            // EU AI Act Art. 50: people must know they are dealing with AI.
            responseHeaders[.promptGateAIDisclosure] =
                "AI-generated by \(system.name) (registered as \(system.id)); EU AI Act Art. 50"
        }
        let isEventStream = wire.isStream(contentType: response.headers[.contentType])
        let notice = verdict.system?.residentFacing == true ? configuration.disclosureNotice : nil
        // The answer is screened too, as the upstream wrote it: values the prompt did not hold are answer findings.
        let answers = AnswerScreening(
            gate: self, promptTexts: request.slots.map(\.text), vault: result.vault, department: context.department)
        if response.status == 200 && isEventStream {
            let session = ChatStreamSession(
                gate: self, wire: wire, upstream: response.body, vault: result.vault, answers: answers,
                context: context,
                request: request, verdict: verdict, started: started, notice: notice)
            return .stream(status: 200, headers: responseHeaders, body: GateStream(session: session))
        }

        let upstreamBody: [UInt8]
        do {
            upstreamBody = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch {
            let failure = Self.upstreamFailure(error)
            recordResponseFailure(
                context: context, request: request, verdict: verdict, started: started, status: failure.status,
                note: "\(error)")
            throw failure
        }
        guard response.status == 200, var json = try? JSONParser.parse(upstreamBody) else {
            // Upstream errors pass through in their own shape.
            recordResponseFailure(
                context: context, request: request, verdict: verdict, started: started, status: response.status,
                note: "upstream answered \(response.status)")
            return .complete(status: response.status, headers: responseHeaders, body: upstreamBody)
        }
        var loggedTexts: [String] = []
        _ = wire.transformAnswer(&json) { text, isJSON in
            let (delivered, logged) = answers.screenWhole(text, dedupe: false)
            loggedTexts.append(logged)
            return result.vault.restore(delivered, jsonString: isJSON)
        }
        if let notice { wire.appendNotice(&json, notice) }
        var done = responseEntry(
            .responseCompleted, context: context, request: request, verdict: verdict, started: started, status: 200)
        done.responseRedacted = clip(loggedTexts.joined(separator: "\n"))
        done.responseBytes = upstreamBody.count
        (done.promptTokens, done.completionTokens) = wire.usage(json)
        addAnswerFindings(answers, to: &done)
        if let block = answers.block {
            // Nothing of the answer goes out; the entry says why, with the answer's text as the log may keep it.
            done.event = .responseFailed
            done.status = GateFailure.blocked(block.message).status
            done.note = ([done.note].compactMap { $0 } + [block.note]).joined(separator: " ")
            recordAfterForwarding(done)
            throw GateFailure.blocked(block.message)
        }
        recordAfterForwarding(done)
        responseHeaders.append(
            contentsOf: Self.answerWarnings(answers.recorded).map { HTTPField(name: .promptGateWarning, value: $0) })
        return .complete(status: 200, headers: responseHeaders, body: json.serializedBytes())
    }

    /// The registry's verdict, or — without a registry — a block for high-impact purposes, whose assessment
    /// cannot be checked.
    func governance(model: String?, context: RequestContext) -> RegistryVerdict {
        if let registry = configuration.registry {
            return registry.check(
                model: model, host: upstreamHost(context.wire), purpose: context.purpose,
                today: String(AuditEntry.rfc3339(Date()).prefix(10)),
                reviewOverdue: configuration.reviewOverdue)
        }
        var verdict = RegistryVerdict()
        if let id = context.purpose, let purpose = Purpose.named(id), purpose.isHighImpact {
            verdict.purpose = purpose
            verdict.blockReason =
                "\(purpose.title) is a high-impact use (\(purpose.source)) and needs an assessed system in the city's AI registry, but no registry is configured. Nothing was sent."
        }
        return verdict
    }

    func upstreamURL(_ path: String, wire: ChatWire = .openAIChat) -> String {
        var base = configuration.upstreamBase(wire)
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + path
    }

    func upstreamHost(_ wire: ChatWire = .openAIChat) -> String? { upstreamHosts[wire] }

    static func upstreamFailure(_ error: any Error) -> GateFailure {
        if let error = error as? TransportError, error.isTimeout { return .upstreamTimeout(error.description) }
        return .upstreamUnreachable("\(error)")
    }

    /// "PromptGate blocked this prompt: <message> (<guideline>)." for each distinct blocking rule.
    static func blockMessage(_ findings: [Finding]) -> String {
        var seen = Set<String>()
        var reasons: [String] = []
        for finding in findings where seen.insert(finding.ruleID).inserted {
            reasons.append("\(finding.message) [rule \(finding.ruleID); \(finding.source.citation)]")
        }
        return "PromptGate blocked this prompt, and nothing was sent. " + reasons.joined(separator: " ")
    }

    func requestEntry(
        _ request: ExtractedRequest, _ result: ScreeningResult, context: RequestContext, bytes: Int,
        verdict: RegistryVerdict
    ) -> AuditEntry {
        var entry = baseEntry(.requestScreened, context: context, model: request.model, verdict: verdict)
        entry.decision = result.decision.rawValue
        var counts: [String: AuditEntry.FindingCount] = [:]
        var order: [String] = []
        for located in result.findings where located.piece == 0 {
            let f = located.finding
            let key = f.ruleID + "\u{0}" + f.action.rawValue
            if counts[key] == nil { order.append(key) }
            counts[
                key,
                default: AuditEntry.FindingCount(rule: f.ruleID, type: f.entity, action: f.action.rawValue, count: 0)
            ].count += 1
        }
        entry.findings = order.compactMap { counts[$0] }
        entry.packHash = screener.packHash
        entry.screenedAll = request.unscreened.isEmpty
        entry.unscreened = request.unscreened
        // The protocol's own slots, and of the rest of the body (keys, metadata, schemas) only what held a finding.
        let withFindings = Set(result.findings.map(\.slot))
        entry.promptRedacted = clip(
            zip(result.slots, result.loggedTexts).enumerated()
                .filter { index, pair in !pair.0.walked || withFindings.contains(index) }
                .map { _, pair in "[\(pair.0.location)] \(pair.0.encoding.isKey ? "(not shown)" : pair.1)" }
                .joined(separator: "\n"))
        entry.requestBytes = bytes
        var seen = Set<String>()
        for part in request.binaryParts {
            // What could not be screened is still identifiable: an auditor with the key can tell whether a given
            // file was sent.
            let type = "ATTACHMENT " + part.mediaType
            entry.fingerprints.append(
                AuditEntry.Fingerprint(type: type, hmac: fingerprinter.fingerprint(bytes: part.bytes, type: type)))
        }
        for located in result.findings {
            let print = fingerprinter.fingerprint(located.finding.value, type: located.finding.entity)
            if seen.insert(print).inserted {
                entry.fingerprints.append(AuditEntry.Fingerprint(type: located.finding.entity, hmac: print))
            }
        }
        return entry
    }

    /// The fields every entry of a request carries: who, from where, to which registered system, for what purpose,
    /// under which policy.
    func baseEntry(
        _ event: AuditEntry.Event, context: RequestContext, model: String?, verdict: RegistryVerdict
    ) -> AuditEntry {
        var entry = AuditEntry(event: event)
        entry.requestID = context.requestID
        entry.actor = context.actor
        let department = context.department ?? configuration.defaultDepartment
        entry.department = department
        entry.client = context.client
        entry.provider = context.wire.provider
        entry.model = model
        entry.endpoint = upstreamHost(context.wire)
        let system = verdict.system
        entry.system = system?.id
        entry.purpose = context.purpose
        entry.assessment = system?.impactAssessment?.reference
        entry.policy = configuration.policies?.label(for: department)
        return entry
    }

    func responseEntry(
        _ event: AuditEntry.Event, context: RequestContext, request: ExtractedRequest, verdict: RegistryVerdict,
        started: ContinuousClock.Instant, status: Int
    ) -> AuditEntry {
        var entry = baseEntry(event, context: context, model: request.model, verdict: verdict)
        entry.status = status
        entry.latencyMs = Int((ContinuousClock.now - started).milliseconds)
        return entry
    }

    func recordResponseFailure(
        context: RequestContext, request: ExtractedRequest, verdict: RegistryVerdict, started: ContinuousClock.Instant,
        status: Int, note: String
    ) {
        var entry = responseEntry(
            .responseFailed, context: context, request: request, verdict: verdict, started: started, status: status)
        entry.note = note
        recordAfterForwarding(entry)
    }

    /// Records what happened after the prompt left, without holding the answer back: the append runs in the
    /// background (``flush()`` and ``shutdown()`` wait for it) and may wait up to ``afterwardDurability`` for its
    /// `fsync`, so that it shares the next prompt's instead of costing one of its own. The prompt's own entry is
    /// already durable, so a failure here is reported to the operator rather than withheld from the employee.
    func recordAfterForwarding(_ entry: AuditEntry) {
        let executor = Self.afterwardExecutor
        afterward.start(preferring: executor) { [self] in
            do {
                // An executor that can time the deadline (an event loop) does, instead of the global pool's timer.
                try await AuditLogStore.$deadlineTimer.withValue(executor as? any DeadlineTimer) {
                    _ = try await auditLog.append(try await sealed(entry), durableWithin: Self.afterwardDurability)
                }
                metrics.auditAppend(ok: true, store: auditLog.storeKind)
            } catch {
                metrics.auditAppend(ok: false, store: auditLog.storeKind)
                logger.error(
                    "audit append of a response entry failed",
                    metadata: ["error": "\(error)", "request": "\(entry.requestID ?? "")"])
            }
        }
    }
}

extension Gate {
    /// How long an entry recorded after the prompt left (the answer's) may wait to become durable.
    static let afterwardDurability: Duration = .milliseconds(20)

    /// The executor that the records made after an answer (its audit entry) prefer, for the task that handles the
    /// request; `nil`: the global pool. A server that answers on the connection's event loop sets that loop: the
    /// record's task then starts on the same thread once the answer has been written, instead of waking a thread
    /// of the pool before the write.
    @TaskLocal public static var afterwardExecutor: (any TaskExecutor)?
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension GateConfiguration {
    /// The upstream base URL for a protocol: its own if configured, else the OpenAI-compatible one.
    func upstreamBase(_ wire: ChatWire) -> String { configuredBase(wire.endpoint.upstream) ?? upstreamBaseURL }

    /// An upstream's base URL, `nil` when it is not configured (its routes answer 404).
    func configuredBase(_ upstream: Endpoint.Upstream) -> String? {
        switch upstream {
        case .openAI: return upstreamBaseURL
        case .anthropic: return anthropicBaseURL
        case .ollama: return ollamaBaseURL
        }
    }
}
