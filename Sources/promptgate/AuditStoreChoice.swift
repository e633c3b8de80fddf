import AuditLog
import AuditLogPostgres
import Logging
import PromptGate

/// The one place the proxy picks its audit store from the `log` setting (`--log`, `audit: log:`,
/// `$PROMPTGATE_LOG`): the file log in the data folder (`file`, or no setting) or one log shared in PostgreSQL.
enum AuditStoreChoice {
    /// The opener `Gate.start` is given: nil for the file log (its default), else the PostgreSQL store's, with the
    /// password from `$PROMPTGATE_LOG_PASSWORD` when the URL has none. A bad value is an error at the place it was
    /// set, without the password.
    static func opener(settings: ProxySettings, logger: Logger) throws(ConfigurationError) -> AuditTrailOpener? {
        guard let url = try databaseURL(settings: settings) else { return nil }
        return PostgresAuditLog.opener(settings: PostgresAuditLog.Settings(url: url), logger: logger)
    }

    /// Where the keys that seal entries' texts are: in the PostgreSQL log's own database, shared by its proxies;
    /// nil for the file log (`DATA/retention`, the gate's default).
    static func retentionKeys(settings: ProxySettings) throws(ConfigurationError) -> (any RetentionKeyStore)? {
        try databaseURL(settings: settings).map { PostgresRetentionKeyStore(url: $0) }
    }

    /// The PostgreSQL log's URL (password from `$PROMPTGATE_LOG_PASSWORD` when the URL has none), or nil for the
    /// file log; anything else is an error at the place it was set.
    private static func databaseURL(settings: ProxySettings) throws(ConfigurationError) -> PostgresLogURL? {
        guard let value = settings.value("log"), value.text != "file" else { return nil }
        guard PostgresLogURL.looksLikeURL(value.text) else {
            throw value.error("log", "expected file or a postgres:// URL, not \(value.text.debugDescription)")
        }
        do {
            return try PostgresLogURL(value.text, passwordIfNone: settings.secrets["PROMPTGATE_LOG_PASSWORD"]?.value)
        } catch {
            throw value.error("log", error.description)
        }
    }

    /// What the startup message calls the log: the segment file, or the database without its password.
    static func describe(settings: ProxySettings, folder: String) -> String {
        guard let text = settings.string("log"), PostgresLogURL.looksLikeURL(text) else {
            return folder + "/audit.log"
        }
        return (try? PostgresLogURL(text).description) ?? "PostgreSQL"
    }
}

extension PostgresLogURL {
    /// `text` as a PostgreSQL log's URL, with `password` (`$PROMPTGATE_LOG_PASSWORD`) when the URL has none: how the
    /// proxy and every command read one, so that the password can stay off command lines and configuration files.
    init(_ text: String, passwordIfNone password: String?) throws(ParseError) {
        self = try PostgresLogURL(text)
        if self.password == nil, let password, !password.isEmpty { self.password = Password(password) }
    }
}
