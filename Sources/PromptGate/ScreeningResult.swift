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
    /// In monitor mode: the findings that would have blocked the request (they were redacted or warned instead).
    public var monitoredBlocks: [Finding] = []

    /// Turns findings of `category` into `log` findings (recorded, not acted on), and decides again.
    mutating func relax(category: RuleCategory, policy: Policy) {
        for i in findings.indices where findings[i].finding.category == category {
            findings[i].finding.action = .log
        }
        decision = policy.decide(findings.map(\.finding))
    }

    /// The findings that block the request, for the message the employee sees.
    public var blocking: [Finding] { findings.map(\.finding).filter { $0.action == .block } }

    /// Whether a secret was found: the request is blocked in every mode, and its text is never kept.
    public var holdsCredential: Bool { findings.contains { $0.finding.category == .credentials } }
}

extension Gate {
    /// Screens texts that travel together (the parts of one request) with one placeholder scope, applying the
    /// department's packs and overrides (if a policy file is configured) before anything is redacted.
    /// Throws only if the engine fails; callers must then stop the request (fail closed).
    public func screen(_ texts: [String], department: String? = nil) throws(ScanFailure) -> ScreeningResult {
        var vault = PlaceholderVault(pseudonymKey: fingerprinter.pseudonymKey)
        var located: [ScreeningResult.Located] = []
        var perSlot: [[Finding]] = []
        let department = department ?? configuration.defaultDepartment
        let rule = configuration.policies?.rule(for: department)
        let monitor = configuration.policies?.mode(for: department) == .monitor
        var monitoredBlocks: [Finding] = []
        for (slot, text) in texts.enumerated() {
            var findings = try screener.scan(text)
            if let rule { findings = apply(rule, to: findings) }
            // A secret always blocks, whatever a department's overrides or mode say: a placeholder would still tell
            // the model a secret was there, a monitor-mode department would send what the rule did not cover, and
            // the employee must rotate it anyway. Monitor mode is for personal data, not for keys.
            for i in findings.indices where findings[i].category == .credentials { findings[i].action = .block }
            if monitor {
                // Block nothing else, but never let personal data leave raw: redact it, warn the rest.
                for i in findings.indices where findings[i].action == .block && findings[i].category != .credentials {
                    monitoredBlocks.append(findings[i])
                    findings[i].action = findings[i].category == .personalData ? .redact : .warn
                }
            }
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
            loggedTexts: logged, vault: vault, monitoredBlocks: monitoredBlocks)
    }

    /// Screens one text.
    public func screen(_ text: String, department: String? = nil) throws(ScanFailure) -> ScreeningResult {
        try screen([text], department: department)
    }

    /// Drops findings of packs the department does not run, and applies its per-rule actions.
    private func apply(_ rule: DepartmentRule, to findings: [Finding]) -> [Finding] {
        findings.compactMap { finding in
            var finding = finding
            if let packs = rule.packs, let pack = packOfRule[finding.ruleID], !packs.contains(pack) { return nil }
            if let action = rule.overrides[finding.ruleID] { finding.action = action }
            return finding
        }
    }
}
