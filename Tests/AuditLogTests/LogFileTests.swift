import Crypto
import Foundation
import TestSupport
import Testing

@testable import AuditLog
@testable import JSONCore

@Suite("AuditLog: line checks, proofs, segments, timer, rotation")
struct LogFileTests {
    static func check(_ text: String) -> LineCheck.Outcome {
        Array(text.utf8).withUnsafeBytes { LineCheck.check($0) }
    }

    static func check(bytes: [UInt8]) -> LineCheck.Outcome { bytes.withUnsafeBytes { LineCheck.check($0) } }

    @Test(
        "the line check agrees with the independent verifier's rules",
        arguments: [
            (#"{"a":1,"prev":"abc"}"#, "ok"),
            (#"{"a":{"prev":1},"prev":"abc"}"#, "ok"),
            (#" {"pr\u0065v":"abc"} "#, "ok"),
            (#"{"x":[1,2.5e-3,true,null,{"y":"\ud800"}],"prev":"abc"}"#, "ok"),
            (#"{"prev":"a","prev":"b"}"#, "duplicate"),
            (#"{"a":1}"#, "missing"),
            (#"{"PREV":"abc"}"#, "missing"),
            (#"{"prev":1}"#, "not a JSON string"),
            (#"{"prev":"abc"} x"#, "not valid JSON"),
            (#"{"prev":"abc",}"#, "not valid JSON"),
            (#"{"prev":01}"#, "not valid JSON"),
            (#"["prev"]"#, "not a JSON object"),
            (#"{"prev":"a\x"}"#, "not valid JSON"),
            ("", "not valid JSON"),
        ])
    func lineCheck(line: String, expected: String) {
        switch Self.check(line) {
        case .prev(let range, _):
            #expect(expected == "ok", "\(line) was accepted, expected \(expected)")
            #expect(Array(line.utf8)[range] == Array("abc".utf8)[...])
        case .failure(let why):
            #expect(why.contains(expected), "\(line): \(why)")
        }
    }

    @Test("invalid UTF-8 and raw control characters are refused")
    func lineCheckBytes() {
        #expect(
            Self.check(bytes: Array(#"{"prev":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
                == .failure("the line is not valid UTF-8"))
        #expect(
            Self.check(bytes: Array(#"{"prev":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8))
                == .failure("the line is not valid UTF-8"))
        if case .prev = Self.check(bytes: Array("{\"prev\":\"a\u{01}\"}".utf8)) {
            Issue.record("a raw control character was accepted")
        }
    }

    @Test("the line check and the full parser agree on 2,000 mutated lines")
    func lineCheckFuzz() {
        let base = Array(
            #"{"v":1,"seq":7,"event":"request.screened","findings":[{"rule":"r","count":2}],"prompt":"é [X_1]","prev":"00ff"}"#
                .utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var line = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                line[Int.random(in: 0..<line.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let fast = Self.check(bytes: line)
            let parsed = try? JSONParser.parse(line)
            if case .prev = fast {
                #expect(
                    parsed?["prev"]?.stringValue != nil || String(validating: line, as: UTF8.self) != nil, "\(line)")
            } else if let parsed, case .string? = parsed["prev"], parsed.isObject {
                // The full parser refuses lone surrogates; everything else it accepts, the fast check must accept.
                Issue.record("fast check refused a valid line: \(String(decoding: line, as: UTF8.self)) – \(fast)")
            }
        }
    }

    static func leaves(_ n: Int) -> [TreeHash] { (0..<n).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) } }

    @Test("inclusion proofs verify for every leaf of trees of size 1 to 40, and fail for another leaf")
    func inclusionProofs() throws {
        let all = Self.leaves(40)
        let builder = ProofBuilder(leaves: all)
        for size in 1...40 {
            let root = builder.root(0..<size)
            for index in 0..<size {
                let proof = try builder.inclusion(index: index, size: size)
                #expect(proof.verify(leafHash: all[index], root: root), "index \(index) size \(size)")
                #expect(
                    !proof.verify(leafHash: all[(index + 1) % 40], root: root)
                        || size == 1 && index == 0 && all.count == 1)
                #expect(try InclusionProof(json: proof.json) == proof)
            }
        }
    }

    @Test("consistency proofs verify for every pair of sizes up to 40, and fail against another root")
    func consistencyProofs() throws {
        let builder = ProofBuilder(leaves: Self.leaves(40))
        for new in 1...40 {
            for old in 1...new {
                let proof = try builder.consistency(oldSize: old, newSize: new)
                #expect(proof.verify(oldRoot: builder.root(0..<old), newRoot: builder.root(0..<new)), "\(old)→\(new)")
                if old < new {
                    var forked = Self.leaves(new)
                    forked[old - 1] = MerkleTree.leafHash(Array("rewritten".utf8))
                    #expect(
                        !proof.verify(
                            oldRoot: ProofBuilder(leaves: forked).root(0..<old), newRoot: builder.root(0..<new)))
                }
                #expect(try ConsistencyProof(json: proof.json) == proof)
            }
        }
    }

    @Test("the log rolls into segments; chain and tree continue across them; the folder verifies")
    func segments() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 7, segmentBytes: 2000)
            for i in 0..<60 {
                var entry = AuditEntry(event: .requestScreened)
                entry.note = "entry \(i) " + String(repeating: "x", count: 40)
                _ = try await store.append(entry)
            }
            try await store.close()
            let segments = try LogSegments.list(directory: directory)
            #expect(segments.count > 3)
            #expect(segments.last?.hasSuffix("/audit.log") == true)
            let report = try AuditLogTests.verify(directory)
            #expect(report.ok, "\(report.problems)")
            #expect(report.lines == 60)
            // Reopening continues the chain in the active segment.
            let again = try AuditLogTests.makeStore(directory, every: 7, segmentBytes: 2000)
            #expect(try await again.append(AuditEntry(event: .policyLoaded)).seq == 60)
            try await again.close()
            #expect(try AuditLogTests.verify(directory).ok)
        }
    }

    @Test("a checkpoint is signed on a timer when entries arrive more slowly than every N")
    func checkpointTimer() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 1000, interval: .milliseconds(50))
            await store.startCheckpointTimer()
            _ = try await store.append(AuditEntry(event: .policyLoaded))
            var waited = 0
            while !FileManager.default.fileExists(atPath: directory + "/checkpoints/1") && waited < 100 {
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            #expect(FileManager.default.fileExists(atPath: directory + "/checkpoints/1"))
            try await store.close()
        }
    }

    @Test(
        "key rotation: both keys sign during the overlap; each verifier key checks the checkpoint; retire drops the old"
    )
    func rotation() async throws {
        try await withTemporaryDirectory { directory in
            let (before, _) = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
            let new = try LogKeyStore.rotate(directory: directory)
            let (keys, outcome) = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
            #expect(outcome == .loaded && keys.count == 2 && keys[0].publicKey == new.publicKey)
            let store = try AuditLogStore(
                configuration: AuditLogConfiguration(directory: directory, origin: "test.example/log"),
                signingKeys: keys)
            _ = try await store.append(AuditEntry(event: .keyRotated))
            try await store.close()
            let note = try String(contentsOfFile: directory + "/checkpoint", encoding: .utf8)
            #expect(try Checkpoint.open(note: note, trusted: [before[0].verifierKey]).size == 1)
            #expect(try Checkpoint.open(note: note, trusted: [new.verifierKey]).size == 1)
            #expect(LogKeyStore.allVerifierKeys(directory: directory).count == 2)
            let retired = try LogKeyStore.retire(directory: directory)
            #expect(retired.map(\.publicKey) == [before[0].publicKey])
            #expect(try LogKeyStore.load(directory: directory)?.count == 1)
        }
    }
}
