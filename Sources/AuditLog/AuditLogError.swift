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
    /// The log no longer matches the checkpoints signed over it (cut, rewritten, deleted or replaced): no writer
    /// may go on from it.
    case rolledBack(String)

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
        case .rolledBack(let why):
            return "the audit log does not match its signed checkpoints: \(why). Restore the log from a backup; "
                + "if a new log really must be started, say so explicitly (promptgate serve --start-new-log "
                + "REASON): that is recorded and signed, and the old checkpoints are kept aside"
        }
    }
}
