import AuditLog
import Foundation
import Screening
import Transport

// The mapping from the proxy's settings (file, environment, options: ``ProxySettings``) to the library's
// configuration structs. Each struct reads its own keys and falls back to its own `default…`, so the proxy and a
// program that embeds the library configure a gate the same way from the same file.

extension GateConfiguration {
    /// The configuration the proxy would run with: the YAML file (`file`, else `$PROMPTGATE_CONFIG`), the
    /// `PROMPTGATE_*` variables of `environment` over it, and `overrides` (by setting name, as on the command line:
    /// `["checkpoint_every": "10"]`) over both; then the defaults. The files the settings name (guideline packs,
    /// users, registry, policy, key files) are loaded.
    ///
    /// ```swift
    /// let configuration = try GateConfiguration.load(file: "/etc/promptgate/promptgate.yaml")
    /// let (gate, _) = try await Gate.start(configuration)
    /// try await gate.shutdown()
    /// ```
    public static func load(
        file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:]
    ) throws(ConfigurationError) -> GateConfiguration {
        var settings = try ProxySettings.load(file: file, environment: environment)
        try settings.apply(overrides: overrides)
        return try GateConfiguration(settings: settings)
    }

    /// Maps every setting the proxy understands; what no layer sets takes the owning struct's default. A bad value,
    /// or a file a setting names that cannot be loaded, is a ``ConfigurationError`` at the place it was set.
    public init(settings: ProxySettings) throws(ConfigurationError) {
        let audit = try AuditLogConfiguration(settings: settings)
        let packs = try Self.loaded("guidelines", in: settings) { folder throws(PackError) in
            try GuidelineLoader.load(folder: folder)
        }
        self.init(
            upstreamBaseURL: settings.string("upstream") ?? Self.defaultUpstreamBaseURL,
            upstreamAPIKey: try Self.secret(
                file: "upstream_key_file", variable: "PROMPTGATE_UPSTREAM_KEY", in: settings),
            packs: packs, dataDirectory: audit.directory, logOrigin: audit.origin,
            checkpointEvery: audit.checkpointEvery, checkpointInterval: audit.checkpointInterval,
            maxSegmentBytes: audit.maxSegmentBytes, transport: try TransportConfiguration(settings: settings),
            maxRequestBytes: try settings.int("max_request_bytes") ?? Self.defaultMaxRequestBytes,
            unscreenedParts: try settings.choice("unscreened_parts") ?? Self.defaultUnscreenedParts)
        anthropicBaseURL = settings.string("anthropic_upstream")
        anthropicAPIKey = try Self.secret(
            file: "anthropic_key_file", variable: "PROMPTGATE_ANTHROPIC_KEY", in: settings)
        ollamaBaseURL = settings.string("ollama_upstream")
        fingerprintKeyPath = settings.string("fingerprint_key")
        if let value = settings.value("witness_policy") {
            do {
                witnessPolicy = try WitnessPolicy.load(path: value.text)
            } catch {
                var error = error
                if error.file == nil { error = value.error("witness_policy", error.message) }
                error.key = "witness_policy"
                throw error
            }
        }
        reviewOverdue = try settings.choice("review_overdue") ?? Self.defaultReviewOverdue
        feed = try FeedConfiguration(settings: settings)
        defaultDepartment = settings.string("department")
        disclosureNotice = settings.string("disclosure_notice")
        users = try Self.loaded("users", in: settings) { path throws(PackError) in
            try path.map { path throws(PackError) in try UserDirectory.load(path: path) }
        }
        policies = try Self.loaded("policy", in: settings) { path throws(PackError) in
            try path.map { path throws(PackError) in try DepartmentPolicies.load(path: path, packs: packs) }
        }
        registry = try Self.loaded("registry", in: settings) { folder throws(PackError) in
            try folder.map { folder throws(PackError) in try Registry.load(directory: folder) }
        }
    }

    /// Loads what a setting names, an error in it reported at its own file and line under the setting's name.
    private static func loaded<T>(
        _ name: String, in settings: ProxySettings, _ load: (String?) throws(PackError) -> T
    ) throws(ConfigurationError) -> T {
        do {
            return try load(settings.string(name))
        } catch {
            throw ConfigurationError(error, key: name)
        }
    }

    /// An upstream key: from the file the `file` setting names, else from the environment variable itself.
    private static func secret(file name: String, variable: String, in settings: ProxySettings)
        throws(ConfigurationError) -> Secret?
    {
        guard let value = settings.value(name) else { return settings.secrets[variable] }
        guard let data = FileManager.default.contents(atPath: value.text) else {
            throw value.error(name, "cannot read the key file \(value.text)")
        }
        let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return key.isEmpty ? nil : Secret(key)
    }
}

extension AuditLogConfiguration {
    /// The audit log's settings: the data folder, its origin, when checkpoints are signed and when segments roll.
    public init(settings: ProxySettings) throws(ConfigurationError) {
        self.init(
            directory: settings.string("data") ?? GateConfiguration.defaultDataDirectory(home: settings.home),
            origin: settings.string("origin") ?? GateConfiguration.defaultOrigin(),
            checkpointEvery: try settings.int("checkpoint_every") ?? Self.defaultCheckpointEvery,
            checkpointInterval: try settings.seconds("checkpoint_seconds") ?? Self.defaultCheckpointInterval,
            maxSegmentBytes: try settings.int("max_segment_bytes") ?? Self.defaultMaxSegmentBytes)
    }
}

extension TransportConfiguration {
    /// How upstreams are reached: timeouts, the corporate CA bundle and proxy, a client certificate, HTTP/2.
    public init(settings: ProxySettings) throws(ConfigurationError) {
        self.init(
            connectTimeout: try settings.seconds("connect_timeout") ?? Self.defaultConnectTimeout,
            firstByteTimeout: try settings.seconds("first_byte_timeout") ?? Self.defaultFirstByteTimeout,
            idleTimeout: try settings.seconds("idle_timeout") ?? Self.defaultIdleTimeout,
            caBundlePath: settings.string("ca_bundle"),
            clientCertificatePath: settings.string("client_certificate"),
            clientKeyPath: settings.string("client_key"),
            proxy: settings.string("proxy"), noProxy: settings.string("no_proxy"),
            http2: try settings.bool("http2") ?? Self.defaultHTTP2)
    }
}
