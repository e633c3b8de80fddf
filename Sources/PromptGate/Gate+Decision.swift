import AuditLog
import Providers
import Screening

extension Gate {
    /// Decides a screened request, whatever its protocol: the registry's verdict on model, host and purpose, the
    /// findings, unscreenable parts and the department's mode. Records the request entry — on disk before anything
    /// leaves (fail closed) — and throws the block, if any, for the caller to answer in its protocol's shape.
    func decide(
        _ request: ExtractedRequest, _ result: inout ScreeningResult, context: RequestContext, bytes: Int
    ) async throws(GateFailure) -> (decision: Decision, verdict: RegistryVerdict) {
        let verdict = governance(model: request.model, context: context)
        if verdict.blockReason == nil, verdict.purpose?.isHighImpact == true {
            // The decision is declared and its assessment checked: the decision-language rules have done their job.
            result.relax(category: .prohibitedUse, policy: policy)
        }
        var entry = requestEntry(request, result, context: context, bytes: bytes, verdict: verdict)
        if !verdict.warnings.isEmpty { entry.note = verdict.warnings.joined(separator: " ") }

        var decision = result.decision
        var blockReason: String?
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
        var wouldBlock = result.monitoredBlocks.isEmpty ? nil : Self.blockMessage(result.monitoredBlocks)
        if let reason = blockReason, configuration.policies?.mode(for: department) == .monitor {
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

        metrics.request(endpoint: context.wire.upstreamPath, decision: blockReason == nil ? decision.rawValue : "blocked")
        for located in result.findings { metrics.finding(rule: located.finding.ruleID, action: located.finding.action.rawValue) }
        if let blockReason {
            entry.event = .requestBlocked
            entry.decision = Decision.blocked.rawValue
            entry.status = 403
            try await record(entry)
            throw GateFailure.blocked(blockReason)
        }
        try await record(entry)
        return (decision, verdict)
    }
}
