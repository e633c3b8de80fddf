import Foundation
import Yams

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A problem with a new user or with writing the users file, in words for the operator.
public struct UsersFileError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension UserDirectory {
    /// The characters a user id or department may hold: ASCII letters and digits, `.`, `_`, `-` and `@`.
    public static let allowedNameCharacters = "letters, digits, '.', '_', '-' and '@'"
    /// The longest user id or department, in characters.
    public static let maxNameLength = 128

    /// Checks a new user's id or department (`what` names it in the message): 1–128 characters from
    /// ``allowedNameCharacters``. Conservative on purpose: these names end up in the users file, the audit log and
    /// auditors' terminals.
    public static func validateName(_ name: String, what: String) throws(UsersFileError) {
        guard !name.isEmpty else { throw UsersFileError("the \(what) is empty") }
        guard name.unicodeScalars.count <= maxNameLength else {
            throw UsersFileError("the \(what) is longer than \(maxNameLength) characters")
        }
        let allowed = name.unicodeScalars.allSatisfy { c in
            switch c {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "@": true
            default: false
            }
        }
        guard allowed else {
            throw UsersFileError(
                "the \(what) \(TerminalText.quoted(name, limit: 200)) may hold only \(allowedNameCharacters)")
        }
    }

    /// The directory with a new user whose key has the SHA-256 `keyHash`, after checking their id and department.
    public func adding(_ user: ProxyUser, keyHash: String) throws(UsersFileError) -> UserDirectory {
        try Self.validateName(user.id, what: "user id")
        if let department = user.department { try Self.validateName(department, what: "department") }
        guard !users.contains(where: { $0.id == user.id }) else {
            throw UsersFileError("user '\(user.id)' already has a key")
        }
        return UserDirectory(users: entries + [(user, keyHash)])
    }

    /// The whole users file, written by the YAML emitter: every text is double-quoted and escaped, so no id or
    /// department can add lines or keys of its own.
    public func yaml() throws(UsersFileError) -> String {
        let list = Node(entries.map { Self.userNode($0.user, keyHash: $0.keyHash) })
        return try Self.emit(Node([(Node("users"), list)]))
    }

    /// Replaces the users file at `path` with ``yaml()`` without a moment where it is missing, partial or unreadable:
    /// writes a temporary file (mode 0600) in the same folder, fsyncs it, reads it back with ``load(path:)`` and
    /// checks it holds exactly these users, renames it over `path` and fsyncs the folder. On any failure the old file
    /// is left as it was.
    public func save(to path: String) throws(UsersFileError) {
        let text = try yaml()
        let folder =
            (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary =
            folder + "/." + (path as NSString).lastPathComponent + ".\(UInt64.random(in: 0...UInt64.max)).tmp"
        do throws(UsersFileError) {
            try Self.writeSynced(Array(text.utf8), to: temporary)
            let reread: UserDirectory
            do { reread = try UserDirectory.load(path: temporary) } catch {
                throw UsersFileError("the rewritten users file does not load: \(error)")
            }
            guard reread.entries.elementsEqual(entries, by: { $0.user == $1.user && $0.keyHash == $1.keyHash }) else {
                throw UsersFileError("the rewritten users file does not read back as written")
            }
            guard rename(temporary, path) == 0 else {
                throw UsersFileError("cannot replace \(path): \(Self.errnoText())")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try Self.syncFolder(folder)
    }

    static func userNode(_ user: ProxyUser, keyHash: String) -> Node {
        var pairs: [(Node, Node)] = [(Node("id"), quoted(user.id))]
        if let department = user.department { pairs.append((Node("department"), quoted(department))) }
        pairs.append((Node("key_sha256"), quoted(keyHash)))
        if user.admin { pairs.append((Node("admin"), Node("true"))) }
        return Node(pairs)
    }

    private static func quoted(_ text: String) -> Node { Node(text, .implicit, .doubleQuoted) }

    static func emit(_ node: Node) throws(UsersFileError) -> String {
        do {
            return try Yams.serialize(node: node, width: -1, sequenceStyle: .block, mappingStyle: .block)
        } catch {
            throw UsersFileError("cannot write the users file as YAML: \(error)")
        }
    }

    private static func writeSynced(_ bytes: [UInt8], to path: String) throws(UsersFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UsersFileError("cannot create \(path): \(errnoText())") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw UsersFileError("cannot write \(path): \(errnoText())") }
            written += n
        }
        guard fsync(fd) == 0 else { throw UsersFileError("cannot fsync \(path): \(errnoText())") }
    }

    private static func syncFolder(_ folder: String) throws(UsersFileError) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw UsersFileError("cannot open \(folder) to fsync it: \(errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw UsersFileError("cannot fsync \(folder): \(errnoText())") }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
