import Providers
import Screening

extension Gate {
    /// Screens texts that travel together (the parts of one request) with one placeholder scope, applying the
    /// department's packs and overrides (if a policy file is configured) before anything is redacted. A value
    /// split across texts is found and replaced in every piece.
    /// Throws only if the engine fails; callers must then stop the request (fail closed).
    public func screen(_ texts: [String], department: String? = nil) throws(ScanFailure) -> ScreeningResult {
        try screen(slots: texts.map { TextSlot(path: [], text: $0) }, department: department)
    }

    /// Screens one text.
    public func screen(_ text: String, department: String? = nil) throws(ScanFailure) -> ScreeningResult {
        try screen([text], department: department)
    }

    /// Screens a request's slots, each as its ``TextSlot/Handling`` allows: free text is redacted in place, a
    /// finding in a value a placeholder would break blocks, and structural values are searched for secrets only.
    func screen(slots: [TextSlot], department: String? = nil) throws(ScanFailure) -> ScreeningResult {
        // Base64 runs in free text are read too (a record pasted encoded); a finding in one blocks.
        let slots = slots + slots.filter { $0.handling == .text }.flatMap { $0.decodedRuns() }
        let department = department ?? configuration.defaultDepartment
        let rule = configuration.policies?.rule(for: department)
        let monitor = configuration.policies?.mode(for: department) == .monitor
        let found = try screener.scan(parts: slots.map(\.text), joinable: slots.map { $0.handling == .text })
        var perSlot = [[ScreeningResult.Located]](repeating: [], count: slots.count)
        var monitoredBlocks: [Finding] = []
        var blocksInEveryMode = false
        for piece in found {
            var finding = piece.finding
            if let rule {
                guard let adjusted = apply(rule, to: finding) else { continue }
                finding = adjusted
            }
            // A secret always blocks, whatever a department's overrides or mode say: a placeholder would still
            // tell the model a secret was there, a monitor-mode department would send what the rule did not
            // cover, and the employee must rotate it anyway. Monitor mode is for personal data, not for keys.
            if finding.category == .credentials {
                finding.action = .block
                blocksInEveryMode = true
            }
            let slot = slots[piece.part]
            switch slot.handling {
            case .structural where finding.category != .credentials:
                continue  // a model name, role or id of its usual shape: only secrets count
            case .fixed where finding.action == .redact || finding.action == .block:
                // A placeholder would break the field (a URL, a schema literal, a key): the request is stopped.
                finding.action = .block
                finding.message =
                    "This request carries \(finding.entity) in \(slot.location), where PromptGate "
                    + "cannot put a placeholder. Remove it there and send again."
                blocksInEveryMode = true
            default:
                if monitor, finding.action == .block, finding.category != .credentials {
                    // Block nothing else, but never let personal data leave raw: redact it, warn the rest.
                    monitoredBlocks.append(finding)
                    finding.action = finding.category == .personalData ? .redact : .warn
                }
            }
            if piece.piece > 0 { finding.redaction = .remove }
            perSlot[piece.part].append(ScreeningResult.Located(slot: piece.part, finding: finding, piece: piece.piece))
        }
        var vault = PlaceholderVault(pseudonymKey: fingerprinter.pseudonymKey)
        var outgoing: [String] = []
        for (slot, located) in zip(slots, perSlot) {
            outgoing.append(Redactor.redact(slot.text, findings: located.map(\.finding), vault: &vault).text)
        }
        // The log's view masks every finding, reusing the upstream placeholders where they exist.
        var logVault = vault
        var logged: [String] = []
        for (slot, located) in zip(slots, perSlot) {
            let all = located.map { piece -> Finding in
                var masked = piece.finding
                masked.action = .redact
                return masked
            }
            logged.append(Redactor.redact(slot.text, findings: all, vault: &logVault).text)
        }
        let located = perSlot.flatMap { $0 }
        return ScreeningResult(
            decision: policy.decide(located.map(\.finding)), findings: located, outgoingTexts: outgoing,
            loggedTexts: logged, vault: vault, monitoredBlocks: monitoredBlocks, blocksInEveryMode: blocksInEveryMode,
            slots: slots)
    }

    /// Drops a finding of a pack the department does not run, or applies its per-rule action.
    private func apply(_ rule: DepartmentRule, to finding: Finding) -> Finding? {
        var finding = finding
        if let packs = rule.packs, let pack = packOfRule[finding.ruleID], !packs.contains(pack) { return nil }
        if let action = rule.overrides[finding.ruleID] { finding.action = action }
        return finding
    }
}
