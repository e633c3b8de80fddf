import AuditLog
import AuditLogPostgres
import Foundation
import TestSupport
import Testing

@Suite("PostgreSQL audit log: several proxies, one chain, one signer", .serialized)
struct PostgresAuditLogTests {
    @Test("two proxies appending at once make one chain that the file log's verifier accepts")
    func twoProxiesOneChain() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let a = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys, every: 7), proxy: "a")
            let b = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys, every: 7), proxy: "b")
            let perProxy = 120
            let receipts = try await withThrowingTaskGroup(of: [Int].self) { group in
                for (log, name) in [(a, "a"), (b, "b")] {
                    for writer in 0..<4 {
                        group.addTask {
                            var seqs: [Int] = []
                            for n in 0..<(perProxy / 4) {
                                seqs.append(
                                    try await log.append(PostgresTestLog.entry(writer * 1000 + n, proxy: name)).seq)
                            }
                            return seqs
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            // Every append got its own place, and the places are 0..<n.
            #expect(receipts.sorted() == Array(0..<(2 * perProxy)))
            let holder = await a.health().holdsSignerLease ? a : b
            try await holder.writeCheckpoint()
            try await a.close()
            try await b.close()
            let lines = try await PostgresTestLog.lines(url)
            #expect(lines.count == 2 * perProxy)
            let checkpoint = try #require(try await PostgresTestLog.newestCheckpoint(url))
            #expect(checkpoint.contains("\n\(2 * perProxy)\n"))
            let report = try withTemporaryDirectorySync { directory in
                try Self.layOut(lines, in: directory)
                return try LogVerifier.verify(
                    logPath: directory + "/audit.log",
                    checkpoints: [.init(label: "checkpoint", note: checkpoint)], keys: [keys[0].verifierKey])
            }
            #expect(report.ok, "\(report.problems)")
            #expect(report.lines == 2 * perProxy)
            // Both proxies' entries are in it.
            let text = lines.map { String(decoding: $0, as: UTF8.self) }
            #expect(text.contains { $0.contains("req-a-") } && text.contains { $0.contains("req-b-") })
        }
    }

    /// Writes `lines` as a file log's `audit.log`.
    static func layOut(_ lines: [[UInt8]], in directory: String) throws {
        var bytes: [UInt8] = []
        for line in lines { bytes += line + [0x0A] }
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/audit.log"))
    }

    @Test("a row is the line the file log writes for the same entry: same builder, same fitting, same bytes")
    func byteIdenticalToFileLog() async throws {
        var entries = (0..<5).map { PostgresTestLog.entry($0, proxy: "x") }
        // One entry too large for a line: both stores cut it the same way.
        var huge = AuditEntry(event: .requestScreened)
        huge.promptRedacted = String(repeating: "é\"\\\n", count: 40_000)
        huge.fingerprints = (0..<3000).map { .init(type: "EMAIL", hmac: String(format: "%016x", $0)) }
        entries.insert(huge, at: 2)
        let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
        let fileLines = try await withTemporaryDirectory { directory in
            let store = try AuditLogStore(
                configuration: AuditLogConfiguration(directory: directory, origin: PostgresTestLog.origin),
                signingKeys: keys)
            for entry in entries { _ = try await store.append(entry) }
            try await store.close()
            let text = try Data(contentsOf: URL(fileURLWithPath: directory + "/audit.log"))
            return text.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Array($0) }
        }
        try await PostgresServer.withFreshDatabase { url in
            let log = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "x")
            for entry in entries { _ = try await log.append(entry) }
            try await log.close()
            let rows = try await PostgresTestLog.lines(url)
            #expect(rows.count == fileLines.count)
            var prev = AuditEntry.firstPrev
            for (index, (row, fileLine)) in zip(rows, fileLines).enumerated() {
                // The same bytes but for the time (each store stamps its own) and so the chain.
                #expect(Self.withoutTimeAndChain(row) == Self.withoutTimeAndChain(fileLine), "line \(index)")
                // And exactly what the shared builder makes of the entry at that place, time and chain.
                let time = try #require(Self.time(of: row))
                let rebuilt = try entries[index].logLine(
                    seq: index, time: time, prev: prev, maxLineBytes: AuditLogConfiguration.defaultMaxLineBytes)
                #expect(rebuilt == row, "line \(index)")
                prev = AuditEntry.chainHash(of: row)
            }
            #expect(rows[2].count < 1 << 16)
            #expect(String(decoding: rows[2], as: UTF8.self).contains("entry cut to fit"))
        }
    }

    static func withoutTimeAndChain(_ line: [UInt8]) -> String {
        var text = String(decoding: line, as: UTF8.self)
        for field in ["\"ts\":\"", "\"prev\":\""] {
            if let start = text.range(of: field),
                let end = text[start.upperBound...].firstIndex(of: "\"")
            {
                text.replaceSubrange(start.upperBound..<end, with: "…")
            }
        }
        return text
    }

    static func time(of line: [UInt8]) -> Date? {
        let text = String(decoding: line, as: UTF8.self)
        guard let start = text.range(of: "\"ts\":\"") else { return nil }
        let stamp = String(text[start.upperBound...].prefix(24))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: stamp)
    }

    @Test("when the signer closes, another proxy takes the lease and signs what both appended")
    func handoverOnClose() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let a = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "a")
            let b = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "b")
            #expect(await a.health().holdsSignerLease)
            #expect(await !b.health().holdsSignerLease)
            for n in 0..<5 { _ = try await a.append(PostgresTestLog.entry(n, proxy: "a")) }
            try await a.close()
            #expect(try await PostgresTestLog.newestCheckpoint(url)?.contains("\n5\n") == true)
            #expect(await PostgresTestLog.eventually { await b.health().holdsSignerLease })
            for n in 0..<3 { _ = try await b.append(PostgresTestLog.entry(n, proxy: "b")) }
            let text = try await b.writeCheckpoint()
            #expect(text.contains("\n8\n"))
            let checkpoint = try Checkpoint.open(note: text, trusted: [keys[0].verifierKey])
            #expect(checkpoint.size == 8)
            try await b.close()
        }
    }

    @Test("when the signer's connection dies, another proxy takes the lease")
    func handoverOnConnectionLoss() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            // The first proxy tries for the lease again only after an hour: the second must be the one taking it.
            let a = try await PostgresTestLog.open(
                url, try PostgresTestLog.request(keys: keys), proxy: "a", leasePoll: .seconds(3600))
            let b = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "b")
            #expect(await a.health().holdsSignerLease)
            _ = try await a.append(PostgresTestLog.entry(1, proxy: "a"))
            // Kill the session that holds the advisory lock, as a dead host or a network cut would.
            try await PostgresTestLog.execute(
                url,
                """
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            #expect(await PostgresTestLog.eventually { await b.health().holdsSignerLease })
            #expect(await PostgresTestLog.eventually { await !a.health().holdsSignerLease })
            // The first proxy still appends (its own connection), and the new signer signs it.
            _ = try await a.append(PostgresTestLog.entry(2, proxy: "a"))
            let text = try await b.writeCheckpoint()
            #expect(try Checkpoint.open(note: text, trusted: [keys[0].verifierKey]).size == 2)
            try await a.close()
            try await b.close()
        }
    }

    @Test("two proxies starting at once on an empty database: one creates the tables, both open, one signs")
    func concurrentStart() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            async let first = PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "a")
            async let second = PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "b")
            let (a, b) = try await (first, second)
            let holders = [await a.health().holdsSignerLease, await b.health().holdsSignerLease]
            #expect(holders.filter { $0 }.count == 1)
            _ = try await a.append(PostgresTestLog.entry(1, proxy: "a"))
            _ = try await b.append(PostgresTestLog.entry(1, proxy: "b"))
            try await a.close()
            try await b.close()
            #expect(try await PostgresTestLog.lines(url).count == 2)
        }
    }

    @Test("a proxy with another log key, or another origin, is refused and told to copy log.key")
    func wrongKeyRefused() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let first = try await PostgresTestLog.open(url, try PostgresTestLog.request(), proxy: "a")
            _ = try await first.append(PostgresTestLog.entry(1, proxy: "a"))
            do {
                let other = try await PostgresTestLog.open(url, try PostgresTestLog.request(), proxy: "b")
                try? await other.close()
                Issue.record("a second key was accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains("copy log.key"), "\(text)")
            }
            do {
                let request = try PostgresTestLog.request(origin: "other.example/log")
                let other = try await PostgresTestLog.open(url, request, proxy: "c")
                try? await other.close()
                Issue.record("another origin was accepted")
            } catch {
                #expect("\(error)".contains("origin"), "\(error)")
            }
            try await first.close()
        }
    }

    @Test("a log cut below its checkpoint, or rewritten, is refused; a new log can be declared over it")
    func rolledBack() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let log = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "a")
            for n in 0..<6 { _ = try await log.append(PostgresTestLog.entry(n, proxy: "a")) }
            try await log.close()
            // The tail cut, and the tip moved back so that appends would go on from there.
            try await PostgresTestLog.execute(url, "DELETE FROM audit_entries WHERE seq >= 4")
            let lines = try await PostgresTestLog.lines(url)
            let hash = AuditEntry.chainHash(of: lines[3])
            try await PostgresTestLog.execute(url, "UPDATE audit_tip SET size = 4, last_line_hash = '\(hash)'")
            await #expect {
                _ = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "b")
            } throws: { error in
                guard case AuditLogError.rolledBack(let why) = error else { return false }
                return why.contains("signed entries are gone")
            }
            let restarted = try await PostgresTestLog.open(
                url, try PostgresTestLog.request(keys: keys, startNewLog: true), proxy: "b")
            #expect(restarted.startup.restart?.previousSize == 6)
            _ = try await restarted.append(PostgresTestLog.entry(9, proxy: "b"))
            try await restarted.close()
            // A changed row is caught as well.
            try await PostgresTestLog.execute(
                url,
                "UPDATE audit_entries SET line = convert_to(replace(convert_from(line, 'UTF8'), 'jdoe', 'jdoX'), 'UTF8') WHERE seq = 1"
            )
            await #expect {
                _ = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "c")
            } throws: { error in
                guard case AuditLogError.rolledBack(let why) = error else { return false }
                return why.contains("root differs")
            }
        }
    }

    // A broken retry hangs here (a query on a connection the server ended may wait rather than throw): the limit
    // turns that into a failure instead of a stalled run.
    @Test(
        "an append connection ended while idle (a server restart, an idle timeout) is replaced, not a refusal",
        .timeLimit(.minutes(1)))
    func idleConnectionReplaced() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let log = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "a")
            _ = try await log.append(PostgresTestLog.entry(1, proxy: "a"))
            // After its commit a connection begins its next transaction ahead of the next batch: a session idle in a
            // transaction, which `idle_in_transaction_session_timeout` or a restart would end.
            let waiting = """
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND state = 'idle in transaction' AND query = 'BEGIN'
                """
            #expect(
                try await PostgresTestLog.eventually {
                    try await PostgresTestLog.integer(url, "SELECT count(*) \(waiting)") == 1
                })
            try await PostgresTestLog.execute(url, "SELECT pg_terminate_backend(pid) \(waiting)")
            // Nothing was written on it yet, so the batch goes over a new connection.
            var seqs: [Int?] = []
            for n in 2...4 { seqs.append(try? await log.append(PostgresTestLog.entry(n, proxy: "a")).seq) }
            try await log.close()
            #expect(seqs == [1, 2, 3])
            let lines = try await PostgresTestLog.lines(url)
            #expect(lines.count == 4)
            for (line, next) in zip(lines, lines.dropFirst()) {
                #expect(String(decoding: next, as: UTF8.self).contains(AuditEntry.chainHash(of: line)))
            }
        }
    }

    @Test("fail closed: a database that goes away makes appends throw; one never reached refuses to open")
    func unreachable() async throws {
        let (name, url) = try await PostgresServer.freshDatabase()
        let log = try await PostgresTestLog.open(url, try PostgresTestLog.request(), proxy: "a")
        _ = try await log.append(PostgresTestLog.entry(1, proxy: "a"))
        try await PostgresServer.drop(name)
        await #expect(throws: AuditLogError.self) {
            _ = try await log.append(PostgresTestLog.entry(2, proxy: "a"))
        }
        try? await log.close()
        let nowhere = "postgres://u:hunter2-SECRET@127.0.0.1:\(closedPort())/db?sslmode=disable"
        do {
            let never = try await PostgresTestLog.open(nowhere, try PostgresTestLog.request(), proxy: "b")
            try? await never.close()
            Issue.record("opened a log on a closed port")
        } catch {
            #expect("\(error)".contains("cannot reach"), "\(error)")
            #expect(!"\(error)".contains("hunter2"), "\(error)")
        }
    }
}
