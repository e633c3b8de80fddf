import AuditLog
import JSONCore
import Logging
import Providers
import Screening

extension Gate {
    /// Decides a screened request, whatever its protocol: the registry's verdict on model, host and purpose, the
    /// findings, unscreenable parts and the department's mode. Records the request entry — on disk before anything
    /// leaves (fail closed) — and throws the block, if any, for the caller to answer in its protocol's shape.
    func decide(
        _ request: ExtractedRequest, _ result: inout ScreeningResult, context: RequestContext, bytes: Int,
        started: ContinuousClock.Instant
    ) async throws(GateFailure) -> (decision: Decision, verdict: RegistryVerdict) {
        let verdict = governance(model: request.model, context: context)
        if verdict.blockReason == nil, verdict.purpose?.isHighImpact == true {
            // The decision is declared and its assessment checked: the decision-language rules have done their job.
            result.relax(category: .prohibitedUse, policy: policy)
        }
        var entry = requestEntry(request, result, context: context, bytes: bytes, verdict: verdict)
        if let model = result.findings.first(where: { result.slots[$0.slot].path == [.key("model")] }) {
            // The model name is recorded as sent: not when something was found in it.
            entry.model = "(withheld: it held \(model.finding.entity))"
        }
        if !verdict.warnings.isEmpty { entry.note = verdict.warnings.joined(separator: " ") }

        var decision = result.decision
        var blockReason: String?
        if let reason = verdict.blockReason {
            decision = .blocked
            blockReason = "PromptGate blocked this request. " + reason
        } else if decision == .blocked {
            blockReason = Self.blockMessage(result.blocking)
        }
        let department = context.department ?? configuration.defaultDepartment
        let unscreenedPolicy = configuration.policies?.unscreenedParts(for: department) ?? configuration.unscreenedParts
        if blockReason == nil, !request.unscreened.isEmpty, unscreenedPolicy == .block {
            decision = .blocked
            blockReason =
                "PromptGate blocked this prompt: it carries parts that cannot be screened as text "
                + "(\(request.unscreened.joined(separator: ", "))), and this city's policy does not let unscreened "
                + "content leave. Nothing was sent. Send the text itself, or ask IT whether your department may "
                + "send such files."
        }

        var wouldBlock = result.monitoredBlocks.isEmpty ? nil : Self.blockMessage(result.monitoredBlocks)
        if let reason = blockReason, !result.blocksInEveryMode,
            configuration.policies?.mode(for: department) == .monitor
        {
            wouldBlock = reason
            decision = result.decision
            blockReason = nil
        }
        if let wouldBlock {
            // Monitor mode: record what would have been blocked, block nothing.
            entry.note = ([entry.note].compactMap { $0 } + ["monitor mode: would have blocked: \(wouldBlock)"])
                .joined(separator: " ")
            entry.decision = decision.rawValue
        }

        if result.holdsCredential {
            // The rule's span may not cover all of a secret (a key's neighbours, a block without its end): the
            // entry keeps rule ids, counts and keyed fingerprints, never the text around it.
            entry.promptRedacted = nil
            entry.note = ([entry.note].compactMap { $0 } + ["the prompt's text is not kept: it held a secret"])
                .joined(separator: " ")
        }
        if let owner = pastedKeyOwner(result) {
            entry.note =
                ([entry.note].compactMap { $0 } + [
                    "a valid PromptGate key of user '\(owner)' was pasted into this prompt: replace that user's key"
                ]).joined(separator: " ")
            logger.warning(
                "a valid PromptGate key was pasted into a prompt; replace its owner's key",
                metadata: ["owner": "\(owner)", "request": "\(context.requestID)"])
        }

        metrics.request(
            endpoint: context.wire.upstreamPath, decision: blockReason == nil ? decision.rawValue : "blocked")
        for located in result.findings {
            metrics.finding(rule: located.finding.ruleID, action: located.finding.action.rawValue)
        }
        context.outcome?.decided(decision, findings: result.findings.map(\.finding), blockReason: blockReason)
        if let blockReason {
            entry.event = .requestBlocked
            entry.decision = Decision.blocked.rawValue
            entry.status = 403
            // Recorded first, then reported: an optional chain would skip the append itself when no one listens.
            let sequence = try await record(entry)
            context.outcome?.recorded(sequence: sequence)
            publish(entry, context: context, status: 403, started: started, sequence: sequence)
            throw GateFailure.blocked(blockReason)
        }
        let sequence = try await record(entry)
        context.outcome?.recorded(sequence: sequence)
        publish(entry, context: context, status: nil, started: started, sequence: sequence)
        return (decision, verdict)
    }

    /// Hands the security team's feed the decision its entry records (no texts, no values, no fingerprints): off
    /// the request path, never waiting.
    private func publish(
        _ entry: AuditEntry, context: RequestContext, status: Int?, started: ContinuousClock.Instant, sequence: Int
    ) {
        guard let feed else { return }
        feed.publish(
            DecisionEvent(
                requestID: context.requestID, actor: context.actor, department: entry.department,
                endpoint: context.wire.endpoint.path, upstream: entry.endpoint, model: entry.model,
                system: entry.system, purpose: entry.purpose, decision: entry.decision ?? "allowed",
                rules: entry.findings,
                status: status, latencyMs: Int((ContinuousClock.now - started).milliseconds), sequence: sequence))
    }

    /// Tells the feed that a request failed (a bad body, screening or the audit log failing, the upstream failing):
    /// the error code the client got, never its message. Blocks were published with their decision.
    func publishFailure(
        _ failure: GateFailure, wire: ChatWire, context: RequestContext, started: ContinuousClock.Instant
    ) {
        guard let feed else { return }
        if case .blocked = failure { return }
        feed.publish(
            DecisionEvent(
                requestID: context.requestID, actor: context.actor,
                department: context.department ?? configuration.defaultDepartment, endpoint: wire.endpoint.path,
                upstream: upstreamHost(wire), purpose: context.purpose, decision: DecisionEvent.failed,
                status: failure.status, latencyMs: Int((ContinuousClock.now - started).milliseconds),
                failure: failure.code))
    }

    /// The user whose PromptGate key was pasted into the prompt, if a pasted key is one of the users file's.
    private func pastedKeyOwner(_ result: ScreeningResult) -> String? {
        guard let users = configuration.users else { return nil }
        for located in result.findings where located.finding.entity == Self.promptGateKeyEntity {
            if let owner = users.user(forKey: located.finding.value) { return owner.id }
        }
        return nil
    }

    /// The entity of the credentials pack's rule for PromptGate's own keys (`pgk_…`).
    static let promptGateKeyEntity = "PROMPTGATE_KEY"
}
