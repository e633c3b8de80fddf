/// Where a PostgreSQL audit log lives: `postgres://user:password@host:port/database?sslmode=…`.
///
/// The password is kept apart and never printed: ``description`` and every error show the URL without it, so the
/// URL can be logged and reported as it is.
public struct PostgresLogURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected, as libpq's `sslmode` names it.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP. Only for a database on the same host or a private network.
        case disable
        /// TLS if the server offers it, plain otherwise (libpq's default).
        case prefer
        /// TLS, without checking the server's certificate.
        case require
        /// TLS, checking the certificate chain and the host name (recommended across any network).
        case verifyFull = "verify-full"
    }

    /// A password that does not show itself: not in `description`, `dump` or string interpolation.
    public struct Password: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// The password itself, for the connection only.
        public let value: String
        public init(_ value: String) { self.value = value }
        public var description: String { "<redacted>" }
        public var debugDescription: String { "<redacted>" }
        public var customMirror: Mirror { Mirror(self, children: []) }
    }

    public var user: String
    public var password: Password?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    /// What went wrong reading a URL, without its password.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Reads `postgres://` or `postgresql://` URLs. The user, password and database may be percent-encoded; an IPv6
    /// host goes in brackets; the port defaults to 5432 and `sslmode` to `prefer`. Other query parameters are
    /// refused rather than ignored, so that a misspelled `sslmode` never silently turns TLS off.
    public init(_ text: String) throws(ParseError) {
        func fail(_ why: String) -> ParseError {
            ParseError(description: "invalid PostgreSQL URL \(Self.redacting(text)): \(why)")
        }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if lower.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw fail("it must start with postgres:// or postgresql://")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0.value > 0x7E }) else {
            throw fail("it holds spaces, control or non-ASCII characters (percent-encode them)")
        }
        let (beforeQuery, query) = Self.split(rest, at: "?")
        guard !(query?.contains("#") ?? false), !beforeQuery.contains("#") else {
            throw fail("fragments are not allowed")
        }
        let (authority, path) = Self.split(beforeQuery, at: "/")
        guard let at = authority.lastIndex(of: "@") else { throw fail("it names no user (user@host)") }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]
        let (rawUser, rawPassword) = Self.split(userInfo, at: ":")
        guard let user = Self.percentDecoded(rawUser), !user.isEmpty else {
            throw fail("the user is empty or badly encoded")
        }
        if let rawPassword {
            guard let password = Self.percentDecoded(rawPassword) else { throw fail("the password is badly encoded") }
            self.password = password.isEmpty ? nil : Password(password)
        } else {
            self.password = nil
        }
        self.user = user
        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw fail("an IPv6 host lacks its closing ]") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else {
            let parts = Self.split(hostPort, at: ":")
            host = parts.0
            portText = parts.1
        }
        guard !host.isEmpty else { throw fail("it names no host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw fail("the host holds characters a host name cannot")
        }
        self.host = String(host)
        if let portText {
            guard portText.count <= 5, let port = Int(portText), (1...65535).contains(port) else {
                throw fail("the port must be a number from 1 to 65535")
            }
            self.port = port
        } else {
            self.port = 5432
        }
        guard let path, let database = Self.percentDecoded(path), !database.isEmpty, !database.contains("/") else {
            throw fail("it names no database (…/database)")
        }
        self.database = database
        var sslMode = SSLMode.prefer
        var seen = false
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let (key, value) = Self.split(pair, at: "=")
            guard key == "sslmode" else {
                throw fail("the parameter \(String(key).debugDescription) is not supported (only sslmode)")
            }
            guard !seen else { throw fail("sslmode is given twice") }
            seen = true
            guard let value, let mode = SSLMode(rawValue: String(value)) else {
                throw fail("sslmode must be one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            sslMode = mode
        }
        self.sslMode = sslMode
    }

    /// The URL without its password: `postgres://user@host:port/database?sslmode=…`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(Self.percentEncoded(user))@\(shownHost):\(port)/\(Self.percentEncoded(database))"
            + "?sslmode=\(sslMode.rawValue)"
    }

    /// Whether `text` is meant as a PostgreSQL URL (rather than a folder).
    public static func looksLikeURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// `text` for an error message: the user, then everything after the last `@`; what sat between them (a
    /// password, even one with unencoded `/`, `?` or `@` in it) is never shown. Without an `@` only the scheme is shown.
    static func redacting(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return "(not a URL)" }
        let scheme = text[..<colon]
        var afterScheme = text[text.index(after: colon)...]
        if afterScheme.hasPrefix("//") { afterScheme = afterScheme.dropFirst(2) }
        guard let at = afterScheme.lastIndex(of: "@") else { return "\(scheme)://…" }
        let userInfo = afterScheme[..<at]
        let user = userInfo.prefix(while: { $0 != ":" })
        let hidden = user.count < userInfo.count ? ":***" : ""
        return String("\(scheme)://\(user)\(hidden)\(afterScheme[at...])".prefix(300))
    }

    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        guard !bytes.contains(0), let decoded = String(validating: bytes, as: UTF8.self) else { return nil }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~".unicodeScalars.contains(scalar)
            {
                out.unicodeScalars.append(scalar)
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}
