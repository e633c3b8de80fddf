import Screening

/// A setting that cannot be used: a bad value, an unknown key, or a file a setting names that cannot be loaded.
///
/// It says where the value was set, so an operator can go straight to it: `promptgate.yaml:12:21: checkpoint_every:
/// expected a whole number, not 'soon'`, `$PROMPTGATE_HTTP2: http2: expected true or false, not 'maybe'`, or
/// `--listen: listen: expected HOST:PORT, e.g. 127.0.0.1:8787`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the error is in: the configuration file, or a file a setting names (the users file, a registry
    /// entry, a guideline pack). `nil` when the value was not read from a file.
    public var file: String?
    /// 1-based line and column in ``file``, when known.
    public var line: Int?
    public var column: Int?
    /// What set the value when it was not a file: an environment variable (`$PROMPTGATE_IDLE_TIMEOUT`) or a
    /// command-line option (`--idle-timeout`).
    public var source: String?
    /// The setting, by its name in ``ProxySettings/known`` (`checkpoint_every`), when the error is about one.
    public var key: String?
    public var message: String

    public init(
        file: String? = nil, line: Int? = nil, column: Int? = nil, source: String? = nil, key: String? = nil,
        message: String
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.source = source
        self.key = key
        self.message = message
    }

    /// An error in a YAML file the configuration read (or a file one of its settings names), kept at its line.
    init(_ error: PackError, key: String? = nil) {
        self.init(file: error.file, line: error.line, column: error.column, key: key, message: error.message)
    }

    /// `place: key: message`, the place as `file:line:column` (the form editors and CI logs link to) or the variable
    /// or option that set the value.
    public var description: String {
        [place, key, message].compactMap { $0 }.joined(separator: ": ")
    }

    /// Where the value was set: `file:line:column` (as much of it as is known), else ``source``.
    public var place: String? {
        guard var place = file else { return source }
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return place
    }
}
