import Foundation
import JSONCore
import PromptGate
import Screening

/// `promptgate-bench screen --corpus FILE [--megabytes N] [--guidelines DIR]`: screening throughput on one core
/// with every default pack (or the packs in DIR), over the corpus's texts cut into 10 KB prompts, and the median latency of one 1 KB, 10 KB and 100 KB
/// prompt. Prints one JSON line in the same shape as `Benchmarks/eval/run_presidio.py`, so the two compare.
func benchScreen() throws {
    let corpusPath = option("corpus", "Benchmarks/eval/corpus.jsonl")
    let megabytes = Int(option("megabytes", "64")) ?? 64
    guard let data = FileManager.default.contents(atPath: corpusPath) else {
        print("cannot read \(corpusPath)")
        exit(2)
    }
    var texts: [String] = []
    for line in data.split(separator: 0x0A) where !line.isEmpty {
        if let text = try JSONParser.parse(Array(line))["text"]?.stringValue { texts.append(text) }
    }
    let joined = Array(texts.joined(separator: "\n").utf8)
    let started = ContinuousClock.now
    let folder = option("guidelines", "")
    // `--only RULE,…` keeps just those rules (to profile one).
    let only = Set(option("only", "").split(separator: ",").map(String.init))
    let screener = try Screener(
        packs: try GuidelineLoader.load(folder: folder.isEmpty ? nil : folder).map { pack in
            var pack = pack
            if !only.isEmpty { pack.rules = pack.rules.filter { only.contains($0.id) } }
            return pack
        })
    let compile = ContinuousClock.now - started
    if CommandLine.arguments.contains("--pattern-pass") {
        return try benchPatternPass(screener.rules, joined)
    }

    func slice(_ size: Int, at offset: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(size)
        var i = offset % joined.count
        while out.count < size {
            let take = min(size - out.count, joined.count - i)
            out += joined[i..<(i + take)]
            i = 0
        }
        return out
    }

    // Warm up, then throughput over 10 KB prompts.
    _ = try slice(10_000, at: 0).withUnsafeBytes { try screener.scan(bytes: $0) }
    let prompts = (0..<64).map { slice(10_000, at: $0 * 7_919) }
    // In eight rounds, so the figure of the fastest and of the median round can be told apart from the whole: this
    // machine's speed drifts by up to 2× within minutes, and a round shows whether it drifted during the run.
    var scanned = 0
    var findings = 0
    var rounds: [Double] = []
    let clock = ContinuousClock.now
    for round in 1...8 {
        let roundStart = (ContinuousClock.now, scanned)
        while scanned < megabytes * 1_000_000 * round / 8 {
            for prompt in prompts {
                findings += try prompt.withUnsafeBytes { try screener.scan(bytes: $0) }.count
                scanned += prompt.count
            }
        }
        rounds.append(Double(scanned - roundStart.1) / (milliseconds(ContinuousClock.now - roundStart.0) / 1000) / 1e6)
    }
    let elapsed = milliseconds(ContinuousClock.now - clock) / 1000
    rounds.sort()
    var latency: [(String, JSONValue)] = []
    for size in [1_000, 10_000, 100_000] {
        let runs = size == 100_000 ? 50 : 500
        var samples: [Double] = []
        for run in 0..<runs {
            let prompt = slice(size, at: run * 104_729)
            let t = ContinuousClock.now
            _ = try prompt.withUnsafeBytes { try screener.scan(bytes: $0) }
            samples.append(milliseconds(ContinuousClock.now - t))
        }
        samples.sort()
        latency.append(("\(size / 1000)KB_ms", .number(String(format: "%.4f", samples[samples.count / 2]))))
    }
    let result: [(String, JSONValue)] = [
        ("engine", .string("promptgate")), ("rules", .int(screener.rules.count)), ("bytes", .int(scanned)),
        ("findings", .int(findings)), ("seconds", .number(String(format: "%.3f", elapsed))),
        ("MB_per_s", .number(String(format: "%.2f", Double(scanned) / elapsed / 1e6))),
        (
            "rounds_MB_per_s",
            .object([
                ("slowest", .number(String(format: "%.1f", rounds[0]))),
                ("median", .number(String(format: "%.1f", (rounds[3] + rounds[4]) / 2))),
                ("fastest", .number(String(format: "%.1f", rounds[7]))),
            ])
        ),
        ("compile_s", .number(String(format: "%.2f", milliseconds(compile) / 1000))),
    ]
    print(JSONValue.object(result + latency).serialized())

    // `--per-rule`: each rule alone on the same prompts (its patterns, validator and context), slowest first — where
    // the time of the whole goes. The rules' times add up to more than the whole: each pays the scan's fixed cost.
    guard CommandLine.arguments.contains("--per-rule") else { return }
    let packs = try GuidelineLoader.load(folder: folder.isEmpty ? nil : folder)
    var costs: [(rule: String, seconds: Double)] = []
    func time(_ pack: GuidelinePack, _ rule: Rule, _ name: String) throws {
        var single = pack
        single.rules = [rule]
        let alone = try Screener(packs: [single])
        let t = ContinuousClock.now
        for prompt in prompts.prefix(32) { _ = try prompt.withUnsafeBytes { try alone.scan(bytes: $0) } }
        costs.append((name, milliseconds(ContinuousClock.now - t) / 1000))
    }
    for pack in packs {
        for rule in pack.rules {
            try time(pack, rule, rule.id)
            // With more than one pattern, each pattern on its own too (`rule#index`).
            for (index, pattern) in rule.patterns.enumerated() where rule.patterns.count > 1 {
                var one = rule
                one.patterns = [pattern]
                try time(pack, one, "\(rule.id)#\(index)")
            }
        }
    }
    for (rule, seconds) in costs.sorted(by: { $0.seconds > $1.seconds }) {
        print(
            JSONValue.object([
                ("rule", .string(rule)), ("MB_per_s", .number(String(format: "%.1f", 0.32 / seconds))),
            ]).serialized())
    }
}

/// `--pattern-pass`: the Hyperscan pass alone (the prefilter and the confirmations of what it reports), as the
/// screener compiles it from the same rules, over the same 10 KB prompts of the raw text, and (`unshared`) with
/// every pattern in its own prefilter entry: MB/s of the fastest and the median of 16 interleaved rounds each (this
/// machine's speed drifts; the fastest round is the least disturbed), and the matches.
func benchPatternPass(_ rules: [Rule], _ joined: [UInt8]) throws {
    var patterns: [(expression: String, caseInsensitive: Bool, window: Bool)] = []
    var keywords: [[String]] = []
    for rule in rules {
        for pattern in rule.patterns {
            patterns.append((pattern, rule.caseInsensitive, rule.validator == "person-name"))
            keywords.append(rule.keywords)
        }
    }
    let databases = [
        ("shared", try PatternDatabase.make(patterns: patterns, keywords: keywords)),
        ("unshared", try PatternDatabase.make(patterns: patterns, keywords: keywords, sharing: false)),
    ]
    let prompts = (0..<32).map { index in
        (0..<10_000).map { joined[(index * 7_919 + $0) % joined.count] }
    }
    var rounds = databases.map { _ in [Double]() }
    var matches = databases.map { _ in 0 }
    for _ in 0..<16 {
        for (index, (_, database)) in databases.enumerated() {
            matches[index] = 0
            let start = ContinuousClock.now
            for prompt in prompts { matches[index] += try prompt.withUnsafeBytes { try database.scan($0) }.count }
            let seconds = milliseconds(ContinuousClock.now - start) / 1000
            rounds[index].append(Double(prompts.count * 10_000) / seconds / 1e6)
        }
    }
    for (index, (name, _)) in databases.enumerated() {
        let sorted = rounds[index].sorted()
        print(
            JSONValue.object([
                ("pattern_pass", .string(name)), ("MB_per_s_fastest", .number(String(format: "%.1f", sorted[15]))),
                ("median", .number(String(format: "%.1f", (sorted[7] + sorted[8]) / 2))),
                ("matches", .int(matches[index])),
            ]).serialized())
    }
}
