/// Why the gate could not start or could not handle a request.
public enum GateError: Error, Sendable, CustomStringConvertible {
    /// Start-up failed (keys, folders, packs): the message says what to fix.
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let why): return why
        }
    }
}
