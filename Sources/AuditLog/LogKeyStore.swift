import Foundation

/// The log's signing keys on disk: `log.key` (secret, 0600; one signer key per line, newest first: every line signs
/// each checkpoint, so old and new keys overlap during a rotation) and `log.vkey` (the newest verifier key, for
/// auditors). Every verifier key ever used is kept in `keys/` so old checkpoints stay verifiable.
public enum LogKeyStore {
    /// What happened when the keys were loaded.
    public enum Outcome: Sendable, Equatable {
        case loaded
        /// A new key was generated and written: tell the operator and hand `log.vkey` to the auditors.
        case created
    }

    /// Loads the keys from `directory` (newest first), or generates one for `origin` on first run.
    public static func loadOrCreate(directory: String, origin: String) throws(AuditLogError) -> (
        [LogSigningKey], Outcome
    ) {
        try makePrivateDirectory(directory)
        if let keys = try load(directory: directory) {
            for key in keys where key.name != origin {
                throw AuditLogError.badKey(
                    "\(directory)/log.key signs for \(key.name.debugDescription) but the log origin is \(origin.debugDescription); set the origin to match or move the key away"
                )
            }
            // A start killed between writing the key and its verifier key (or a rotation killed half way, or a
            // verifier key deleted by hand) leaves log.vkey missing or naming a key that does not sign: write it
            // again from the signing keys, which are the truth.
            let written = FileManager.default.contents(atPath: directory + "/log.vkey")
                .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
            if written != keys[0].verifierKey.text {
                try writeVerifierKeys(keys, directory: directory)
            }
            return (keys, .loaded)
        }
        let key = try LogSigningKey(generatingFor: origin)
        try write([key], directory: directory)
        return ([key], .created)
    }

    /// The keys in `log.key`, newest first, or nil if there is none.
    public static func load(directory: String) throws(AuditLogError) -> [LogSigningKey]? {
        guard let data = FileManager.default.contents(atPath: directory + "/log.key") else { return nil }
        var keys: [LogSigningKey] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) where !line.isEmpty {
            keys.append(try LogSigningKey(signerKey: String(line)))
        }
        guard !keys.isEmpty else { throw AuditLogError.badKey("\(directory)/log.key holds no key") }
        return keys
    }

    /// Adds a new key that signs alongside the current ones until ``retire(directory:)``. Returns the new key.
    public static func rotate(directory: String) throws(AuditLogError) -> LogSigningKey {
        guard let keys = try load(directory: directory), let name = keys.first?.name else {
            throw AuditLogError.badKey("no key to rotate in \(directory)")
        }
        let key = try LogSigningKey(generatingFor: name)
        try write([key] + keys, directory: directory)
        return key
    }

    /// Stops every key but the newest from signing. Their verifier keys stay in `keys/`.
    public static func retire(directory: String) throws(AuditLogError) -> [LogSigningKey] {
        guard let keys = try load(directory: directory), keys.count > 1 else { return [] }
        try write([keys[0]], directory: directory)
        return Array(keys.dropFirst())
    }

    /// Writes the verifier keys first and the signing key last, so that a signing key on disk always has its
    /// verifier key beside it, whenever the process is stopped.
    private static func write(_ keys: [LogSigningKey], directory: String) throws(AuditLogError) {
        try writeVerifierKeys(keys, directory: directory)
        try writeFileAtomically(
            directory + "/log.key", Array(keys.map { $0.signerKeyText + "\n" }.joined().utf8), mode: 0o600)
    }

    /// `keys/<name>+<id>.vkey` for each key, and `log.vkey` for the newest.
    private static func writeVerifierKeys(_ keys: [LogSigningKey], directory: String) throws(AuditLogError) {
        try makePrivateDirectory(directory + "/keys")
        for key in keys {
            let path =
                directory + "/keys/" + key.name.replacingOccurrences(of: "/", with: "_") + "+" + hexString(key.keyID)
                + ".vkey"
            if !FileManager.default.fileExists(atPath: path) {
                try writeFileAtomically(path, Array((key.verifierKey.text + "\n").utf8), mode: 0o644)
            }
        }
        try writeFileAtomically(directory + "/log.vkey", Array((keys[0].verifierKey.text + "\n").utf8), mode: 0o644)
    }

    /// Every verifier key in `keys/` (old and new), for checking old checkpoints.
    public static func allVerifierKeys(directory: String) -> [LogVerifierKey] {
        let folder = directory + "/keys"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { try? verifierKey(argument: "@" + folder + "/" + $0) }
    }

    /// Reads a verifier key from a file or from the text itself (`@file` or literal, as tlogverify takes it).
    public static func verifierKey(argument: String) throws(AuditLogError) -> LogVerifierKey {
        if argument.hasPrefix("@") || FileManager.default.fileExists(atPath: argument) {
            let path = argument.hasPrefix("@") ? String(argument.dropFirst()) : argument
            guard let text = try BoundedFile.text(path, limit: 64 << 10) else {
                throw AuditLogError.io(path: path, reason: "cannot read the verifier key")
            }
            return try LogVerifierKey(text: text)
        }
        return try LogVerifierKey(text: argument)
    }
}
