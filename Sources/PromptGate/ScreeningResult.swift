import Screening

/// What screening found in the texts of one request, and the texts that may leave.
public struct ScreeningResult: Sendable {
    /// A finding and the index of the text it was found in.
    public struct Located: Sendable {
        public var slot: Int
        public var finding: Finding
    }

    public var decision: Decision
    public var findings: [Located]
    /// The texts with `redact` findings replaced by placeholders: what is sent upstream.
    public var outgoingTexts: [String]
    /// The texts with every finding replaced by a placeholder: what the audit log may hold.
    public var loggedTexts: [String]
    /// The placeholders issued, to restore the answer.
    public var vault: PlaceholderVault

    /// Turns findings of `category` into `log` findings (recorded, not acted on), and decides again.
    mutating func relax(category: RuleCategory, policy: Policy) {
        for i in findings.indices where findings[i].finding.category == category {
            findings[i].finding.action = .log
        }
        decision = policy.decide(findings.map(\.finding))
    }

    /// The findings that block the request, for the message the employee sees.
    public var blocking: [Finding] { findings.map(\.finding).filter { $0.action == .block } }
}

extension Gate {
    /// Screens texts that travel together (the parts of one request) with one placeholder scope.
    /// Throws only if the engine fails; callers must then stop the request (fail closed).
    public func screen(_ texts: [String]) throws(ScanFailure) -> ScreeningResult {
        var vault = PlaceholderVault()
        var located: [ScreeningResult.Located] = []
        var perSlot: [[Finding]] = []
        for (slot, text) in texts.enumerated() {
            let findings = try screener.scan(text)
            perSlot.append(findings)
            located += findings.map { ScreeningResult.Located(slot: slot, finding: $0) }
        }
        var outgoing: [String] = []
        for (text, findings) in zip(texts, perSlot) {
            outgoing.append(Redactor.redact(text, findings: findings, vault: &vault).text)
        }
        // The log's view masks every finding, reusing the upstream placeholders where they exist.
        var logVault = vault
        var logged: [String] = []
        for (text, findings) in zip(texts, perSlot) {
            let all = findings.map { finding -> Finding in
                var masked = finding
                masked.action = .redact
                return masked
            }
            logged.append(Redactor.redact(text, findings: all, vault: &logVault).text)
        }
        return ScreeningResult(
            decision: policy.decide(located.map(\.finding)), findings: located, outgoingTexts: outgoing,
            loggedTexts: logged, vault: vault)
    }

    /// Screens one text.
    public func screen(_ text: String) throws(ScanFailure) -> ScreeningResult { try screen([text]) }
}
