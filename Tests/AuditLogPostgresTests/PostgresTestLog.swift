import AuditLog
import AuditLogPostgres
import Foundation
import Logging
import PostgresNIO
import TestSupport

/// Opening test logs on a fresh database, and reading back what they stored.
enum PostgresTestLog {
    static let origin = "test.example/shared"

    static var quiet: Logger { PostgresServer.quiet }

    /// A request as the gate makes one, for `keys` (a fresh key when none is given).
    static func request(
        keys: [LogSigningKey]? = nil, origin: String = origin, every: Int = 1000, interval: Duration? = nil,
        startNewLog: Bool = false
    ) throws -> AuditTrailRequest {
        AuditTrailRequest(
            configuration: AuditLogConfiguration(
                directory: "/nonexistent", origin: origin, checkpointEvery: every, checkpointInterval: interval),
            signingKeys: try keys ?? [LogSigningKey(generatingFor: origin)], startNewLog: startNewLog)
    }

    static func open(
        _ url: String, _ request: AuditTrailRequest, proxy: String, leasePoll: Duration = .milliseconds(200),
        signerPoll: Duration = .milliseconds(50)
    ) async throws -> PostgresAuditLog {
        try await PostgresAuditLog.open(
            request,
            settings: .init(
                url: try PostgresLogURL(url), proxyID: proxy, leasePoll: leasePoll, signerPoll: signerPoll),
            logger: quiet)
    }

    static func database(of url: String) -> String {
        String(url.split(separator: "/").last!.split(separator: "?").first!)
    }

    /// The stored lines in `seq` order.
    static func lines(_ url: String) async throws -> [[UInt8]] {
        try await PostgresServer.withConnection(database: database(of: url)) { connection in
            let rows = try await connection.query(
                "SELECT seq, line FROM audit_entries ORDER BY seq", logger: quiet)
            var lines: [[UInt8]] = []
            for try await (seq, line) in rows.decode((Int64, ByteBuffer).self) {
                precondition(seq == lines.count)
                lines.append(Array(line.readableBytesView))
            }
            return lines
        }
    }

    /// The newest stored checkpoint's text.
    static func newestCheckpoint(_ url: String) async throws -> String? {
        try await PostgresServer.withConnection(database: database(of: url)) { connection in
            let rows = try await connection.query(
                "SELECT text FROM audit_checkpoints ORDER BY size DESC LIMIT 1", logger: quiet)
            for try await text in rows.decode(String.self) { return text }
            return nil
        }
    }

    /// Runs SQL on the test's own connection (tampering, inspecting).
    static func execute(_ url: String, _ sql: String) async throws {
        try await PostgresServer.withConnection(database: database(of: url)) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quiet)
        }
    }

    /// The integer in the first column of the first row `sql` returns (inspecting), 0 without a row.
    static func integer(_ url: String, _ sql: String) async throws -> Int {
        try await PostgresServer.withConnection(database: database(of: url)) { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quiet)
            for try await value in rows.decode(Int64.self) { return Int(value) }
            return 0
        }
    }

    /// Waits (up to a minute, or `within`) until `condition` holds; false if it never did.
    static func eventually(within: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool
    {
        let deadline = ContinuousClock.now + within
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// An entry with some of everything a line holds.
    static func entry(_ n: Int, proxy: String) -> AuditEntry {
        var entry = AuditEntry(event: .requestScreened)
        entry.requestID = "req-\(proxy)-\(n)"
        entry.actor = "jdoe"
        entry.department = "parks"
        entry.decision = "redacted"
        entry.findings = [.init(rule: "email", type: "EMAIL", action: "redact", count: 1)]
        entry.promptRedacted = "Write to <EMAIL_1> about Ünïcödé \"quotes\" \\ and \u{1}control \(n)"
        entry.fingerprints = [.init(type: "EMAIL", hmac: "ab12cd34")]
        return entry
    }
}
