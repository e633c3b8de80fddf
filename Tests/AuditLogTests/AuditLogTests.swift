import Crypto
import Foundation
import TestSupport
import Testing

@testable import AuditLog

/// The independent verifier's own example, next to a clone only in CI.
private let sharedVerifierExample = repositoryRoot + "/../shared/tools/tlogverify/example/ex.cp"

@Suite("AuditLog: tree, checkpoints, keys, store and verifier")
struct AuditLogTests {
    static let example = repositoryRoot + "/fixtures/tlog-example"

    static func lines(_ path: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Array($0) }
    }

    /// MTH per RFC 6962 §2.1, written the slow recursive way.
    static func naiveRoot(_ leaves: ArraySlice<[UInt8]>) -> TreeHash {
        if leaves.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        if leaves.count == 1 { return Array(SHA256.hash(data: [0] + leaves.first!)) }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let left = naiveRoot(leaves.prefix(k))
        let right = naiveRoot(leaves.dropFirst(k))
        return Array(SHA256.hash(data: [1] + left + right))
    }

    @Test("the worked example: our root and signature check match the independent tool's bytes")
    func workedExample() throws {
        let vkey = try String(contentsOfFile: Self.example + "/ex.vkey", encoding: .utf8)
        let key = try LogVerifierKey(text: vkey)
        #expect(key.text == vkey.trimmingCharacters(in: .whitespacesAndNewlines))
        let note = try String(contentsOfFile: Self.example + "/ex.cp", encoding: .utf8)
        let checkpoint = try Checkpoint.open(note: note, trusted: [key])
        #expect(checkpoint.size == 3)
        var tree = MerkleTree()
        for line in try Self.lines(Self.example + "/ex.jsonl") { tree.append(leafData: line) }
        #expect(tree.root == checkpoint.root)
        #expect(Data(tree.root).base64EncodedString() == "5X2tsWeYOtnKFNDPZhujzVrjk58DRR5/F0mLe4iXTe4=")
    }

    @Test("the worked example's hash chain and checkpoint verify end to end; a changed byte is caught at the next line")
    func workedExampleChain() throws {
        let key = try LogKeyStore.verifierKey(argument: "@" + Self.example + "/ex.vkey")
        let note = try String(contentsOfFile: Self.example + "/ex.cp", encoding: .utf8)
        let report = try LogVerifier.verify(
            logPath: Self.example + "/ex.jsonl", checkpoints: [.init(label: "ex.cp", note: note)], keys: [key])
        #expect(report.ok, "\(report.problems)")
        #expect(report.lines == 3)
        // Line 2's prev is SHA-256 of line 1, as hex.
        let lines = try Self.lines(Self.example + "/ex.jsonl")
        let digest = SHA256.hash(data: lines[0]).map { String(format: "%02x", $0) }.joined()
        #expect(String(decoding: lines[1], as: UTF8.self).contains("\"prev\":\"\(digest)\""))

        try withTemporaryDirectorySync { directory in
            var changed = lines
            changed[0][10] ^= 0x01
            try Data(changed.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: directory + "/ex.jsonl"))
            let bad = try LogVerifier.verify(
                logPath: directory + "/ex.jsonl", checkpoints: [.init(label: "ex.cp", note: note)], keys: [key])
            #expect(!bad.ok)
            #expect(bad.firstFailingLine == 2)
        }
    }

    @Test(
        "the fixtures copy equals the verifier's own example, where ../shared is next to this clone (CI)",
        .enabled(
            if: FileManager.default.fileExists(atPath: sharedVerifierExample), "../shared is not next to this clone"))
    func sharedExample() throws {
        #expect(
            try String(contentsOfFile: sharedVerifierExample, encoding: .utf8)
                == String(contentsOfFile: Self.example + "/ex.cp", encoding: .utf8))
    }

    @Test("the incremental tree equals the recursive definition for sizes 0 to 130")
    func incrementalTree() {
        let leaves = (0..<130).map { Array("leaf \($0)".utf8) }
        var tree = MerkleTree()
        #expect(tree.root == Self.naiveRoot([]))
        for (i, leaf) in leaves.enumerated() {
            tree.append(leafData: leaf)
            #expect(tree.root == Self.naiveRoot(leaves[0...i]), "size \(i + 1)")
        }
    }

    @Test("keys: text formats round trip, key ids follow the note spec, signatures verify and catch changes")
    func keysAndNotes() throws {
        let key = try LogSigningKey(generatingFor: "city.example/audit")
        let reread = try LogSigningKey(signerKey: key.signerKeyText)
        #expect(reread.publicKey == key.publicKey)
        let expectedID = Array(
            SHA256.hash(data: Array("city.example/audit".utf8) + [0x0A, 0x01] + key.publicKey).prefix(4))
        #expect(key.keyID == expectedID)
        let verifier = try LogVerifierKey(text: key.verifierKey.text)

        let checkpoint = Checkpoint(origin: "city.example/audit", size: 7, root: Array(repeating: 0xAB, count: 32))
        let note = try checkpoint.signed(by: [key])
        #expect(try Checkpoint.open(note: note, trusted: [verifier]) == checkpoint)

        let altered = note.replacingOccurrences(of: "\n7\n", with: "\n8\n")
        #expect(throws: AuditLogError.self) { try Checkpoint.open(note: altered, trusted: [verifier]) }

        let other = try LogSigningKey(generatingFor: "city.example/audit")
        #expect(throws: AuditLogError.self) {
            try Checkpoint.open(note: try checkpoint.signed(by: [other]), trusted: [verifier])
        }
        // Rotation: a note signed by old and new keys opens with either.
        let both = try checkpoint.signed(by: [key, other])
        #expect(try Checkpoint.open(note: both, trusted: [other.verifierKey]) == checkpoint)
        #expect(try Checkpoint.open(note: both, trusted: [verifier]) == checkpoint)
    }

    @Test("a known seed gives the same verifier key as tlogverify's keygen format")
    func seedVector() throws {
        let key = try LogSigningKey(name: "example.city/prompt-audit", seed: Array(repeating: 7, count: 32))
        let text = key.verifierKey.text
        #expect(text.hasPrefix("example.city/prompt-audit+"))
        #expect(try LogVerifierKey(text: text) == key.verifierKey)
    }

    static func makeStore(
        _ directory: String, every: Int = 10, segmentBytes: Int = 256 << 20, interval: Duration? = nil
    ) throws -> AuditLogStore {
        let (keys, _) = try LogKeyStore.loadOrCreate(directory: directory, origin: "test.example/log")
        return try AuditLogStore(
            configuration: AuditLogConfiguration(
                directory: directory, origin: "test.example/log", checkpointEvery: every, checkpointInterval: interval,
                maxSegmentBytes: segmentBytes),
            signingKeys: keys)
    }

    static func verify(_ directory: String, log: String? = nil) throws -> VerificationReport {
        let key = try LogKeyStore.verifierKey(argument: "@" + directory + "/log.vkey")
        let note = try String(contentsOfFile: directory + "/checkpoint", encoding: .utf8)
        return try LogVerifier.verify(
            logPaths: try log.map { [$0] } ?? LogSegments.list(directory: directory),
            checkpoints: [.init(label: "checkpoint", note: note)], keys: [key])
    }

    @Test("64 concurrent writers: every entry durable, chained, and verified")
    func concurrentAppends() async throws {
        try await withTemporaryDirectory { directory in
            let store = try Self.makeStore(directory, every: 50)
            let receipts = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<64 {
                    group.addTask {
                        var last = -1
                        for i in 0..<10 {
                            var entry = AuditEntry(event: .requestScreened)
                            entry.requestID = "w\(writer)-\(i)"
                            last = try await store.append(entry).seq
                        }
                        return last
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(receipts.count == 64)
            try await store.close()
            let report = try Self.verify(directory)
            #expect(report.ok, "\(report.problems)")
            #expect(report.lines == 640)
            #expect(report.verified.last?.size == 640)
            let history = try FileManager.default.contentsOfDirectory(atPath: directory + "/checkpoints")
            #expect(history.count >= 2, "checkpoints every 50 entries and at close: \(history)")
        }
    }

    @Test("files are private: log and keys 0600, folder 0700")
    func fileModes() async throws {
        try await withTemporaryDirectory { parent in
            let directory = parent + "/data"
            let store = try Self.makeStore(directory)
            _ = try await store.append(AuditEntry(event: .policyLoaded))
            try await store.close()
            func mode(_ path: String) throws -> Int {
                (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
            }
            #expect(try mode(directory) == 0o700)
            #expect(try mode(directory + "/audit.log") == 0o600)
            #expect(try mode(directory + "/log.key") == 0o600)
            #expect(try mode(directory + "/checkpoint") == 0o600)
        }
    }

    @Test("a second writer on the same log is refused with a clear message")
    func lock() async throws {
        try await withTemporaryDirectory { directory in
            let store = try Self.makeStore(directory)
            do {
                _ = try Self.makeStore(directory)
                Issue.record("a second writer was accepted")
            } catch let error as AuditLogError {
                #expect(error.description.contains("another PromptGate process is writing"))
            }
            try await store.close()
        }
    }

    @Test("a torn last line is set aside, recorded, and the log still verifies")
    func tornTail() async throws {
        try await withTemporaryDirectory { directory in
            do {
                let store = try Self.makeStore(directory)
                for _ in 0..<3 { _ = try await store.append(AuditEntry(event: .requestScreened)) }
                try await store.close()
            }
            let torn = Array(#"{"v":1,"seq":3,"event":"request.scr"#.utf8)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/audit.log"))
            try handle.seekToEnd()
            try handle.write(contentsOf: torn)
            try handle.close()

            let store = try Self.makeStore(directory)
            let recovery = try #require(await store.recovery)
            #expect(recovery.bytes == torn.count)
            #expect(try Data(contentsOf: URL(fileURLWithPath: recovery.savedTo)) == Data(torn))
            var entry = AuditEntry(event: .logRecovered)
            entry.note = "torn line moved"
            #expect(try await store.append(entry).seq == 3)
            try await store.close()
            let report = try Self.verify(directory)
            #expect(report.ok, "\(report.problems)")
            #expect(report.lines == 4)
        }
    }

    @Test(
        "tampering is caught at the first line it breaks",
        arguments: [
            ("change a byte of line 5", 6),
            ("delete line 5", 5),
            ("swap lines 5 and 6", 5),
            ("cut the tail below the checkpoint", 9),
            ("rewrite line 5 and recompute the chain", 0),
        ])
    func tampering(what: String, firstLine: Int) async throws {
        try await withTemporaryDirectory { directory in
            let store = try Self.makeStore(directory, every: 1000)
            for i in 0..<10 {
                var entry = AuditEntry(event: .requestScreened)
                entry.requestID = "r\(i)"
                _ = try await store.append(entry)
            }
            try await store.close()
            var lines = try Self.lines(directory + "/audit.log")
            switch what {
            case "change a byte of line 5": lines[4][lines[4].firstIndex(of: UInt8(ascii: "r"))!] = UInt8(ascii: "R")
            case "delete line 5": lines.remove(at: 4)
            case "swap lines 5 and 6": lines.swapAt(4, 5)
            case "cut the tail below the checkpoint": lines.removeLast(2)
            default:
                lines[4] = Array(
                    String(decoding: lines[4], as: UTF8.self).replacingOccurrences(of: "\"r4\"", with: "\"r9\"").utf8)
                for i in 5..<lines.count {
                    let prev = Data(SHA256.hash(data: lines[i - 1])).map { String(format: "%02x", $0) }.joined()
                    var text = String(decoding: lines[i], as: UTF8.self)
                    text = String(text[..<text.range(of: "\"prev\":\"")!.upperBound]) + prev + "\"}"
                    lines[i] = Array(text.utf8)
                }
            }
            let tampered = directory + "/tampered.log"
            try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: tampered))
            let report = try Self.verify(directory, log: tampered)
            #expect(!report.ok)
            if firstLine > 0 {
                #expect(report.firstFailingLine == firstLine, "\(report.problems)")
            } else {
                // A recomputed chain links, but the signed root does not match.
                #expect(report.problems.contains { $0.contains("Merkle root") })
            }
        }
    }

    @Test("bad verifier input is a clear error, never a crash")
    func badInput() async throws {
        #expect(throws: AuditLogError.self) { try LogVerifierKey(text: "not a key") }
        #expect(throws: AuditLogError.self) { try Checkpoint.open(note: "garbage", trusted: []) }
        #expect(throws: AuditLogError.self) { try Checkpoint(body: "origin\n01\nAAAA\n") }
        try await withTemporaryDirectory { directory in
            let store = try Self.makeStore(directory)
            _ = try await store.append(AuditEntry(event: .policyLoaded))
            try await store.close()
            try Data().write(to: URL(fileURLWithPath: directory + "/empty.log"))
            let report = try Self.verify(directory, log: directory + "/empty.log")
            #expect(!report.ok)
            #expect(report.firstFailingLine == 1)
        }
    }
}
