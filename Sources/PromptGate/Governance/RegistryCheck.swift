import Foundation

/// What to do when a registered system's review date has passed.
public enum ReviewOverduePolicy: String, Sendable, CaseIterable {
    case warn, block
}

/// The registry's verdict on one request: the system it reaches, and a block reason or warnings.
public struct RegistryVerdict: Sendable {
    public var system: RegistryEntry?
    public var blockReason: String?
    public var warnings: [String] = []
    public var purpose: Purpose?
}

extension Registry {
    /// Decides whether a request for `model` at `host` with the declared `purpose` may go ahead, on `today`
    /// (`YYYY-MM-DD`). Block reasons and warnings go to the employee's client, so they name systems, models and
    /// purposes but never a server path (the registry folder, an entry's file): operators find those with
    /// `promptgate registry show` from the system id the audit entry records.
    public func check(
        model: String?, host: String?, purpose purposeID: String?, today: String, reviewOverdue: ReviewOverduePolicy
    ) -> RegistryVerdict {
        var verdict = RegistryVerdict()
        let name = "the city's AI registry"
        var purpose: Purpose?
        if let purposeID {
            guard let known = Purpose.named(purposeID) else {
                verdict.blockReason =
                    "The declared purpose '\(purposeID)' is not one PromptGate knows (\(Purpose.catalogue.map(\.id).joined(separator: ", "))). Nothing was sent."
                return verdict
            }
            purpose = known
            verdict.purpose = known
        }
        guard let system = entries.first(where: { $0.covers(model: model, host: host) }) else {
            verdict.blockReason =
                "The model '\(model ?? "(none)")' at \(host ?? "(unknown host)") is not in \(name). Only registered, approved AI systems may be used; ask IT to register it. Nothing was sent."
            return verdict
        }
        verdict.system = system
        switch system.status {
        case .suspended, .retired:
            verdict.blockReason =
                "The AI system '\(system.name)' is \(system.status.rawValue) in \(name); it may not be used. Nothing was sent."
            return verdict
        case .planned:
            verdict.blockReason =
                "The AI system '\(system.name)' is only planned in \(name), not approved for use. Nothing was sent."
            return verdict
        case .approved, .operational:
            break
        }
        if system.reviewOverdue(today: today) {
            let text = "The AI system '\(system.name)' was due for review on \(system.reviewBy ?? "?") in \(name)."
            if reviewOverdue == .block {
                verdict.blockReason = text + " It may not be used until it is reviewed. Nothing was sent."
                return verdict
            }
            verdict.warnings.append(text)
        }
        if let purpose {
            if system.prohibitedUses.contains(purpose.id) {
                verdict.blockReason =
                    "The registry prohibits using '\(system.name)' for \(purpose.title.lowercased()). Nothing was sent."
                return verdict
            }
            if !system.permittedUses.isEmpty && !system.permittedUses.contains(purpose.id) {
                verdict.blockReason =
                    "'\(system.name)' is registered for \(system.permittedUses.joined(separator: ", ")), not for \(purpose.title.lowercased()). Nothing was sent."
                return verdict
            }
            if let required = purpose.requiredLevel {
                let assessment = system.impactAssessment
                let missing: String?
                if assessment == nil {
                    missing = "it has no algorithmic impact assessment"
                } else if assessment?.isCompleted != true {
                    missing =
                        "its impact assessment \(assessment?.reference ?? "") is \(assessment?.status ?? "not started"), not completed"
                } else if (assessment?.level ?? 0) < required {
                    missing =
                        "its impact assessment \(assessment?.reference ?? "") covers impact level \(Purpose.roman(assessment?.level ?? 0)), and this purpose needs level \(Purpose.roman(required)) or higher"
                } else {
                    missing = nil
                }
                if let missing {
                    verdict.blockReason =
                        "\(purpose.title) is a high-impact use (\(purpose.source)): it needs a completed algorithmic impact assessment of '\(system.name)', but \(missing). Nothing was sent."
                    return verdict
                }
            }
        }
        return verdict
    }
}
