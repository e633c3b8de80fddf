import Screening

/// The decision on one request, from its findings.
public enum Decision: String, Sendable, Comparable {
    case allowed, warned, redacted, blocked

    var rank: Int {
        switch self {
        case .allowed: return 0
        case .warned: return 1
        case .redacted: return 2
        case .blocked: return 3
        }
    }

    public static func < (lhs: Decision, rhs: Decision) -> Bool { lhs.rank < rhs.rank }
}

/// Turns findings into a decision: the strictest action found wins.
public struct Policy: Sendable {
    public init() {}

    public func decide(_ findings: [Finding]) -> Decision {
        switch findings.map(\.action).max() {
        case .block?: return .blocked
        case .redact?: return .redacted
        case .warn?: return .warned
        case .log?, nil: return .allowed
        }
    }
}
