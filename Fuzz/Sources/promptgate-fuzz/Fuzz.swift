// libFuzzer entry point for PromptGate's parsers of untrusted input. FUZZ_TARGET picks the parser:
//
//   json        JSONCore's JSONParser.parse, and parse(serialize(v)) == v
//   providers   the request extractors (OpenAI chat, responses, embeddings, Anthropic messages, Ollama chat) fed the
//               parsed body, then rewritten with changed texts and extracted again
//   packs       Screening's PackLoader.load(bytes:origin:), and the Screener compiled from a pack that loads
//   screen      the Screener of the embedded packs over the input as prompt text (bytes, then as a String)
//   users       UserDirectory.load(path:) on a temporary file
//   registry    Registry.parse(bytes:origin:)
//   policy      DepartmentPolicies.load(path:packs:) on a temporary file, against the embedded packs
//   auditlog    LogVerifier.verify on the input as a log file (LineCheck on every line, the Merkle tree), and
//               LineCheck's verdict on line 1 against JSONParser's
//   checkpoint  Checkpoint(body:), Checkpoint.open(note:trusted:) as given and re-signed with a fixed trusted key
//   selftest    traps on an input starting with '!': checks that scripts/fuzz.sh reports a crash (not run by default)
//
// A thrown error is a normal outcome (the parsers refuse bad input); only crashes, traps, hangs, runaway memory and
// a broken invariant (`violated`, a trap) are findings.

import AuditLog
import Crypto
import Foundation
import JSONCore
import PromptGate
import Providers
import Screening

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count)
    switch Harness.shared.target {
    case .json: fuzzJSON(input)
    case .providers: fuzzProviders(input)
    case .packs: fuzzPacks(input)
    case .screen: fuzzScreen(input)
    case .users: fuzzUsers(input)
    case .registry: fuzzRegistry(input)
    case .policy: fuzzPolicy(input)
    case .auditlog: fuzzAuditLog(input)
    case .checkpoint: fuzzCheckpoint(input)
    case .selftest: if input.first == UInt8(ascii: "!") { violated("selftest: an input starting with '!'") }
    }
    return 0
}

enum Target: String, CaseIterable {
    case json, providers, packs, screen, users, registry, policy, auditlog, checkpoint, selftest
}

/// What every run of one process shares: the target, one scratch file, a fixed key, the embedded packs.
final class Harness: @unchecked Sendable {
    static let shared = Harness()

    let target: Target
    /// One scratch file per process, for the parsers that only read a path.
    let scratchPath: String
    /// A fixed signing key (seed 1…32) and its verifier key: the only key the checkpoint targets trust.
    let signingKey: LogSigningKey  // built from the same seed as signLine's key
    let verifierKey: LogVerifierKey
    /// Signed checkpoints (sizes 1 and 3, zero roots) the audit-log target verifies its input against.
    let logCheckpoints: [LogVerifier.CheckpointInput]
    let embeddedPacks: [GuidelinePack]
    let embeddedScreener: Screener

    private init() {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
        guard let target = Target(rawValue: name) else {
            FileHandle.standardError.write(
                Data(
                    "promptgate-fuzz: set FUZZ_TARGET to one of: \(Target.allCases.map(\.rawValue).joined(separator: ", "))\n"
                        .utf8))
            exit(2)
        }
        self.target = target
        let directory = NSTemporaryDirectory() + "promptgate-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        scratchPath = directory + "/input.yaml"
        do {
            let key = try LogSigningKey(name: "fuzz.example/log", seed: Array(1...32))
            signingKey = key
            verifierKey = key.verifierKey
            logCheckpoints = try [1, 3].map { size in
                let note = try Checkpoint(origin: key.name, size: size, root: TreeHash(repeating: 0, count: 32))
                    .signed(by: [key])
                return LogVerifier.CheckpointInput(label: "checkpoint-\(size)", note: note)
            }
            embeddedPacks = try GuidelineLoader.embedded()
            embeddedScreener = try Screener(packs: embeddedPacks)
        } catch {
            fatalError("promptgate-fuzz: setup failed: \(error)")
        }
    }

    /// Replaces the scratch file's content with `input` (one path per process, rewritten in place).
    func writeScratch(_ input: UnsafeRawBufferPointer) {
        let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { fatalError("promptgate-fuzz: cannot open \(scratchPath): errno \(errno)") }
        defer { close(fd) }
        var done = 0
        while done < input.count {
            let n = write(fd, input.baseAddress! + done, input.count - done)
            guard n > 0 else { fatalError("promptgate-fuzz: cannot write \(scratchPath): errno \(errno)") }
            done += n
        }
    }
}

/// A broken invariant: a finding, reported as a trap with the reason.
func violated(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("invariant violated: \(message())", file: file, line: line)
}

// MARK: - Request bodies

func fuzzJSON(_ input: UnsafeRawBufferPointer) {
    guard let value = try? JSONParser.parse(input) else { return }
    let written = value.serializedBytes()
    let again: JSONValue
    do {
        again = try JSONParser.parse(written)
    } catch {
        violated("the writer's output does not parse: \(error)")
    }
    if again != value { violated("parse(serialize(v)) != v") }
    if again.serializedBytes() != written { violated("serialize is not stable across a round trip") }
}

/// Each request extractor, with the name it is reported by.
let extractors: [(name: String, extract: @Sendable (JSONValue) throws(RequestDecodingError) -> ExtractedRequest)] = [
    ("OpenAIChat", OpenAIChat.extract),
    ("OpenAIResponses", OpenAIResponses.extract),
    ("OpenAIEmbeddings", OpenAIEmbeddings.extract),
    ("AnthropicMessages", AnthropicMessages.extract),
    ("OllamaChat", OllamaChat.extract),
]

func fuzzProviders(_ input: UnsafeRawBufferPointer) {
    guard let body = try? JSONParser.parse(input) else { return }
    for (name, extract) in extractors {
        guard let request = try? extract(body) else { continue }
        for slot in request.slots { _ = slot.location }
        // What the proxy does: every slot's text replaced (here by a marked copy), the body written and sent on.
        let texts = request.slots.enumerated().map { "[\($0.offset)]" + $0.element.text }
        let rewritten = request.rewritten(with: texts)
        let unchanged = request.rewritten(with: request.slots.map(\.text))
        if unchanged != body { violated("\(name): rewriting with the same texts changed the body") }
        let bytes = rewritten.serializedBytes()
        guard let reparsed = try? JSONParser.parse(bytes) else {
            violated("\(name): the rewritten body does not parse")
        }
        // The upstream sees the rewritten body: its texts must be the replacements, each where its original was.
        let again: ExtractedRequest
        do {
            again = try extract(reparsed)
        } catch {
            violated("\(name): the rewritten body is refused: \(error)")
        }
        if again.slots.map(\.path) != request.slots.map(\.path) {
            violated(
                "\(name): the rewritten body's slots moved: \(request.slots.map(\.location)) -> \(again.slots.map(\.location))"
            )
        }
        if again.slots.map(\.text) != texts {
            violated("\(name): the rewritten body does not hold the replacement texts")
        }
        if again.model != request.model || again.stream != request.stream {
            violated("\(name): model or stream changed")
        }
    }
}

// MARK: - Guideline packs, screening

func fuzzPacks(_ input: UnsafeRawBufferPointer) {
    guard let pack = try? PackLoader.load(bytes: Array(input), origin: "fuzz.yaml") else { return }
    // A pack that loads is compiled as the proxy would at start (Hyperscan: bad patterns must be refused, not crash)
    // and screens a fixed text.
    guard let screener = try? Screener(packs: [pack]) else { return }
    _ = try? screener.scan("Mail maria@example.org or call (617) 555-0134; SSN 078-05-1120, card 4111 1111 1111 1111.")
}

func fuzzScreen(_ input: UnsafeRawBufferPointer) {
    let screener = Harness.shared.embeddedScreener
    let findings = (try? screener.scan(bytes: input)) ?? []
    for finding in findings {
        if finding.start < 0 || finding.end > input.count || finding.start > finding.end {
            violated(
                "finding \(finding.ruleID) at \(finding.start)..<\(finding.end) is outside the \(input.count) bytes")
        }
    }
    _ = try? screener.scan(String(decoding: input, as: UTF8.self))
}

// MARK: - Users, registry, department policy (YAML)

func fuzzUsers(_ input: UnsafeRawBufferPointer) {
    Harness.shared.writeScratch(input)
    guard let directory = try? UserDirectory.load(path: Harness.shared.scratchPath) else { return }
    _ = directory.user(forKey: "pgk_fuzz")
}

func fuzzRegistry(_ input: UnsafeRawBufferPointer) {
    _ = try? Registry.parse(bytes: Array(input), origin: "fuzz.yaml")
}

func fuzzPolicy(_ input: UnsafeRawBufferPointer) {
    Harness.shared.writeScratch(input)
    _ = try? DepartmentPolicies.load(path: Harness.shared.scratchPath, packs: Harness.shared.embeddedPacks)
}

// MARK: - Audit log, checkpoints

func fuzzAuditLog(_ input: UnsafeRawBufferPointer) {
    let harness = Harness.shared
    harness.writeScratch(input)
    guard
        let report = try? LogVerifier.verify(
            logPath: harness.scratchPath, checkpoints: harness.logCheckpoints, keys: [harness.verifierKey])
    else { return }
    // LineCheck (the verifier's allocation-free scanner) against JSONParser on line 1: a line the strict parser
    // accepts (it also refuses duplicate keys and nesting deeper than 512) must not be called invalid JSON.
    let end = input.firstIndex(of: 0x0A) ?? input.count
    guard end > 0, let line1 = try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: input[..<end])) else { return }
    let prefix = "hash chain: line 1: "
    guard let problem = report.problems.first(where: { $0.hasPrefix(prefix) }) else { return }
    let why = problem.dropFirst(prefix.count)
    if why.hasPrefix("the line is not valid JSON") || why.hasPrefix("the line is not valid UTF-8") {
        violated("LineCheck calls line 1 invalid (\(why)) but JSONParser accepts it")
    }
    if line1.isObject == why.hasPrefix("the line is not a JSON object") {
        violated("LineCheck and JSONParser disagree on whether line 1 is an object: \(why)")
    }
}

func fuzzCheckpoint(_ input: UnsafeRawBufferPointer) {
    let harness = Harness.shared
    let text = String(decoding: input, as: UTF8.self)
    let trusted = [harness.verifierKey]
    if let checkpoint = try? Checkpoint(body: text) {
        // The canonical body of what was parsed parses to the same checkpoint.
        guard let again = try? Checkpoint(body: checkpoint.body) else {
            violated("a parsed checkpoint's body is refused")
        }
        if again != checkpoint { violated("Checkpoint(body: c.body) != c") }
        // Signed by the trusted key under its name, it opens to the same size and root.
        var named = checkpoint
        named.origin = harness.signingKey.name
        if let note = try? named.signed(by: [harness.signingKey]) {
            guard let opened = try? Checkpoint.open(note: note, trusted: trusted) else {
                violated("a note just signed does not open")
            }
            if opened != named { violated("open(sign(c)) != c") }
        }
    }
    // The input as a whole note: almost always refused at the signature.
    _ = try? Checkpoint.open(note: text, trusted: trusted)
    // The input's body re-signed by the trusted key, its own signature lines kept after ours: reaches the body
    // parser and the origin check behind the signature.
    if let separator = text.range(of: "\n\n", options: .backwards) {
        let body = String(text[..<separator.lowerBound]) + "\n"
        let rest = text[separator.upperBound...]
        if let signature = try? harness.signingKey.signLine(body) {
            _ = try? Checkpoint.open(note: body + "\n" + signature + rest, trusted: trusted)
        }
    }
}

extension LogSigningKey {
    /// The C2SP signature line this key adds to a note with `body`. `LogSigningKey.sign` is internal and
    /// `Checkpoint.signed` signs only canonical bodies, so the fixed seed signs here through swift-crypto.
    func signLine(_ body: String) throws -> String {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Array(1...32) as [UInt8])
        let signature = try key.signature(for: Array(body.utf8))
        return "\u{2014} \(name) \(Data(keyID + Array(signature)).base64EncodedString())\n"
    }
}
