import Foundation
import Screening
import Yams

/// The proxy's settings from a YAML configuration file, overridden by `PROMPTGATE_*` environment variables, overridden
/// in turn by command-line options (or a program's own values). Each value remembers where it came from, so a bad one
/// is reported as `FILE:LINE:COLUMN`, by its variable's name or by its option.
///
/// This is the one reader of the configuration: ``GateConfiguration``, the transport and the audit log (and the
/// server's `ServerConfiguration`) each take their own keys from it, with their own defaults. A setting that no
/// layer sets is `nil` here, never a default. `docs/promptgate.example.yaml` is the commented example; ``known``
/// lists every setting.
public struct ProxySettings: Sendable {
    /// One setting: its name, its place in the YAML file, its environment variable and what it means.
    public struct Setting: Sendable {
        public var name: String
        public var path: [String]
        public var environment: String
        public var help: String

        /// Its command-line option: the name with dashes (`--checkpoint-every`).
        public var option: String { "--" + name.replacingOccurrences(of: "_", with: "-") }
    }

    /// A value and where it was set.
    public struct Value: Sendable {
        public var text: String
        /// The configuration file and the value's 1-based line and column in it, when it came from the file.
        public var file: String?
        public var line: Int?
        public var column: Int?
        /// The environment variable (`$PROMPTGATE_LISTEN`) or option (`--listen`) that set it otherwise.
        public var source: String?

        public init(
            text: String, file: String? = nil, line: Int? = nil, column: Int? = nil, source: String? = nil
        ) {
            self.text = text
            self.file = file
            self.line = line
            self.column = column
            self.source = source
        }

        /// `FILE:LINE:COLUMN`, `$VARIABLE` or `--option`.
        public var origin: String {
            ConfigurationError(file: file, line: line, column: column, source: source, message: "").place ?? ""
        }

        /// An error about this value, at the place it was set.
        public func error(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, line: line, column: column, source: source, key: key, message: message)
        }
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
            name: "log", path: ["audit", "log"], environment: "PROMPTGATE_LOG",
            help: "where the audit log is: file (the data folder, the default) or postgres://user@host:port/db "
                + "(one log shared by several proxies; the password in $PROMPTGATE_LOG_PASSWORD)"),
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
            name: "witness_policy", path: ["audit", "witness_policy"], environment: "PROMPTGATE_WITNESS_POLICY",
            help: "witness policy file (C2SP tlog-policy): who cosigns checkpoints"),
        .init(
            name: "publish_log", path: ["audit", "publish_log"], environment: "PROMPTGATE_PUBLISH_LOG",
            help: "serve the log as C2SP tlog-tiles at /log/ (true or false)"),
        .init(
            name: "retention_days", path: ["audit", "retention_days"], environment: "PROMPTGATE_RETENTION_DAYS",
            help: "days a month's prompt and answer texts are kept after it ends, for AI systems whose registry "
                + "entry gives no retention (`promptgate retention apply` erases them; unset: kept)"),
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
        .init(
            name: "feed_jsonl", path: ["feed", "jsonl"], environment: "PROMPTGATE_FEED_JSONL",
            help: "decision feed as JSON Lines: a file to append to, or - for stdout"),
        .init(
            name: "feed_syslog", path: ["feed", "syslog"], environment: "PROMPTGATE_FEED_SYSLOG",
            help: "decision feed to syslog (RFC 5424): udp://host:514 or tcp://host:601"),
        .init(
            name: "feed_syslog_facility", path: ["feed", "syslog_facility"],
            environment: "PROMPTGATE_FEED_SYSLOG_FACILITY", help: "the feed's syslog facility (local0, auth, …)"),
        .init(
            name: "feed_otlp", path: ["feed", "otlp"], environment: "PROMPTGATE_FEED_OTLP",
            help: "decision feed as OpenTelemetry logs: the collector's OTLP/HTTP URL"),
    ]

    /// The values read so far, by setting name; each layer replaces what the one below set.
    public private(set) var values: [String: Value] = [:]
    /// The upstream keys given in the environment (``secretVariables``), by variable name. Kept apart from
    /// ``values`` because a ``Secret`` never prints itself.
    public private(set) var secrets: [String: Secret] = [:]
    /// `$HOME`, for the default data folder.
    public private(set) var home: String?

    /// Variables that hold an upstream key or the audit database's password itself. They are read from the
    /// environment only: a key in a file belongs in a file of its own (`upstream.key_file`), and one on a command
    /// line would show in `ps`.
    public static let secretVariables = [
        "PROMPTGATE_UPSTREAM_KEY", "PROMPTGATE_ANTHROPIC_KEY", "PROMPTGATE_LOG_PASSWORD",
    ]

    public init() {}

    /// The layers below the command line: the file (`file`, else `$PROMPTGATE_CONFIG`, else none), then the
    /// `PROMPTGATE_*` variables of `environment` over it.
    public static func load(
        file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> ProxySettings {
        var settings = ProxySettings()
        if let path = file ?? environment["PROMPTGATE_CONFIG"], !path.isEmpty {
            settings = try load(path: path)
        }
        settings.apply(environment: environment)
        return settings
    }

    /// Reads a configuration file. Unknown keys, lists and empty values are errors at their line.
    public static func load(path: String) throws(ConfigurationError) -> ProxySettings {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, message: "cannot read the configuration file")
        }
        var settings = ProxySettings()
        do {
            let root = try NodeReader.compose(bytes: Array(data), origin: path)
            try settings.read(root, path: [], reader: NodeReader(origin: path))
        } catch {
            throw ConfigurationError(error)
        }
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
                values[setting.name] = Value(
                    text: scalar.string, file: reader.origin, line: value.mark?.line, column: value.mark?.column)
            } else {
                try read(value, path: childPath, reader: reader)
            }
        }
    }

    /// Lets `PROMPTGATE_*` variables override the file (an empty variable counts as unset).
    public mutating func apply(environment: [String: String]) {
        for setting in Self.known {
            if let text = environment[setting.environment], !text.isEmpty {
                values[setting.name] = Value(text: text, source: "$" + setting.environment)
            }
        }
        for variable in Self.secretVariables {
            if let text = environment[variable], !text.isEmpty { secrets[variable] = Secret(text) }
        }
        if let home = environment["HOME"], !home.isEmpty { self.home = home }
    }

    /// The top layer: values given on the command line (or in code), by setting name, each reported as its option
    /// (``Setting/option``) when it is bad. A name that is no setting is refused.
    public mutating func apply(overrides: [String: String]) throws(ConfigurationError) {
        for (name, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let setting = Self.known.first(where: { $0.name == name }) else {
                let names = Self.known.map(\.name).sorted().joined(separator: ", ")
                throw ConfigurationError(key: name, message: "unknown setting (expected one of: \(names))")
            }
            values[name] = Value(text: text, source: setting.option)
        }
    }

    /// The setting's text, if any layer set it.
    public func string(_ name: String) -> String? { value(name)?.text }

    /// The setting's value and where it was set, if any layer set it.
    public func value(_ name: String) -> Value? {
        assert(Self.known.contains { $0.name == name }, "\(name) is not a setting")
        return values[name]
    }

    /// A whole number, or an error naming where the bad value was set.
    public func int(_ name: String) throws(ConfigurationError) -> Int? {
        guard let value = value(name) else { return nil }
        guard let number = Int(value.text.trimmingCharacters(in: .whitespaces)), number >= 0 else {
            throw value.error(name, "expected a whole number, not '\(value.text)'")
        }
        return number
    }

    /// A whole number of seconds.
    public func seconds(_ name: String) throws(ConfigurationError) -> Duration? {
        try int(name).map { .seconds($0) }
    }

    /// true/false (also yes/no, on/off, 1/0), or an error naming where the bad value was set.
    public func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let value = value(name) else { return nil }
        switch value.text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw value.error(name, "expected true or false, not '\(value.text)'")
        }
    }

    /// One of a fixed set of values (`warn` or `block`), or an error naming where the bad value was set.
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type = T.self)
        throws(ConfigurationError) -> T? where T.RawValue == String
    {
        guard let value = value(name) else { return nil }
        guard let choice = T(rawValue: value.text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: " or ")
            throw value.error(name, "expected \(allowed), not '\(value.text)'")
        }
        return choice
    }
}
