import AuditLog
import AuditLogPostgres
import Foundation

// `promptgate-bench append-postgres --log postgres://… [--proxies 2] [--writers 1,16,64] [--seconds S]`: durable
// appends per second from several proxies (each a process of its own, as in a deployment) on one PostgreSQL log,
// each with W concurrent writers; an append counts once its transaction has committed. The same run measures the
// file log (one process, proxies × W writers, write + fsync with group commit) as the baseline.
//
// The proxies start together: each opens the log, says "ready", and waits for "go" on its standard input, so the
// measured seconds hold only appends.

/// The result of one timed run: appends per second and latency percentiles in milliseconds.
struct AppendRate {
    var count: Int
    var seconds: Double
    var p50: Double
    var p99: Double
    var perSecond: Double { Double(count) / max(seconds, 1e-9) }
}

/// Appends from `writers` concurrent tasks for `seconds` to `trail`, returning how many and how long they took.
func timedAppends(_ trail: any AuditTrail, writers: Int, seconds: Double, tag: Int) async throws -> AppendRate {
    let started = Date()
    let deadline = started.addingTimeInterval(seconds)
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for w in 0..<writers {
            group.addTask {
                var local: [Double] = []
                var i = 0
                while Date() < deadline {
                    let t = ContinuousClock.now
                    _ = try await trail.append(sampleEntry(i, writer: tag * 1000 + w))
                    local.append(milliseconds(ContinuousClock.now - t))
                    i += 1
                }
                return local
            }
        }
        return try await group.reduce(into: [Double]()) { $0 += $1 }
    }
    let sorted = latencies.sorted()
    return AppendRate(
        count: sorted.count, seconds: Date().timeIntervalSince(started), p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99))
}

/// The file log's rate with `writers` writers, in a fresh folder.
func fileAppendRate(writers: Int, seconds: Double, dir: String) async throws -> AppendRate {
    try? FileManager.default.removeItem(atPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try makeStore(dir, fsync: true)
    let rate = try await timedAppends(store, writers: writers, seconds: seconds, tag: 0)
    try await store.close()
    return rate
}

func benchPostgresAppend() async throws {
    let url = option("log", "")
    guard PostgresLogURL.looksLikeURL(url) else {
        print("append-postgres needs --log postgres://… (scripts/postgres-test.sh start prints one)")
        exit(2)
    }
    let proxies = Int(option("proxies", "2")) ?? 2
    let seconds = Double(option("seconds", "5")) ?? 5
    let writerCounts = option("writers", "1,16,64").split(separator: ",").compactMap { Int($0) }
    let keys = NSTemporaryDirectory() + "promptgate-bench-pg-keys-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: keys) }
    _ = try LogKeyStore.loadOrCreate(directory: keys, origin: "bench.example/audit")
    let shown = (try? PostgresLogURL(url).description) ?? "(the URL given)"
    print("durable appends: \(proxies) proxies (processes) on one PostgreSQL log, \(shown); \(seconds) s each")
    print("baseline: the file log, one process with proxies × W writers (write + fsync, group commit)")
    print("writers/proxy | postgres appends/s | p50 ms | p99 ms | file log appends/s | p50 ms | p99 ms")
    for writers in writerCounts {
        let children = try (0..<proxies).map { index in
            try AppendChild(arguments: [
                "append-postgres-proxy", "--log", url, "--keys", keys, "--writers", "\(writers)", "--seconds",
                "\(seconds)", "--tag", "\(index + 1)",
            ])
        }
        for child in children { try child.expect("ready") }
        for child in children { child.send("go") }
        var total = AppendRate(count: 0, seconds: 0, p50: 0, p99: 0)
        for child in children {
            let fields = try child.expect("result").split(separator: " ").dropFirst().compactMap { Double($0) }
            guard fields.count == 4 else { throw BenchError("a proxy reported \(fields)") }
            total.count += Int(fields[0])
            total.seconds = max(total.seconds, fields[1])
            total.p50 = max(total.p50, fields[2])
            total.p99 = max(total.p99, fields[3])
        }
        for child in children { child.wait() }
        let file = try await fileAppendRate(
            writers: proxies * writers, seconds: seconds, dir: NSTemporaryDirectory() + "promptgate-bench-pg-file")
        print(
            String(
                format: "%13d | %18.0f | %6.2f | %6.2f | %18.0f | %6.2f | %6.2f", writers, total.perSecond, total.p50,
                total.p99, file.perSecond, file.p50, file.p99))
    }
}

/// One benchmark proxy: opens the log as a proxy does, waits for "go", appends, reports "result count seconds p50
/// p99", closes the log (the signer signs a final checkpoint).
func postgresAppendProxy() async throws {
    let url = try PostgresLogURL(option("log", ""))
    let keysFolder = option("keys", "")
    let writers = Int(option("writers", "1")) ?? 1
    let seconds = Double(option("seconds", "5")) ?? 5
    let tag = Int(option("tag", "1")) ?? 1
    guard let keys = try LogKeyStore.load(directory: keysFolder) else {
        throw BenchError("no log key in \(keysFolder)")
    }
    let configuration = AuditLogConfiguration(
        directory: keysFolder, origin: "bench.example/audit", checkpointEvery: 10_000)
    let log = try await PostgresAuditLog.open(
        AuditTrailRequest(configuration: configuration, signingKeys: keys, startNewLog: false),
        settings: PostgresAuditLog.Settings(url: url, proxyID: "bench-\(tag)"))
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    guard readLine() == "go" else { throw BenchError("no go") }
    let rate = try await timedAppends(log, writers: writers, seconds: seconds, tag: tag)
    FileHandle.standardOutput.write(
        Data("result \(rate.count) \(rate.seconds) \(rate.p50) \(rate.p99)\n".utf8))
    try await log.close()
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process of this benchmark, spoken to in lines.
final class AppendChild {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// Reads lines until one starts with `word`; returns it.
    @discardableResult
    func expect(_ word: String) throws -> String {
        while true {
            var line: [UInt8] = []
            while true {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                guard let first = byte.first else { throw BenchError("a proxy ended before saying \(word)") }
                if first == 0x0A { break }
                line.append(first)
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix(word) { return text }
        }
    }

    func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }

    func wait() { process.waitUntilExit() }
}
