import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A real PostgreSQL server for tests: `$PROMPTGATE_TEST_POSTGRES` (a URL, as `scripts/test.sh` exports), else one
/// started once per test process with `scripts/postgres-test.sh start` (stopped and removed when the process exits).
/// Each test gets a database of its own.
package enum PostgresServer {
    /// Where the server is: host, port and user, from the URL.
    package struct Address: Sendable {
        package var host: String
        package var port: Int
        package var user: String
    }

    /// The folder of the server this process started (stopped and removed at exit), if it started one.
    static let startedFolder = Mutex<String?>(nil)

    private static let started = Task<Address, any Error> {
        if let url = ProcessInfo.processInfo.environment["PROMPTGATE_TEST_POSTGRES"], !url.isEmpty {
            return try parse(url)
        }
        let folder = NSTemporaryDirectory() + "promptgate-pg-" + UUID().uuidString
        startedFolder.withLock { $0 = folder }
        atexit {
            guard let folder = PostgresServer.startedFolder.withLock({ $0 }) else { return }
            let stop = Process()
            stop.executableURL = URL(fileURLWithPath: "/bin/bash")
            stop.arguments = [repositoryRoot + "/scripts/postgres-test.sh", "stop", folder]
            try? stop.run()
            stop.waitUntilExit()
            try? FileManager.default.removeItem(atPath: folder)
        }
        // The script's output goes to a file, read once it holds the URL's line: neither a pipe nor waiting for the
        // process to end (the server the script starts inherits what it holds open).
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let output = folder + ".url"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot + "/scripts/postgres-test.sh", "start", folder]
        process.standardOutput = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(180)
        while true {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if text.hasSuffix("\n") {
                try? FileManager.default.removeItem(atPath: output)
                return try parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            guard ContinuousClock.now < deadline else {
                throw PostgresServerError("scripts/postgres-test.sh start gave no URL (see \(folder)/server.log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The server (started on first use).
    package static func address() async throws -> Address { try await started.value }

    /// A new, empty database `t_<random>` on the server, and its URL (`postgres://user@host:port/t_…`).
    package static func freshDatabase() async throws -> (name: String, url: String) {
        let address = try await address()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withConnection(database: "postgres") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: quiet)
        }
        return (name, "postgres://\(address.user)@\(address.host):\(address.port)/\(name)?sslmode=disable")
    }

    /// Runs `body` with a new database's URL, then drops the database (closing whatever still uses it).
    package static func withFreshDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        let (name, url) = try await freshDatabase()
        do {
            let result = try await body(url)
            try? await drop(name)
            return result
        } catch {
            try? await drop(name)
            throw error
        }
    }

    /// Drops a database, ending its sessions first.
    package static func drop(_ name: String) async throws {
        try await withConnection(database: "postgres") { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: quiet)
        }
    }

    /// Runs `body` on a connection of the test's own (as the `postgres` role) to `database`.
    @discardableResult
    package static func withConnection<T>(
        database: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let address = try await address()
        let configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: nil, database: database,
            tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: quiet)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A logger that says nothing (connection chatter would drown the test output).
    package static let quiet: Logger = {
        var logger = Logger(label: "test-postgres")
        logger.logLevel = .critical
        return logger
    }()

    private static func parse(_ url: String) throws -> Address {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port
        else {
            throw PostgresServerError("not a postgres:// URL with host and port: \(url)")
        }
        return Address(host: host, port: port, user: components.user ?? "postgres")
    }
}

/// The test server could not be started or reached.
package struct PostgresServerError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
