import Crypto
import Foundation
import JSONCore
import TestSupport
import Testing

@testable import AuditLog

/// A log of entries by two users in two departments, signed, with a second checkpoint of a shorter tree.
private struct DisclosureFixture {
    let directory: String
    let key: LogSigningKey
    var lines: [[UInt8]] = []

    init(directory: String, count: Int = 40) throws {
        self.directory = directory
        self.key = try LogSigningKey(name: "city.example/prompt-audit", seed: [UInt8](repeating: 3, count: 32))
        var prev = String(repeating: "0", count: 64)
        for seq in 0..<count {
            let actor = seq % 3 == 0 ? "alice" : "bob"
            let dept = seq % 2 == 0 ? "parks" : "housing"
            let line = Array(
                #"{"v":1,"seq":\#(seq),"ts":"2026-11-\#(10 + seq / 4)T09:00:0\#(seq % 10)Z","event":"request.screened","actor":"\#(actor)","dept":"\#(dept)","prompt":"mail [EMAIL_1] about case \#(seq)","prev":"\#(prev)"}"#
                    .utf8)
            lines.append(line)
            prev = hexString(SHA256.hash(data: line))
        }
        try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: directory + "/audit.log"))
    }

    func note(size: Int? = nil) throws -> String {
        var tree = MerkleTree()
        for line in lines.prefix(size ?? lines.count) { tree.append(leafData: line) }
        return try Checkpoint(origin: key.name, size: tree.size, root: tree.root).signed(by: [key])
    }

    /// Makes a bundle for `request` in `out`.
    func disclose(_ request: DisclosureRequest, to out: String) throws -> DisclosureBundle {
        let (bundle, unsigned) = try DisclosureBundle.make(
            paths: [directory + "/audit.log"], checkpointNote: try note(), keys: [key.verifierKey], request: request)
        #expect(unsigned == 0)
        try bundle.write(to: out, key: key.verifierKey, readme: "README\n")
        return bundle
    }
}

private func mutate(_ path: String, _ change: (inout Data) -> Void) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    change(&data)
    try data.write(to: URL(fileURLWithPath: path))
}

private func failure(_ out: String, keys: [LogVerifierKey]) -> DisclosureFailure? {
    do {
        _ = try DisclosureBundle.verify(directory: out, keys: keys)
        return nil
    } catch {
        return error
    }
}

@Suite("AuditLog: records requests (disclosure bundles)")
struct DisclosureTests {
    @Test("the shared filter: user, department, and times as RFC 3339 text where a prefix works")
    func filter() throws {
        let entry = try JSONParser.parse(#"{"ts":"2026-11-29T10:00:00Z","actor":"alice","dept":"parks"}"#)
        #expect(EntryFilter(user: "alice").matches(entry))
        #expect(!EntryFilter(user: "bob").matches(entry))
        #expect(EntryFilter(since: "2026-11-29", until: "2026-11-30").matches(entry))
        #expect(!EntryFilter(until: "2026-11-29T10").matches(entry))
        #expect(!EntryFilter(user: "alice", department: "housing").matches(entry))
    }

    @Test("round trip: only the user's entries, each proven against the same checkpoint; files 0644, folders 0755")
    func roundTrip() throws {
        try withTemporaryDirectorySync { directory in
            let fixture = try DisclosureFixture(directory: directory)
            let out = directory + "/bundle"
            let bundle = try fixture.disclose(
                DisclosureRequest(user: "alice", since: "2026-11-11", until: "2026-11-19"), to: out)
            let expected = (0..<40).filter { $0 % 3 == 0 && $0 / 4 >= 1 && $0 / 4 < 9 }
            #expect(bundle.proofs.map(\.index) == expected)
            let verified = try DisclosureBundle.verify(directory: out, keys: [fixture.key.verifierKey])
            #expect(verified.proofs.map(\.index) == expected)
            #expect(verified.checkpoint.size == 40)
            #expect(verified.request.user == "alice")
            let jsonl = try String(contentsOfFile: out + "/entries.jsonl", encoding: .utf8)
            #expect(!jsonl.contains("\"bob\""))
            #expect(jsonl == expected.map { String(decoding: fixture.lines[$0], as: UTF8.self) + "\n" }.joined())
            let manager = FileManager.default
            for path in ["", "/entries"] {
                #expect(try manager.attributesOfItem(atPath: out + path)[.posixPermissions] as? Int == 0o755)
            }
            for path in ["README.txt", "checkpoint", "log.vkey", "entries.jsonl", "request.json", "entries/6.proof"] {
                #expect(try manager.attributesOfItem(atPath: out + "/" + path)[.posixPermissions] as? Int == 0o644)
            }
            // A department narrows it; a non-empty folder is never written into.
            let parks = try fixture.disclose(
                DisclosureRequest(user: "alice", department: "parks"), to: directory + "/p")
            #expect(parks.proofs.map(\.index) == (0..<40).filter { $0 % 6 == 0 })
            #expect(throws: AuditLogError.self) { try fixture.disclose(DisclosureRequest(user: "alice"), to: out) }
        }
    }

    @Test("an altered entry byte, in a proof or in entries.jsonl, fails naming the file")
    func alteredEntry() throws {
        try withTemporaryDirectorySync { directory in
            let fixture = try DisclosureFixture(directory: directory)
            let keys = [fixture.key.verifierKey]
            let out = directory + "/b"
            _ = try fixture.disclose(DisclosureRequest(user: "alice"), to: out)
            // The entry inside the proof: re-encode it with one byte changed.
            let path = out + "/entries/9.proof"
            let original = try String(contentsOfFile: path, encoding: .utf8)
            var proof = try EntryProofFile(text: original)
            proof.entry[proof.entry.count - 5] ^= 0x01
            try proof.text.write(toFile: path, atomically: true, encoding: .utf8)
            let failed = try #require(failure(out, keys: keys))
            #expect(failed.file == "entries/9.proof")
            #expect(failed.reason.contains("does NOT verify"))
            try original.write(toFile: path, atomically: true, encoding: .utf8)
            _ = try DisclosureBundle.verify(directory: out, keys: keys)

            // The readable copy.
            let jsonl = try String(contentsOfFile: out + "/entries.jsonl", encoding: .utf8)
            try jsonl.replacingOccurrences(of: "case 9", with: "case 8").write(
                toFile: out + "/entries.jsonl", atomically: true, encoding: .utf8)
            let copy = try #require(failure(out, keys: keys))
            #expect(copy.file == "entries.jsonl")
            #expect(copy.reason.contains("line 4 is not the entry proven in entries/9.proof"))
        }
    }

    @Test("a dropped proof, a swapped checkpoint, another user's entry added, a duplicate: each fails naming what")
    func tampering() throws {
        try withTemporaryDirectorySync { directory in
            let fixture = try DisclosureFixture(directory: directory)
            let keys = [fixture.key.verifierKey]
            let manager = FileManager.default

            // A dropped proof (and its JSON), even with entries.jsonl and request.json left as they were.
            let dropped = directory + "/dropped"
            _ = try fixture.disclose(DisclosureRequest(user: "alice"), to: dropped)
            try manager.removeItem(atPath: dropped + "/entries/6.proof")
            try manager.removeItem(atPath: dropped + "/entries/6.json")
            let drop = try #require(failure(dropped, keys: keys))
            #expect(drop.file == "entries/6.proof")
            #expect(drop.reason.contains("missing"))

            // A swapped checkpoint: a validly signed one of a shorter tree.
            let swapped = directory + "/swapped"
            _ = try fixture.disclose(DisclosureRequest(user: "alice"), to: swapped)
            try fixture.note(size: 30).write(toFile: swapped + "/checkpoint", atomically: true, encoding: .utf8)
            let swap = try #require(failure(swapped, keys: keys))
            #expect(swap.file == "request.json")
            #expect(swap.reason.contains("size 40"))
            // …and with request.json edited to match, the proofs are against another checkpoint.
            try mutate(swapped + "/request.json") { data in
                data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: ":40,", with: ":30,").utf8)
            }
            let swap2 = try #require(failure(swapped, keys: keys))
            #expect(swap2.file == "entries/0.proof")
            #expect(swap2.reason.contains("another checkpoint"))

            // Bob's entry (a genuine one, with a valid proof) added to alice's bundle, and listed in request.json.
            let added = directory + "/added"
            _ = try fixture.disclose(DisclosureRequest(user: "alice"), to: added)
            let bobs = directory + "/bob"
            _ = try fixture.disclose(DisclosureRequest(user: "bob"), to: bobs)
            try manager.copyItem(atPath: bobs + "/entries/1.proof", toPath: added + "/entries/1.proof")
            let extra = try #require(failure(added, keys: keys))
            #expect(extra.file == "entries/1.proof")
            #expect(extra.reason.contains("added"))
            try mutate(added + "/request.json") { data in
                data = Data(
                    String(decoding: data, as: UTF8.self).replacingOccurrences(of: "[0,", with: "[0,1,").utf8)
            }
            let other = try #require(failure(added, keys: keys))
            #expect(other.file == "entries/1.proof")
            #expect(other.reason.contains("not one the request asked for"))
            #expect(other.reason.contains("\"bob\""))

            // A line repeated in entries.jsonl.
            let repeated = directory + "/repeated"
            _ = try fixture.disclose(DisclosureRequest(user: "alice"), to: repeated)
            let jsonl = try String(contentsOfFile: repeated + "/entries.jsonl", encoding: .utf8)
            let first = jsonl.split(separator: "\n")[0]
            try (jsonl + first + "\n").write(toFile: repeated + "/entries.jsonl", atomically: true, encoding: .utf8)
            let dup = try #require(failure(repeated, keys: keys))
            #expect(dup.file == "entries.jsonl")
            #expect(dup.reason.contains("repeats line 1"))

            // Another key: the checkpoint is named.
            let stranger = try LogSigningKey(name: "city.example/prompt-audit", seed: [UInt8](repeating: 4, count: 32))
            let wrong = try #require(failure(repeated, keys: [stranger.verifierKey]))
            #expect(wrong.file == "checkpoint")
        }
    }

    @Test("the key's fingerprint: SHA-256 of its text in groups of four hex digits")
    func fingerprint() throws {
        let key = try LogSigningKey(name: "city.example/prompt-audit", seed: [UInt8](repeating: 3, count: 32))
        let print = DisclosureBundle.fingerprint(key.verifierKey)
        #expect(print.split(separator: " ").count == 16)
        #expect(
            print.replacingOccurrences(of: " ", with: "")
                == hexString(SHA256.hash(data: Array(key.verifierKey.text.utf8))))
    }
}
