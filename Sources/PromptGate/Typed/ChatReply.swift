/// A model's answer through the typed API, with what the gate did to the prompt.
public struct ChatReply: Sendable {
    /// The answer, placeholders restored to the values the prompt held.
    public let text: String
    /// What happened to the prompt: allowed, warned, redacted (values left as placeholders) or blocked.
    public let decision: Decision
    /// What the screener found in the prompt (kinds, rules, reasons and guidelines; never the values).
    public let findings: [FindingSummary]
    /// Warnings for the employee: registry notices and answer findings.
    public let warnings: [String]
    /// The sequence number of the prompt's audit entry (durable before the prompt left).
    public let entrySequence: Int?
    /// The request's id, as in the audit log (`pg-…`).
    public let requestID: String
}

/// The prompt was not sent: it held something the city's guidelines forbid to leave, or the system or purpose is
/// not approved. The message is what the employee should read; the findings and citations say which guideline.
public struct ChatBlocked: Error, Sendable, CustomStringConvertible {
    /// The explanation, naming each rule and its guideline.
    public let message: String
    /// What was found (never the values).
    public let findings: [FindingSummary]
    /// The guidelines behind the block, each once.
    public var citations: [String] {
        var seen = Set<String>()
        return findings.map(\.citation).filter { seen.insert($0).inserted }
    }
    /// The sequence number of the audit entry that records the block.
    public let entrySequence: Int?
    public let requestID: String

    public var description: String { message }
}

/// The request did not get an answer for another reason: bad input, the upstream failing or unreachable, the audit
/// log unavailable (then nothing was sent). `status` is the HTTP status the proxy would have answered.
public struct ChatFailed: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    public let requestID: String

    public var description: String { "\(status): \(message)" }
}
