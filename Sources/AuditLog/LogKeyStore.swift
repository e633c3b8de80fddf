import Foundation

/// The log's signing key on disk: `log.key` (secret, 0600) and `log.vkey` (the verifier key auditors use).
public enum LogKeyStore {
    /// What happened when the key was loaded.
    public enum Outcome: Sendable, Equatable {
        case loaded
        /// A new key was generated and written: tell the operator and hand `log.vkey` to the auditors.
        case created
    }

    /// Loads the key from `directory`, or generates one for `origin` on first run.
    public static func loadOrCreate(directory: String, origin: String) throws(AuditLogError) -> (LogSigningKey, Outcome) {
        try makePrivateDirectory(directory)
        let secretPath = directory + "/log.key"
        if let data = FileManager.default.contents(atPath: secretPath) {
            let key = try LogSigningKey(signerKey: String(decoding: data, as: UTF8.self))
            guard key.name == origin else {
                throw AuditLogError.badKey("\(secretPath) signs for \(key.name.debugDescription) but the log origin is \(origin.debugDescription); set the origin to match or move the key away")
            }
            return (key, .loaded)
        }
        let key = try LogSigningKey(generatingFor: origin)
        try writeFileAtomically(secretPath, Array((key.signerKeyText + "\n").utf8), mode: 0o600)
        try writeFileAtomically(directory + "/log.vkey", Array((key.verifierKey.text + "\n").utf8), mode: 0o644)
        return (key, .created)
    }

    /// Reads a verifier key from a file or from the text itself (`@file` or literal, as tlogverify takes it).
    public static func verifierKey(argument: String) throws(AuditLogError) -> LogVerifierKey {
        if argument.hasPrefix("@") || FileManager.default.fileExists(atPath: argument) {
            let path = argument.hasPrefix("@") ? String(argument.dropFirst()) : argument
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AuditLogError.io(path: path, reason: "cannot read the verifier key")
            }
            return try LogVerifierKey(text: String(decoding: data, as: UTF8.self))
        }
        return try LogVerifierKey(text: argument)
    }
}
