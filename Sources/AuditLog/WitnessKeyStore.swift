import Foundation

/// A witness's cosigning key on disk: `witness.key` (secret, mode 0600) and `witness.vkey` (its verifier key, for the
/// logs' and auditors' policy files), in a folder of mode 0700.
public enum WitnessKeyStore {
    /// What happened when the key was loaded.
    public enum Outcome: Sendable, Equatable {
        /// An existing key was read.
        case loaded
        /// A new key was generated and written: hand `witness.vkey` to the logs and auditors.
        case created
    }

    /// The secret key file in `directory`.
    public static func keyPath(_ directory: String) -> String { directory + "/witness.key" }

    /// The verifier key file in `directory`.
    public static func verifierKeyPath(_ directory: String) -> String { directory + "/witness.vkey" }

    /// Loads the key from `directory`, or generates one named `name` when there is none (and `name` is given).
    ///
    /// - Parameters:
    ///   - directory: The witness's folder (created with mode 0700).
    ///   - name: The witness's name for a new key; an existing key must carry it when given.
    /// - Returns: The key and whether it was created.
    public static func loadOrCreate(directory: String, name: String?) throws(AuditLogError) -> (CosignerKey, Outcome) {
        try makePrivateDirectory(directory)
        try PrivatePath.tighten(directory)
        if let key = try load(directory: directory) {
            if let name, key.name != name {
                throw AuditLogError.badKey(
                    "\(keyPath(directory)) is the key of \(key.name.debugDescription), not \(name.debugDescription)")
            }
            return (key, .loaded)
        }
        guard let name else {
            throw AuditLogError.badKey(
                "no witness key in \(directory): give --name to create one (e.g. auditor.city.example/witness)")
        }
        let key = try CosignerKey(generatingFor: name)
        try write(key, directory: directory)
        return (key, .created)
    }

    /// The key in `directory`, or nil if there is none. A key file others can read is made private first.
    public static func load(directory: String) throws(AuditLogError) -> CosignerKey? {
        let path = keyPath(directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try PrivatePath.tighten(path)
        guard let text = try BoundedFile.text(path, limit: 4 << 10) else {
            throw AuditLogError.io(path: path, reason: "cannot read the witness key")
        }
        return try CosignerKey(signerKey: text)
    }

    /// Writes a new key: the secret with mode 0600, the verifier key with 0644. Refuses to replace a key.
    public static func write(_ key: CosignerKey, directory: String) throws(AuditLogError) {
        try makePrivateDirectory(directory)
        guard !FileManager.default.fileExists(atPath: keyPath(directory)) else {
            throw AuditLogError.badKey(
                "\(keyPath(directory)) exists: a witness keeps its key (a new key is a new witness)")
        }
        try writeFileAtomically(keyPath(directory), Array((key.signerKeyText + "\n").utf8), mode: 0o600)
        try writeFileAtomically(
            verifierKeyPath(directory), Array((key.verifierKey.text + "\n").utf8), mode: 0o644)
    }
}
