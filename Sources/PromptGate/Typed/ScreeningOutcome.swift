import Screening
import Synchronization

/// What the gate decided about one request, told to the typed API (``Gate/chat(model:messages:context:)``) without
/// parsing headers: the decision, the findings as summaries (never values) and the audit entry's sequence number.
/// The byte API leaves ``RequestContext/outcome`` nil and pays nothing for it.
final class ScreeningOutcome: Sendable {
    struct State: Sendable {
        var decision: Decision = .allowed
        var findings: [FindingSummary] = []
        var blockReason: String?
        var entrySequence: Int?
    }

    private let state = Mutex(State())

    var current: State { state.withLock { $0 } }

    /// Called once the prompt is screened and decided, before its entry is appended.
    func decided(_ decision: Decision, findings: [Finding], blockReason: String?) {
        var seen = Set<String>()
        let summaries = findings.map(FindingSummary.init).filter {
            seen.insert($0.ruleID + "\u{0}" + $0.entity).inserted
        }
        state.withLock {
            $0.decision = blockReason == nil ? decision : .blocked
            $0.findings = summaries
            $0.blockReason = blockReason
        }
    }

    /// Called once the prompt's entry is durable.
    func recorded(sequence: Int) { state.withLock { $0.entrySequence = sequence } }
}
