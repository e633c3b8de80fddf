import Foundation
import Screening
import Yams

/// The proxy's settings from a YAML configuration file, overridden by `PROMPTGATE_*` environment variables (and, in
/// `promptgate serve`, by command-line options). Each value remembers where it came from, so a bad one is reported
/// as `FILE:LINE:COLUMN` or by its variable's name.
///
/// `docs/promptgate.example.yaml` is the commented example; ``known`` lists every setting.
public struct ProxySettings: Sendable {
    /// One setting: its name, its place in the YAML file, its environment variable and what it means.
    public struct Setting: Sendable {
        public var name: String
        public var path: [String]
        public var environment: String
        public var help: String
    }

    /// A value and where it was set.
    public struct Value: Sendable {
        public var text: String
        public var origin: String
    }

    /// Every setting the file and the environment may give.
    public static let known: [Setting] = [
        .init(name: "listen", path: ["listen"], environment: "PROMPTGATE_LISTEN", help: "host:port to listen on"),
        .init(
            name: "upstream", path: ["upstream", "url"], environment: "PROMPTGATE_UPSTREAM",
            help: "the upstream's OpenAI-style base URL"),
        .init(
            name: "upstream_key_file", path: ["upstream", "key_file"], environment: "PROMPTGATE_UPSTREAM_KEY_FILE",
            help: "file holding the city's upstream API key"),
        .init(
            name: "anthropic_upstream", path: ["anthropic", "url"], environment: "PROMPTGATE_ANTHROPIC_UPSTREAM",
            help: "the Anthropic upstream's base URL (for /v1/messages)"),
        .init(
            name: "anthropic_key_file", path: ["anthropic", "key_file"], environment: "PROMPTGATE_ANTHROPIC_KEY_FILE",
            help: "file holding the city's Anthropic API key"),
        .init(
            name: "ollama_upstream", path: ["ollama", "url"], environment: "PROMPTGATE_OLLAMA_UPSTREAM",
            help: "the Ollama server (for /api/chat)"),
        .init(name: "data", path: ["data"], environment: "PROMPTGATE_DATA", help: "data folder (audit log, keys)"),
        .init(
            name: "guidelines", path: ["guidelines"], environment: "PROMPTGATE_GUIDELINES",
            help: "guideline packs folder"),
        .init(name: "users", path: ["users"], environment: "PROMPTGATE_USERS", help: "users file"),
        .init(name: "registry", path: ["registry"], environment: "PROMPTGATE_REGISTRY", help: "AI registry folder"),
        .init(name: "policy", path: ["policy"], environment: "PROMPTGATE_POLICY", help: "department policy file"),
        .init(
            name: "department", path: ["department"], environment: "PROMPTGATE_DEPARTMENT",
            help: "the department this proxy serves"),
        .init(
            name: "origin", path: ["audit", "origin"], environment: "PROMPTGATE_ORIGIN", help: "the audit log's origin"),
        .init(
            name: "checkpoint_every", path: ["audit", "checkpoint_every"], environment: "PROMPTGATE_CHECKPOINT_EVERY",
            help: "entries between checkpoints"),
        .init(
            name: "checkpoint_seconds", path: ["audit", "checkpoint_seconds"],
            environment: "PROMPTGATE_CHECKPOINT_SECONDS", help: "seconds between checkpoints"),
        .init(
            name: "max_segment_bytes", path: ["audit", "max_segment_bytes"],
            environment: "PROMPTGATE_MAX_SEGMENT_BYTES", help: "bytes before a new log segment"),
        .init(
            name: "fingerprint_key", path: ["audit", "fingerprint_key"], environment: "PROMPTGATE_FINGERPRINT_KEY",
            help: "HMAC key file for fingerprints"),
        .init(
            name: "max_request_bytes", path: ["limits", "max_request_bytes"],
            environment: "PROMPTGATE_MAX_REQUEST_BYTES", help: "largest request body"),
        .init(
            name: "connect_timeout", path: ["timeouts", "connect"], environment: "PROMPTGATE_CONNECT_TIMEOUT",
            help: "seconds to connect upstream"),
        .init(
            name: "first_byte_timeout", path: ["timeouts", "first_byte"], environment: "PROMPTGATE_FIRST_BYTE_TIMEOUT",
            help: "seconds to the upstream's first byte"),
        .init(
            name: "idle_timeout", path: ["timeouts", "idle"], environment: "PROMPTGATE_IDLE_TIMEOUT",
            help: "seconds a stream may stay silent"),
        .init(
            name: "client_timeout", path: ["timeouts", "client"], environment: "PROMPTGATE_CLIENT_TIMEOUT",
            help: "seconds a client may take to send a request"),
        .init(
            name: "ca_bundle", path: ["outbound", "ca_bundle"], environment: "PROMPTGATE_CA_BUNDLE",
            help: "PEM bundle of trusted CAs"),
        .init(
            name: "client_certificate", path: ["outbound", "client_certificate"],
            environment: "PROMPTGATE_CLIENT_CERTIFICATE", help: "client certificate (PEM)"),
        .init(
            name: "client_key", path: ["outbound", "client_key"], environment: "PROMPTGATE_CLIENT_KEY",
            help: "client certificate's key (PEM)"),
        .init(name: "proxy", path: ["outbound", "proxy"], environment: "PROMPTGATE_PROXY", help: "outbound proxy URL"),
        .init(
            name: "no_proxy", path: ["outbound", "no_proxy"], environment: "PROMPTGATE_NO_PROXY",
            help: "hosts reached without the proxy"),
        .init(
            name: "http2", path: ["outbound", "http2"], environment: "PROMPTGATE_HTTP2",
            help: "use HTTP/2 where offered"),
        .init(
            name: "disclosure_notice", path: ["disclosure_notice"], environment: "PROMPTGATE_DISCLOSURE_NOTICE",
            help: "notice appended to answers"),
        .init(
            name: "review_overdue", path: ["review_overdue"], environment: "PROMPTGATE_REVIEW_OVERDUE",
            help: "warn or block"),
        .init(
            name: "unscreened_parts", path: ["unscreened_parts"], environment: "PROMPTGATE_UNSCREENED_PARTS",
            help: "block or allow"),
    ]

    public private(set) var values: [String: Value] = [:]

    public init() {}

    /// Reads a configuration file. Unknown keys, lists and empty values are errors at their line.
    public static func load(path: String) throws(PackError) -> ProxySettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackError(file: path, message: "cannot read the configuration file")
        }
        let root = try NodeReader.compose(bytes: Array(data), origin: path)
        var settings = ProxySettings()
        try settings.read(root, path: [], reader: NodeReader(origin: path))
        return settings
    }

    private mutating func read(_ node: Node, path: [String], reader: NodeReader) throws(PackError) {
        let children = Self.known.filter { Array($0.path.prefix(path.count)) == path && $0.path.count > path.count }
        let names = Set(children.map { $0.path[path.count] })
        let what = path.isEmpty ? "the configuration" : "'\(path.joined(separator: "."))'"
        // A section whose settings are all commented out is empty, not an error.
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return
        }
        for (key, value) in try reader.mapping(node, what, allowed: names) {
            let childPath = path + [key]
            if let setting = children.first(where: { $0.path == childPath }) {
                guard case .scalar(let scalar) = value, !scalar.string.isEmpty else {
                    throw reader.fail(value, "'\(childPath.joined(separator: "."))' must be a single value")
                }
                let mark = value.mark.map { ":\($0.line):\($0.column)" } ?? ""
                values[setting.name] = Value(text: scalar.string, origin: reader.origin + mark)
            } else {
                try read(value, path: childPath, reader: reader)
            }
        }
    }

    /// Lets `PROMPTGATE_*` variables override the file.
    public mutating func apply(environment: [String: String]) {
        for setting in Self.known {
            if let text = environment[setting.environment], !text.isEmpty {
                values[setting.name] = Value(text: text, origin: "$" + setting.environment)
            }
        }
    }

    public func string(_ name: String) -> String? { values[name]?.text }

    /// A whole number, or an error naming where the bad value was set.
    public func int(_ name: String) throws(PackError) -> Int? {
        guard let value = values[name] else { return nil }
        guard let number = Int(value.text.trimmingCharacters(in: .whitespaces)), number >= 0 else {
            throw PackError(file: value.origin, message: "\(name) must be a whole number, not '\(value.text)'")
        }
        return number
    }

    /// true/false (also yes/no, on/off, 1/0), or an error naming where the bad value was set.
    public func bool(_ name: String) throws(PackError) -> Bool? {
        guard let value = values[name] else { return nil }
        switch value.text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw PackError(file: value.origin, message: "\(name) must be true or false, not '\(value.text)'")
        }
    }
}
