// Benchmarks for PromptGate, run by scripts/bench.sh (release build). Each prints its figures and, where there is one,
// the baseline measured in the same run.
//   promptgate-bench append   [--seconds S] [--writers 1,8,64] [--dir D]   durable appends/s with group commit
//   promptgate-bench append-postgres --log URL [--proxies 2] [--writers 1,16,64]   the same from processes on PostgreSQL
//   promptgate-bench generate --entries N --dir D                       a log of N realistic entries (no fsync)
//   promptgate-bench verify   --dir D --tlogverify PATH [--runs R]     promptgate verify vs tlogverify, same log
//   promptgate-bench crash-writer --dir D [--writers W]                 appends until killed; prints "ack <request id>"
//   promptgate-bench screen   [--corpus F] [--megabytes N]             screening MB/s on one core, latency per size
//   promptgate-bench proxy    --target NAME=URL … [--concurrency …]    added latency and rps: direct vs proxies
//   promptgate-bench fsync    [--dir D] [--pauses 0,1500,5000]          what one durable append costs this disk
//   promptgate-bench json     [--iterations N]                         µs to parse and serialise a chat body
import AuditLog
import Foundation

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--" + name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

/// A duration in milliseconds, as a fraction.
func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

func sampleEntry(_ i: Int, writer: Int) -> AuditEntry {
    var entry = AuditEntry(event: .requestScreened)
    entry.requestID = "pg-bench-\(writer)-\(i)"
    entry.actor = "u-\(1000 + writer)"
    entry.department = "dept-\(writer % 40)"
    entry.client = "openai-python/3.57.0"
    entry.provider = "openai"
    entry.model = "gpt-4o-mini"
    entry.endpoint = "api.openai.com"
    entry.decision = "redacted"
    entry.findings = [
        .init(rule: "email-address", type: "EMAIL_ADDRESS", action: "redact", count: 1),
        .init(rule: "us-ssn", type: "US_SSN", action: "redact", count: 1),
    ]
    entry.packHash = "580e3f7d5736a0c6d2f66f440ca394c625776c5fa502b0518dcde1b58cfd0771"
    entry.screenedAll = true
    entry.promptRedacted =
        "[messages[0].content] Please draft a reply to [EMAIL_ADDRESS_1] about case \(i); SSN [US_SSN_1]."
    entry.requestBytes = 312
    entry.fingerprints = [.init(type: "EMAIL_ADDRESS", hmac: "3f2a9c0d1e4b5a6978877665544332211")]
    return entry
}

func makeStore(_ dir: String, fsync: Bool) throws -> AuditLogStore {
    let (keys, _) = try LogKeyStore.loadOrCreate(directory: dir, origin: "bench.example/audit")
    return try AuditLogStore(
        configuration: AuditLogConfiguration(
            directory: dir, origin: "bench.example/audit", checkpointEvery: 10_000, fsync: fsync),
        signingKeys: keys)
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func benchAppend() async throws {
    let seconds = Double(option("seconds", "3")) ?? 3
    let writerCounts = option("writers", "1,8,64").split(separator: ",").compactMap { Int($0) }
    let base = option("dir", NSTemporaryDirectory() + "promptgate-bench-append")
    let sampleBytes = sampleEntry(0, writer: 0).promptRedacted!.utf8.count + 700
    print(
        "durable appends (write + fsync before acknowledging; group commit), \(seconds) s each, entries ~\(sampleBytes) bytes"
    )
    print("writers | appends/s | p50 ms | p99 ms")
    for writers in writerCounts {
        let rate = try await fileAppendRate(writers: writers, seconds: seconds, dir: base + "-\(writers)")
        print(String(format: "%7d | %9.0f | %6.2f | %6.2f", writers, rate.perSecond, rate.p50, rate.p99))
    }
}

func benchGenerate() async throws {
    let entries = Int(option("entries", "1000000")) ?? 1_000_000
    let dir = option("dir", "Benchmarks/out/log-1m")
    if !CommandLine.arguments.contains("--append") { try? FileManager.default.removeItem(atPath: dir) }
    let store = try makeStore(dir, fsync: false)
    let writers = min(64, entries)
    let started = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for w in 0..<writers {
            group.addTask {
                for i in stride(from: w, to: entries, by: writers) {
                    _ = try await store.append(sampleEntry(i, writer: w))
                }
            }
        }
        try await group.waitForAll()
    }
    try await store.close()
    let bytes = try LogSegments.list(directory: dir).reduce(0) {
        $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0)
    }
    print(
        "generated \(entries) entries, \(bytes) bytes in \(dir) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)"
    )
}

func run(_ arguments: [String]) -> (seconds: Double, status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    let started = Date()
    try? process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (Date().timeIntervalSince(started), process.terminationStatus, String(decoding: output, as: UTF8.self))
}

func benchVerify() throws {
    let dir = option("dir", "Benchmarks/out/log-1m")
    let tlogverify = option("tlogverify", ".build/tlogverify/bin/tlogverify")
    let runs = Int(option("runs", "3")) ?? 3
    let promptgate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "promptgate"
    ).path
    let segments = try LogSegments.list(directory: dir)
    let whole = dir + "/whole.log.tmp"
    if segments.count == 1 {
        try? FileManager.default.removeItem(atPath: whole)
        try FileManager.default.linkItem(atPath: segments[0], toPath: whole)
    } else {
        _ = FileManager.default.createFile(atPath: whole, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: whole))
        for s in segments { out.write(try Data(contentsOf: URL(fileURLWithPath: s))) }
        try out.close()
    }
    defer { try? FileManager.default.removeItem(atPath: whole) }
    let ours = [promptgate, "verify", "--data", dir, "--log", whole]
    let theirs = [
        tlogverify, "verify", "-log", whole, "-checkpoint", dir + "/checkpoint", "-key", "@" + dir + "/log.vkey",
    ]
    print(
        "verify the same log (\(segments.count) segment(s)), chain + Merkle root + signature, \(runs) runs each, wall seconds"
    )
    var best: [String: Double] = [:]
    for (name, command) in [("promptgate verify", ours), ("tlogverify verify", theirs)] {
        var times: [Double] = []
        for _ in 0..<runs {
            let result = run(command)
            guard result.status == 0 else {
                print("\(name) FAILED: \(result.output)")
                return
            }
            times.append(result.seconds)
        }
        best[name] = times.min()
        print(
            "\(name): " + times.map { String(format: "%.2f", $0) }.joined(separator: ", ")
                + "  (best \(String(format: "%.2f", times.min() ?? 0)))")
    }
    if let a = best["promptgate verify"], let b = best["tlogverify verify"] {
        print(String(format: "promptgate verify is %.1f× as fast as tlogverify (best of %d)", b / a, runs))
    }
}

/// Appends from several writers until killed, printing each acknowledged (durable) request id.
func crashWriter() async throws {
    let dir = option("dir", "")
    let writers = Int(option("writers", "16")) ?? 16
    signal(SIGTERM, SIG_IGN)  // handled below, once the store is open
    let store = try makeStore(dir, fsync: true)
    let run = Int(Date().timeIntervalSince1970 * 1000) % 1_000_000_000
    // SIGTERM closes the log cleanly (final checkpoint); SIGKILL is what the crash test sends.
    let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
    terminate.setEventHandler {
        Task {
            try? await store.close()
            exit(0)
        }
    }
    terminate.resume()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for w in 0..<writers {
            group.addTask {
                var i = 0
                while true {
                    var entry = sampleEntry(i, writer: w)
                    entry.requestID = "r\(run)-\(w)-\(i)"
                    do { _ = try await store.append(entry) } catch { return }  // closed by SIGTERM
                    FileHandle.standardOutput.write(Data("ack \(entry.requestID!)\n".utf8))
                    i += 1
                }
            }
        }
        try await group.waitForAll()
    }
    try await Task.sleep(for: .seconds(60))  // the SIGTERM handler exits once the final checkpoint is signed
}

switch CommandLine.arguments.dropFirst().first {
case "append": try await benchAppend()
case "append-postgres": try await benchPostgresAppend()
case "append-postgres-proxy": try await postgresAppendProxy()
case "generate": try await benchGenerate()
case "verify": try benchVerify()
case "crash-writer": try await crashWriter()
case "screen": try benchScreen()
case "proxy": try await benchProxy()
case "fsync": try benchFsync()
case "json": try benchJSON()
case "walk": try benchWalk()
default:
    print(
        "usage: promptgate-bench append|append-postgres|generate|verify|crash-writer|screen|proxy|fsync|json|walk [options]"
    )
    exit(2)
}
