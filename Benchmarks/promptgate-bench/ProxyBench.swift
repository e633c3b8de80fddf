import Foundation
import HTTPTypes
import JSONCore
import Transport

/// `promptgate-bench proxy --target NAME=BASEURL … [--concurrency 1,16,64] [--seconds S] [--rounds N] [--gap-ms G] [--key K] [--reset URL]`:
/// the same OpenAI chat request (with an e-mail address in it, so a screening proxy has work to do) against each
/// target — the upstream directly, PromptGate, LiteLLM — through libcurl, in the same run.
///
/// First, latency at concurrency 1, *interleaved*: each round sends one request to every target in turn, so slow
/// drifts of a shared machine (another VM, CPU frequency) hit all targets alike; it prints each target's p50/p99
/// and what it adds over the first target (the upstream directly), for whole answers and for the first streamed
/// byte. Then, per target and concurrency, requests/s and latency p50/p99 over `--seconds` (`--concurrency none`: skip).
func benchProxy() async throws {
    let args = CommandLine.arguments
    var targets: [(name: String, url: String)] = []
    for (i, arg) in args.enumerated() where arg == "--target" && i + 1 < args.count {
        let parts = args[i + 1].split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 { targets.append((parts[0], parts[1])) }
    }
    let levels = option("concurrency", "1,16,64").split(separator: ",").compactMap { Int($0) }
    let seconds = Double(option("seconds", "5")) ?? 5
    let model = option("model", "gpt-4o-mini")
    let key = option("key", "sk-bench")
    // llmock keeps every request it sees; clearing its log before each run keeps it equally fast for every target.
    let reset = option("reset", "")
    let client = CurlClient(configuration: TransportConfiguration(maxConnectionsPerHost: 128))
    func body(stream: Bool) -> [UInt8] {
        JSONValue.object([
            ("model", .string(model)), ("stream", .bool(stream)),
            (
                "messages",
                .array([
                    .object([
                        ("role", .string("user")),
                        (
                            "content",
                            .string(
                                "Summarise the permit rules for a backyard deck in plain language. Reply to maria.gonzalez@example.org."
                            )
                        ),
                    ])
                ])
            ),
        ]).serializedBytes()
    }
    func request(_ url: String, stream: Bool) -> HTTPClientRequest {
        HTTPClientRequest(
            method: "POST", url: url + "/chat/completions",
            headers: [.contentType: "application/json", .authorization: "Bearer \(key)"],
            body: body(stream: stream))
    }
    func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    let rounds = Int(option("rounds", "2000")) ?? 2000
    // A pause after each request (an employee's pace rather than back to back): work a proxy does after its answer
    // (PromptGate appends the answer's audit entry then) is then not counted against the next target's request.
    let gap = Int(option("gap-ms", "0")) ?? 0
    for target in targets {
        for _ in 0..<50 {  // warm up connections and caches
            _ = try await client.execute(request(target.url, stream: false)).body.collect(upTo: 1 << 20)
        }
    }
    for stream in [false, true] {
        if !reset.isEmpty {
            _ = try await client.execute(HTTPClientRequest(method: "POST", url: reset)).body.collect(upTo: 1 << 16)
        }
        var samples = Array(repeating: [Double](), count: targets.count)
        for _ in 0..<(stream ? rounds / 4 : rounds) {
            for (index, target) in targets.enumerated() {
                let t = ContinuousClock.now
                let response = try await client.execute(request(target.url, stream: stream))
                guard response.status == 200 else { throw TransportError.receiveFailed("status \(response.status)") }
                var iterator = response.body.makeAsyncIterator()
                _ = try await iterator.next()
                if stream { samples[index].append(milliseconds(.now - t)) }
                while try await iterator.next() != nil {}
                if !stream { samples[index].append(milliseconds(.now - t)) }
                if gap > 0 { try await Task.sleep(for: .milliseconds(gap)) }
            }
        }
        let sorted = samples.map { $0.sorted() }
        for (index, target) in targets.enumerated() {
            let (p50, p99) = (percentile(sorted[index], 0.5), percentile(sorted[index], 0.99))
            let (base50, base99) = (percentile(sorted[0], 0.5), percentile(sorted[0], 0.99))
            let prefix = stream ? "ttft_" : ""
            print(
                JSONValue.object([
                    ("target", .string(target.name)), ("interleaved", .bool(true)), ("gap_ms", .int(gap)),
                    ("stream", .bool(stream)),
                    ("requests", .int(sorted[index].count)),
                    (prefix + "p50_ms", .number(String(format: "%.3f", p50))),
                    (prefix + "p99_ms", .number(String(format: "%.3f", p99))),
                    ("added_p50_ms", .number(String(format: "%.3f", p50 - base50))),
                    ("added_p99_ms", .number(String(format: "%.3f", p99 - base99))),
                ]).serialized())
        }
    }

    for target in targets {
        for _ in 0..<10 {  // warm up connections and caches
            _ = try await client.execute(request(target.url, stream: false)).body.collect(upTo: 1 << 20)
        }
        for level in levels {
            if !reset.isEmpty {
                _ = try await client.execute(HTTPClientRequest(method: "POST", url: reset)).body.collect(upTo: 1 << 16)
            }
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            let started = ContinuousClock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<level {
                    group.addTask {
                        var mine: [Double] = []
                        while ContinuousClock.now < deadline {
                            let t = ContinuousClock.now
                            let response = try await client.execute(request(target.url, stream: false))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            guard response.status == 200 else {
                                throw TransportError.receiveFailed("status \(response.status)")
                            }
                            mine.append(milliseconds(.now - t))
                        }
                        return mine
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all.sorted()
            }
            let elapsed = milliseconds(.now - started) / 1000
            print(
                JSONValue.object([
                    ("target", .string(target.name)), ("concurrency", .int(level)), ("requests", .int(latencies.count)),
                    ("rps", .number(String(format: "%.0f", Double(latencies.count) / elapsed))),
                    ("p50_ms", .number(String(format: "%.3f", percentile(latencies, 0.5)))),
                    ("p99_ms", .number(String(format: "%.3f", percentile(latencies, 0.99)))),
                ]).serialized())
        }
    }
}
