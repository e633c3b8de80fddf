import AuditLog
import Crypto
import Foundation
import JSONCore
import Screening
import Yams

/// An employee or service allowed to use the proxy.
public struct ProxyUser: Sendable, Equatable {
    public var id: String
    public var department: String?
    /// May open the proxy's `/admin` page (`admin: true` in the users file).
    public var admin: Bool

    public init(id: String, department: String? = nil, admin: Bool = false) {
        self.id = id
        self.department = department
        self.admin = admin
    }
}

/// The users file: per-user proxy keys, stored only as SHA-256 hashes, each with an identity and a department.
///
/// ```yaml
/// users:
///   - id: jdoe
///     department: social-services
///     key_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
///     admin: true        # optional: may open /admin
/// ```
/// Keys are random 256-bit tokens (`pgk_…`), so a plain SHA-256 is enough to look them up without storing them;
/// the file never holds a usable key.
public struct UserDirectory: Sendable {
    private var byHash: [String: ProxyUser]
    /// Every user with the SHA-256 of their key, in file order (what ``yaml()`` writes back).
    public private(set) var entries: [(user: ProxyUser, keyHash: String)]
    /// Every user, in file order.
    public var users: [ProxyUser] { entries.map(\.user) }

    public init(users: [(user: ProxyUser, keyHash: String)]) {
        self.entries = users
        self.byHash = Dictionary(users.map { ($0.keyHash, $0.user) }, uniquingKeysWith: { first, _ in first })
    }

    /// The user a presented key belongs to, or nil.
    public func user(forKey key: String) -> ProxyUser? {
        guard !key.isEmpty else { return nil }
        return byHash[Self.hash(key)]
    }

    /// Lowercase hex SHA-256 of a key.
    public static func hash(_ key: String) -> String {
        hexString(SHA256.hash(data: Array(key.utf8)))
    }

    /// A new random key: `pgk_` and 43 base64url characters (256 bits).
    public static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        return "pgk_" + text
    }

    /// Loads a users file; errors name the file and line.
    public static func load(path: String) throws(PackError) -> UserDirectory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackError(file: path, message: "cannot read the users file")
        }
        let root = try NodeReader.compose(bytes: Array(data), origin: path)
        let r = NodeReader(origin: path)
        let map = try r.mapping(root, "the users file", allowed: ["users"])
        guard let list = map["users"], case .sequence(let items) = list else {
            throw r.fail(root, "the users file needs 'users:', a list")
        }
        var users: [(user: ProxyUser, keyHash: String)] = []
        var seen = Set<String>()
        for item in items {
            let u = try r.mapping(item, "a user", allowed: ["id", "department", "key_sha256", "admin"])
            let id = try r.string(u, "id", in: "a user", parent: item)
            let hash = try r.string(u, "key_sha256", in: "user '\(id)'", parent: item).lowercased()
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else {
                throw r.fail(
                    u["key_sha256"],
                    "user '\(id)': key_sha256 must be 64 hex digits (the SHA-256 of the key, never the key)")
            }
            guard seen.insert(id).inserted else { throw r.fail(item, "user id '\(id)' appears twice") }
            let department = try r.optionalString(u, "department", in: "user '\(id)'")
            let admin = try r.bool(u, "admin", in: "user '\(id)'", default: false)
            users.append((ProxyUser(id: id, department: department, admin: admin), hash))
        }
        return UserDirectory(users: users)
    }

    /// The YAML lines for one user, indented to sit under `users:`. Written by the YAML emitter, so any text is
    /// quoted and escaped (`promptgate users add` rewrites the whole file with ``yaml()`` instead); should the emitter
    /// fail, the same fields are written as a JSON flow mapping, which YAML reads alike.
    public static func entry(id: String, department: String?, key: String) -> String {
        let user = ProxyUser(id: id, department: department)
        if let text = try? emit(Node([userNode(user, keyHash: hash(key))])) {
            return text.split(separator: "\n").map { "  " + $0 + "\n" }.joined()
        }
        var pairs: [(key: String, value: JSONValue)] = [("id", .string(id))]
        if let department { pairs.append(("department", .string(department))) }
        pairs.append(("key_sha256", .string(hash(key))))
        return "  - " + JSONValue.object(pairs).serialized() + "\n"
    }
}
