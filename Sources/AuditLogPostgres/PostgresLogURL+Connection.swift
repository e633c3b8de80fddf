import AuditLog
import Logging
import PostgresNIO

extension PostgresLogURL {
    /// The connection settings for this URL: TLS as `sslmode` says (`verify-full` checks the chain and the host
    /// name; `prefer` and `require` encrypt without checking, as libpq does), a 5-second connect timeout, and the
    /// application name `promptgate` so a DBA can tell our sessions apart.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var unchecked = TLSConfiguration.makeClientConfiguration()
            unchecked.certificateVerification = .none
            let context = try NIOSSLContext(configuration: unchecked)
            tls = sslMode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password?.value, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [("application_name", "promptgate")]
        return configuration
    }
}

/// Words for a database error that name what failed (the server's message and SQLSTATE, or the connection's trouble)
/// and never the URL's password: PostgresNIO's own description is deliberately vague.
func describe(_ error: any Error) -> String {
    if let error = error as? PSQLError {
        if let info = error.serverInfo {
            let message = info[.message] ?? "error"
            return "PostgreSQL: \(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "PostgreSQL \(error.code): \(underlying)" }
        return "PostgreSQL: \(error.code)"
    }
    if let error = error as? PostgresTransactionError {
        for inner in [error.closureError, error.commitError, error.beginError].compactMap({ $0 }) {
            return describe(inner)
        }
    }
    if let error = error as? AuditLogError { return error.description }
    return "\(error)"
}
