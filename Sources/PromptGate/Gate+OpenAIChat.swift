import AuditLog
import Foundation
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
        let started = ContinuousClock.now
        do {
            return try await forwardChat(body: body, context: context, started: started)
        } catch {
            return Self.errorResponse(error, context: context)
        }
    }

    static func errorResponse(_ failure: GateFailure, context: RequestContext) -> GateResponse {
        .openAIError(
            status: failure.status, message: failure.message, type: failure.type, code: failure.code,
            requestID: context.requestID)
    }

    private func forwardChat(body: [UInt8], context: RequestContext, started: ContinuousClock.Instant)
        async throws(GateFailure) -> GateResponse
    {
        guard body.count <= configuration.maxRequestBytes else {
            throw GateFailure.tooLarge(limit: configuration.maxRequestBytes)
        }
        let request: ExtractedRequest
        do {
            request = try OpenAIChat.extract(try JSONParser.parse(body))
        } catch let error as JSONParseError {
            throw GateFailure.badRequest("the body is not valid JSON (\(error))")
        } catch let error as RequestDecodingError {
            throw GateFailure.badRequest(error.message)
        } catch {
            throw GateFailure.badRequest("\(error)")
        }

        var result: ScreeningResult
        do {
            result = try screen(request.slots.map(\.text), department: context.department)
        } catch {
            logger.error("screening failed; the request is refused", metadata: ["error": "\(error)"])
            throw GateFailure.screeningFailed
        }
        let verdict = governance(model: request.model, context: context)
        if verdict.blockReason == nil, verdict.purpose?.isHighImpact == true {
            // The decision is declared and its assessment checked: the decision-language rules have done their job.
            result.relax(category: .prohibitedUse, policy: policy)
        }
        var entry = requestEntry(request, result, context: context, bytes: body.count)

        var decision = result.decision
        var blockReason: String?
        entry.system = verdict.system?.id
        entry.purpose = context.purpose
        entry.assessment = verdict.system?.impactAssessment?.reference
        if !verdict.warnings.isEmpty { entry.note = verdict.warnings.joined(separator: " ") }
        if let reason = verdict.blockReason {
            decision = .blocked
            blockReason = "PromptGate blocked this request. " + reason
        } else if decision == .blocked {
            blockReason = Self.blockMessage(result.blocking)
        } else if !request.unscreened.isEmpty && configuration.unscreenedParts == .block {
            decision = .blocked
            blockReason = "PromptGate blocked this prompt: it carries parts that cannot be screened as text "
                + "(\(request.unscreened.joined(separator: ", "))), and this city's policy does not let unscreened "
                + "content leave. Nothing was sent."
        }
        let department = context.department ?? configuration.defaultDepartment
        entry.department = department
        entry.policy = configuration.policies?.label(for: department)
        var wouldBlock = result.monitoredBlocks.isEmpty ? nil : Self.blockMessage(result.monitoredBlocks)
        if let reason = blockReason, configuration.policies?.mode(for: department) == .monitor {
            wouldBlock = reason
            decision = result.decision
            blockReason = nil
        }
        if let wouldBlock {
            // Monitor mode: record what would have been blocked, block nothing.
            entry.note = ([entry.note].compactMap { $0 } + ["monitor mode: would have blocked: \(wouldBlock)"]).joined(separator: " ")
            entry.decision = decision.rawValue
        }
        if let blockReason {
            entry.event = .requestBlocked
            entry.decision = Decision.blocked.rawValue
            entry.status = 403
            try await record(entry)
            throw GateFailure.blocked(blockReason)
        }

        // Fail closed: the entry is on disk before anything leaves.
        try await record(entry)

        let outgoing = request.rewritten(with: result.outgoingTexts).serializedBytes()
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", request.stream ? "text/event-stream" : "application/json"),
            ("User-Agent", "PromptGate/0.1"),
        ]
        if let key = configuration.upstreamAPIKey { headers.append(("Authorization", "Bearer \(key.value)")) }
        let upstreamRequest = HTTPClientRequest(
            method: "POST", url: upstreamURL("chat/completions"), headers: headers, body: outgoing)

        let response: HTTPClientResponse
        do {
            response = try await client.execute(upstreamRequest)
        } catch {
            let failure = Self.upstreamFailure(error)
            await recordResponseFailure(context: context, request: request, started: started, status: failure.status, note: "\(error)")
            throw failure
        }

        var responseHeaders: [(name: String, value: String)] = [
            ("content-type", response.header("content-type") ?? "application/json"),
            ("x-promptgate-request-id", context.requestID), ("x-promptgate-decision", decision.rawValue),
        ]
        for warning in verdict.warnings { responseHeaders.append(("x-promptgate-warning", warning)) }
        if let system = verdict.system, system.residentFacing {
            // EU AI Act Art. 50: people must know they are dealing with AI.
            responseHeaders.append(("x-promptgate-ai-disclosure", "AI-generated by \(system.name) (registered as \(system.id)); EU AI Act Art. 50"))
        }
        let isEventStream = response.header("content-type")?.lowercased().hasPrefix("text/event-stream") ?? false
        let notice = verdict.system?.residentFacing == true ? configuration.disclosureNotice : nil
        if response.status == 200 && isEventStream {
            let session = ChatStreamSession(
                gate: self, upstream: response.body, vault: result.vault, context: context, request: request,
                started: started, notice: notice)
            return .stream(status: 200, headers: responseHeaders, body: GateStream(session: session))
        }

        let upstreamBody: [UInt8]
        do {
            upstreamBody = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch {
            let failure = Self.upstreamFailure(error)
            await recordResponseFailure(context: context, request: request, started: started, status: failure.status, note: "\(error)")
            throw failure
        }
        guard response.status == 200, var json = try? JSONParser.parse(upstreamBody) else {
            // Upstream errors pass through in their own shape.
            await recordResponseFailure(
                context: context, request: request, started: started, status: response.status,
                note: "upstream answered \(response.status)")
            return .complete(status: response.status, headers: responseHeaders, body: upstreamBody)
        }
        let vault = result.vault
        let upstreamTexts = OpenAIChat.transformResponse(&json) { vault.restore($0) }
        if let notice { OpenAIChat.appendToContent(&json, "\n\n" + notice) }
        var done = responseEntry(.responseCompleted, context: context, request: request, started: started, status: 200)
        done.responseRedacted = clip(upstreamTexts.joined(separator: "\n"))
        done.responseBytes = upstreamBody.count
        (done.promptTokens, done.completionTokens) = OpenAIChat.usage(json)
        await recordAfterForwarding(done)
        return .complete(status: 200, headers: responseHeaders, body: json.serializedBytes())
    }

    /// The registry's verdict, or — without a registry — a block for high-impact purposes, whose assessment
    /// cannot be checked.
    func governance(model: String?, context: RequestContext) -> RegistryVerdict {
        if let registry = configuration.registry {
            return registry.check(
                model: model, host: upstreamHost, purpose: context.purpose,
                today: String(ISO8601DateFormatter().string(from: Date()).prefix(10)),
                reviewOverdue: configuration.reviewOverdue)
        }
        var verdict = RegistryVerdict()
        if let id = context.purpose, let purpose = Purpose.named(id), purpose.isHighImpact {
            verdict.purpose = purpose
            verdict.blockReason = "\(purpose.title) is a high-impact use (\(purpose.source)) and needs an assessed system in the city's AI registry, but no registry is configured. Nothing was sent."
        }
        return verdict
    }

    func upstreamURL(_ path: String) -> String {
        var base = configuration.upstreamBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + path
    }

    var upstreamHost: String? { URLComponents(string: configuration.upstreamBaseURL)?.host }

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

    func requestEntry(_ request: ExtractedRequest, _ result: ScreeningResult, context: RequestContext, bytes: Int)
        -> AuditEntry
    {
        var entry = baseEntry(.requestScreened, context: context, model: request.model)
        entry.decision = result.decision.rawValue
        var counts: [String: AuditEntry.FindingCount] = [:]
        var order: [String] = []
        for located in result.findings {
            let f = located.finding
            let key = f.ruleID + "\u{0}" + f.action.rawValue
            if counts[key] == nil { order.append(key) }
            counts[key, default: AuditEntry.FindingCount(rule: f.ruleID, type: f.entity, action: f.action.rawValue, count: 0)].count += 1
        }
        entry.findings = order.compactMap { counts[$0] }
        entry.packHash = screener.packHash
        entry.screenedAll = request.unscreened.isEmpty
        entry.unscreened = request.unscreened
        entry.promptRedacted = clip(
            zip(request.slots, result.loggedTexts).map { "[\($0.location)] \($1)" }.joined(separator: "\n"))
        entry.requestBytes = bytes
        var seen = Set<String>()
        for located in result.findings {
            let print = fingerprinter.fingerprint(located.finding.value, type: located.finding.entity)
            if seen.insert(print).inserted {
                entry.fingerprints.append(AuditEntry.Fingerprint(type: located.finding.entity, hmac: print))
            }
        }
        return entry
    }

    func baseEntry(_ event: AuditEntry.Event, context: RequestContext, model: String?) -> AuditEntry {
        var entry = AuditEntry(event: event)
        entry.requestID = context.requestID
        entry.actor = context.actor
        entry.department = context.department
        entry.client = context.client
        entry.provider = "openai"
        entry.model = model
        entry.endpoint = upstreamHost
        return entry
    }

    func responseEntry(
        _ event: AuditEntry.Event, context: RequestContext, request: ExtractedRequest, started: ContinuousClock.Instant,
        status: Int
    ) -> AuditEntry {
        var entry = baseEntry(event, context: context, model: request.model)
        entry.status = status
        entry.latencyMs = Int((ContinuousClock.now - started).milliseconds)
        return entry
    }

    func recordResponseFailure(
        context: RequestContext, request: ExtractedRequest, started: ContinuousClock.Instant, status: Int, note: String
    ) async {
        var entry = responseEntry(.responseFailed, context: context, request: request, started: started, status: status)
        entry.note = note
        await recordAfterForwarding(entry)
    }

    /// Records what happened after the prompt left. The prompt's own entry is already durable, so a failure here
    /// is reported to the operator rather than withheld from the employee.
    func recordAfterForwarding(_ entry: AuditEntry) async {
        do {
            _ = try await auditLog.append(entry)
        } catch {
            logger.error("audit append of a response entry failed", metadata: ["error": "\(error)", "request": "\(entry.requestID ?? "")"])
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
