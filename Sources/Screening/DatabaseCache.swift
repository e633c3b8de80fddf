import CHyperscan
import Crypto
import Foundation

/// Compiled pattern databases kept on disk between runs, so a command that screens one text does not spend most of a
/// second compiling the packs again. A database is stored under the SHA-256 of everything that made it (the
/// library's version, the mode, the expressions, their flags and ids), in `$PROMPTGATE_CACHE`, else
/// `$XDG_CACHE_HOME/promptgate`, else `~/.cache/promptgate`, else a folder of the user's in the temporary folder
/// (created 0700; used only if it is the user's and nobody else can write it). A changed pack or a new library
/// version is a new key; a file that does not load (another CPU, a cut write) is compiled again. Without a usable
/// folder nothing is cached and nothing fails.
enum DatabaseCache {
    /// The folder, nil when there is none to use.
    static let folder: String? = {
        let environment = ProcessInfo.processInfo.environment
        let path: String
        if let explicit = environment["PROMPTGATE_CACHE"], !explicit.isEmpty {
            guard explicit != "off" else { return nil }
            path = explicit
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            path = xdg + "/promptgate"
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.cache/promptgate"
        } else {
            path = NSTemporaryDirectory() + "promptgate-cache-\(getuid())"
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        // Only a folder of this user's that nobody else can write: a database read from it runs in the engine.
        var info = stat()
        guard stat(path, &info) == 0, info.st_uid == getuid(), info.st_mode & 0o022 == 0 else { return nil }
        return path
    }()

    /// The key of a database: what compiling it depends on.
    static func key(_ expressions: [String], flags: [UInt32], ids: [UInt32]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(String(cString: hs_version()).utf8) + [0])
        hasher.update(data: Array("block\u{0}".utf8))
        for (index, expression) in expressions.enumerated() {
            hasher.update(data: Array("\(flags[index]):\(ids[index]):".utf8) + Array(expression.utf8) + [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The database stored under `key`, if there is one that loads.
    static func load(_ key: String) -> OpaquePointer? {
        guard let folder, let data = FileManager.default.contents(atPath: folder + "/" + key + ".hsdb") else {
            return nil
        }
        var database: OpaquePointer?
        let status = data.withUnsafeBytes { raw in
            hs_deserialize_database(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &database)
        }
        return status == HS_SUCCESS ? database : nil
    }

    /// Stores `database` under `key` (written to a temporary file, then renamed; failures are ignored).
    static func store(_ database: OpaquePointer, key: String) {
        guard let folder else { return }
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(database, &bytes, &length) == HS_SUCCESS, let bytes else { return }
        defer { free(bytes) }
        let path = folder + "/" + key + ".hsdb"
        let temporary = path + ".tmp-\(getpid())"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(bytes: bytes, count: length), attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }
}
