/// What went wrong with the audit log, in words an operator or auditor can act on.
public enum AuditLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the log's lock.
    case locked(path: String)
    /// The log could not be read or written (full disk, permissions): nothing was recorded.
    case io(path: String, reason: String)
    /// A key file is malformed.
    case badKey(String)
    /// A checkpoint note is malformed.
    case badCheckpoint(String)
    /// A checkpoint is not signed by a trusted key, or its signature fails.
    case badSignature(String)
    /// The log refuses new entries after a failure it could not undo.
    case unavailable(String)
    /// A proof is malformed or cannot be built.
    case badProof(String)

    public var description: String {
        switch self {
        case .locked(let path):
            return "another PromptGate process is writing \(path); stop it first (one writer per log)"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .badKey(let why): return "bad key: \(why)"
        case .badCheckpoint(let why): return "bad checkpoint: \(why)"
        case .badSignature(let why): return "checkpoint signature: \(why)"
        case .unavailable(let why): return "the audit log is unavailable: \(why)"
        case .badProof(let why): return "proof: \(why)"
        }
    }
}
