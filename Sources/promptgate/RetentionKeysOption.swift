import AuditLog
import AuditLogPostgres
import Foundation

extension LogLocation {
    /// The keys that open the log's sealed texts: the data folder's (`DATA/retention`), or those in the database of
    /// `--log postgres://…`.
    func retentionRing() throws -> KeyRing {
        if let text = log.first, PostgresLogURL.looksLikeURL(text) {
            var url: PostgresLogURL
            do {
                url = try PostgresLogURL(text)
                if url.password == nil, let secret = ProcessInfo.processInfo.environment["PROMPTGATE_LOG_PASSWORD"] {
                    url.password = PostgresLogURL.Password(secret)
                }
            } catch {
                throw AuditLogError.io(path: "--log", reason: error.description)
            }
            let located = url
            return try blocking {
                let store = PostgresRetentionKeyStore(url: located)
                do {
                    let ring = try await store.ring()
                    await store.close()
                    return ring
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
        return try FileRetentionKeyStore(dataDirectory: data.resolved).currentRing()
    }
}
