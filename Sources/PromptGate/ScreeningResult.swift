import Providers
import Screening

/// What screening found in the texts of one request, and the texts that may leave.
public struct ScreeningResult: Sendable {
    /// A finding and the index of the text it was found in.
    public struct Located: Sendable {
        public var slot: Int
        public var finding: Finding
        /// 0, or for a value split across texts, which piece of it this is: later pieces are removed, the first
        /// carries the placeholder for the whole value.
        public var piece: Int = 0
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
    /// A finding blocks that no mode relaxes: a secret, or a value where no placeholder fits (a URL, a key).
    public var blocksInEveryMode = false
    /// The slots screened, in the order of the texts: the request's own, then the texts decoded from base64 runs.
    var slots: [TextSlot] = []

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

/// A screening result holds the request's texts and values: printed or dumped, it shows its decision and what was
/// found, never the texts.
extension ScreeningResult: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "ScreeningResult(\(decision.rawValue), \(findings.count) finding(s) in \(outgoingTexts.count) text(s): "
            + findings.map { $0.finding.description }.joined(separator: "; ") + ")"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "decision": decision, "findings": findings.map(\.finding), "texts": outgoingTexts.count,
                "vault": vault,
            ], displayStyle: .struct)
    }
}
