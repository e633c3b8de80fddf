import Foundation
import TestSupport
import Testing

@testable import AuditLog

/// A log folder of `count` lines (`audit.log`, or rolled segments plus `audit.log`) and a key that signs it.
private struct TileFixture {
    let directory: String
    let key: LogSigningKey
    var lines: [[UInt8]] = []

    init(directory: String, count: Int) throws {
        self.directory = directory
        self.key = try LogSigningKey(name: "tiles.example/log", seed: [UInt8](repeating: 7, count: 32))
        try append(count)
    }

    static func line(_ i: Int) -> [UInt8] {
        Array(#"{"seq":\#(i),"event":"request.screened","n":"\#(i * 7919)"}"#.utf8)
    }

    /// Appends lines to `audit.log`.
    mutating func append(_ count: Int) throws {
        let new = (lines.count..<(lines.count + count)).map(Self.line)
        lines += new
        let handle =
            FileHandle(forWritingAtPath: directory + "/audit.log")
            ?? {
                _ = FileManager.default.createFile(atPath: directory + "/audit.log", contents: nil)
                return FileHandle(forWritingAtPath: directory + "/audit.log")!
            }()
        handle.seekToEndOfFile()
        handle.write(Data(new.flatMap { $0 + [0x0A] }))
        try handle.close()
    }

    /// Renames `audit.log` to a rolled segment, as the store does.
    func roll(firstSeq: Int) throws {
        try FileManager.default.moveItem(
            atPath: directory + "/audit.log", toPath: directory + "/" + LogSegments.rolledName(firstSeq: firstSeq))
    }

    func note(size: Int? = nil) throws -> String {
        var tree = MerkleTree()
        for line in lines.prefix(size ?? lines.count) { tree.append(leafData: line) }
        return try Checkpoint(origin: key.name, size: tree.size, root: tree.root).signed(by: [key])
    }

    func publish(to out: String, size: Int? = nil) throws -> TilePublisher.Report {
        let note = try note(size: size)
        let checkpoint = try Checkpoint.open(note: note, trusted: [key.verifierKey])
        var index = LogTileIndex(locations: [directory])
        return try TilePublisher.publish(
            checkpointNote: Array(note.utf8), checkpoint: checkpoint, index: &index, to: out)
    }
}

private func verifyFolder(_ folder: String, key: LogVerifierKey, earlier: [(String, Checkpoint)] = []) async throws
    -> TileVerificationReport
{
    let note = try String(contentsOfFile: folder + "/checkpoint", encoding: .utf8)
    let checkpoint = try Checkpoint.open(note: note, trusted: [key])
    return try await TileVerifier.verify(
        checkpoint: checkpoint, source: DirectoryTileSource(directory: folder),
        earlier: earlier.map { (label: $0.0, checkpoint: $0.1) })
}

private func flipByte(_ path: String, at offset: Int) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    data[offset] ^= 0x01
    try data.write(to: URL(fileURLWithPath: path))
}

@Suite("AuditLog: C2SP tlog-tiles, published trees and proofs that travel")
struct TilesTests {
    @Test("tile paths: N in x-prefixed 3-digit groups, .p/W for partial tiles, entries for bundles")
    func paths() {
        #expect(TileAddress(level: 0, index: 1_234_067).path == "tile/0/x001/x234/067")
        #expect(TileAddress(level: 3, index: 1_234_067, width: 1).path == "tile/3/x001/x234/067.p/1")
        #expect(TileAddress(level: nil, index: 5, width: 112).path == "tile/entries/005.p/112")
        #expect(TileAddress(level: 1, index: 999).path == "tile/1/999")
        #expect(TileAddress(level: 1, index: 1000).path == "tile/1/x001/000")
        for address in [
            TileAddress(level: 0, index: 0), TileAddress(level: 63, index: 1_234_067, width: 255),
            TileAddress(level: nil, index: 12_345_678, width: 3), TileAddress(level: 2, index: 1000, width: 9),
        ] {
            #expect(TileAddress(path: address.path) == address)
        }
    }

    @Test(
        "hostile or non-canonical paths are refused",
        arguments: [
            "", "checkpoint", "tile", "tile/", "tile/0", "tile/0/", "tile/0/000/", "/tile/0/000", "tile//000",
            "tile/0/../../log.key", "tile/0/..", "tile/../audit.log", "tile/00/000", "tile/64/000", "tile/-1/000",
            "tile/data/000", "tile/0/0000", "tile/0/00", "tile/0/x000/001", "tile/0/x01/000", "tile/0/001/000",
            "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/07", "tile/0/000.p/", "tile/0/000.p",
            "tile/0/000.p/5/x", "tile/entries/000.p/-1", "tile/0/%2e%2e", "tile/0/00a", "tile/0/000 ",
            "tile/0/x001/x002/x003/x004/x005/x006/007", "tile/entries/../../../etc/passwd", "tile/0/000\u{0}",
            "tile/+1/000", "tile/0/+00",
        ])
    func hostilePaths(path: String) {
        #expect(TileAddress(path: path) == nil, "\(path.debugDescription) must not parse")
    }

    @Test(
        "the tiles give the RFC 6962 root for sizes around every tile boundary",
        arguments: [
            0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 65535, 65536, 65537, 70000,
        ])
    func rootsFromTiles(size: Int) {
        var tree = MerkleTree()
        var levels = TileLevels()
        for i in 0..<size {
            let leaf = MerkleTree.leafHash(TileFixture.line(i))
            tree.append(leafHash: leaf)
            levels.append(leafHash: leaf)
        }
        #expect(levels.root(size: size) == tree.root)
        // Every published tile is there, and the tiles alone give the root.
        let tiles = TileAddress.hashTiles(treeSize: size)
        var read: [Int: [TreeHash]] = [:]
        for address in tiles {
            let bytes = levels.tile(address)
            #expect(bytes?.count == address.width * 32, "\(address.path)")
            read[address.level!, default: []] += TileLevels.hashes(ofTile: bytes ?? []) ?? []
        }
        #expect(TileLevels.root(size: size) { level, index in read[level]![index] } == tree.root)
    }

    @Test("the spec's examples: 70,000 entries and 256 entries")
    func specExamples() {
        let tiles = TileAddress.hashTiles(treeSize: 70000)
        #expect(tiles.filter { $0.level == 0 && $0.isFull }.count == 273)
        #expect(tiles.filter { $0.level == 0 && !$0.isFull }.map(\.width) == [112])
        #expect(tiles.filter { $0.level == 1 }.map(\.width) == [256, 17])
        #expect(tiles.filter { $0.level == 2 }.map(\.width) == [1])
        #expect(tiles.count == 277)
        #expect(TileAddress.hashTiles(treeSize: 256).map(\.path) == ["tile/0/000", "tile/1/000.p/1"])
        #expect(TileAddress.hashTiles(treeSize: 0).isEmpty)
        #expect(
            TileAddress.entryBundles(treeSize: 513).map(\.path) == [
                "tile/entries/000", "tile/entries/001", "tile/entries/002.p/1",
            ])
    }

    @Test("entry bundles: big-endian uint16 lengths; a short, long or overlong bundle is refused")
    func bundles() throws {
        let bytes = try EntryBundle.encode([Array("ab".utf8), [], Array(repeating: 0x41, count: 300)])
        #expect(Array(bytes.prefix(4)) == [0x00, 0x02, 0x61, 0x62])
        #expect(Array(bytes[4..<8]) == [0x00, 0x00, 0x01, 0x2C])
        #expect(try EntryBundle.decode(bytes, count: 3).get().map(\.count) == [2, 0, 300])
        #expect(throws: EntryBundle.BundleProblem.self) { try EntryBundle.decode(bytes, count: 2).get() }
        #expect(throws: EntryBundle.BundleProblem.self) { try EntryBundle.decode(bytes.dropLast(), count: 3).get() }
        #expect(throws: EntryBundle.BundleProblem.self) { try EntryBundle.decode(bytes + [0], count: 3).get() }
        #expect(throws: TileError.entryTooLarge(index: 11, bytes: 65536)) {
            try EntryBundle.encode([[1], Array(repeating: 0, count: 65536)], firstIndex: 10)
        }
    }

    @Test("publish writes the tree (0644 files, 0755 folders); it verifies from the tiles alone")
    func publishAndVerify() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory + "/data"
            let out = directory + "/pub"
            try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
            let fixture = try TileFixture(directory: log, count: 600)
            let report = try fixture.publish(to: out)
            #expect(report.size == 600)
            // Level 0: 000, 001, 002.p/88; level 1: 000.p/2; bundles: 000, 001, 002.p/88.
            #expect(report.written == 7)
            for path in ["tile/0/000", "tile/0/002.p/88", "tile/1/000.p/2", "tile/entries/002.p/88", "checkpoint"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + path)
                #expect(attributes[.posixPermissions] as? Int == 0o644, "\(path)")
            }
            for folder in ["tile", "tile/0", "tile/entries", "tile/0/002.p"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + folder)
                #expect(attributes[.posixPermissions] as? Int == 0o755, "\(folder)")
            }
            let verified = try await verifyFolder(out, key: fixture.key.verifierKey)
            #expect(verified.entriesChecked == 600)
            #expect(verified.checkpoint.size == 600)
            // The bundle holds the exact lines.
            let bundle = try Data(contentsOf: URL(fileURLWithPath: out + "/tile/entries/000"))
            #expect(
                try EntryBundle.decode(Array(bundle), count: 256).get().map(Array.init)
                    == Array(fixture.lines.prefix(256)))
        }
    }

    @Test("publishing again after growth writes only the new tiles; full tiles are never rewritten")
    func republish() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory + "/data"
            let out = directory + "/pub"
            try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
            var fixture = try TileFixture(directory: log, count: 300)
            #expect(try fixture.publish(to: out).written == 5)
            let again = try fixture.publish(to: out)
            #expect(again.written == 0)
            #expect(again.unchanged == 5)
            let full = out + "/tile/0/000"
            let before = try FileManager.default.attributesOfItem(atPath: full)[.modificationDate] as? Date
            // Grow across a segment roll: the index reads on from its byte offset.
            try fixture.roll(firstSeq: 1)
            try fixture.append(300)
            let grown = try fixture.publish(to: out)
            // New: tile/0/002.p/88, tile/1/000.p/2, tile/entries/001, tile/entries/002.p/88 (tile/0/001 too).
            #expect(grown.written == 5)
            #expect(grown.unchanged == 2)
            #expect(try FileManager.default.attributesOfItem(atPath: full)[.modificationDate] as? Date == before)
            _ = try await verifyFolder(out, key: fixture.key.verifierKey)
        }
    }

    @Test("a changed byte in a tile, a bundle or the checkpoint fails, naming what failed")
    func tampering() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory + "/data"
            try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
            let fixture = try TileFixture(directory: log, count: 600)
            let cases: [(path: String, offset: Int, names: String)] = [
                ("tile/0/001", 100, "tile/0/001"), ("tile/0/002.p/88", 5, "root computed from the tiles"),
                ("tile/1/000.p/2", 40, "root computed from the tiles"), ("tile/entries/001", 300, "tile/entries/001"),
                ("tile/entries/002.p/88", 1, "tile/entries/002.p/88"),
            ]
            for (n, item) in cases.enumerated() {
                let out = directory + "/pub\(n)"
                _ = try fixture.publish(to: out)
                try flipByte(out + "/" + item.path, at: item.offset)
                do {
                    _ = try await verifyFolder(out, key: fixture.key.verifierKey)
                    Issue.record("\(item.path): tampering was not detected")
                } catch let error as TileError {
                    #expect("\(error)".contains(item.names), "\(item.path): \(error)")
                }
            }
            // Publishing over a changed copy refuses instead of hiding it.
            let out = directory + "/pub0"
            #expect(throws: TileError.self) { try fixture.publish(to: out) }
            // A missing tile is named too.
            let missing = directory + "/missing"
            _ = try fixture.publish(to: missing)
            try FileManager.default.removeItem(atPath: missing + "/tile/0/000")
            await #expect(throws: TileError.notFound("tile/0/000")) {
                try await verifyFolder(missing, key: fixture.key.verifierKey)
            }
        }
    }

    @Test("an earlier checkpoint is checked against the published tree: a fork is named with both")
    func forkFromTiles() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory + "/data"
            try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
            let fixture = try TileFixture(directory: log, count: 700)
            let out = directory + "/pub"
            _ = try fixture.publish(to: out)
            let key = fixture.key.verifierKey
            for size in [1, 255, 256, 300, 512, 700] {
                let old = try Checkpoint.open(note: try fixture.note(size: size), trusted: [key])
                let report = try await verifyFolder(out, key: key, earlier: [("old-\(size)", old)])
                #expect(report.consistentWith == ["old-\(size)"])
            }
            // The operator signs another history of size 300.
            var forked = MerkleTree()
            for (i, line) in fixture.lines.prefix(300).enumerated() {
                forked.append(leafData: i == 42 ? [0x7B, 0x7D] : line)
            }
            let fork = Checkpoint(origin: key.name, size: 300, root: forked.root)
            await #expect {
                try await verifyFolder(out, key: key, earlier: [("kept.cp", fork)])
            } throws: { error in
                "\(error)".contains("FORK: kept.cp") && "\(error)".contains("published checkpoint (size 700")
            }
        }
    }

    @Test("the proxy's route serves the same bytes as publish, and nothing outside the tree")
    func server() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory + "/data"
            try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
            var fixture = try TileFixture(directory: log, count: 520)
            try String(try fixture.note()).write(toFile: log + "/checkpoint", atomically: true, encoding: .utf8)
            try "secret".write(toFile: log + "/log.key", atomically: true, encoding: .utf8)
            let out = directory + "/pub"
            _ = try fixture.publish(to: out)
            let server = LogTileServer(directory: log)
            for address in TileAddress.hashTiles(treeSize: 520) + TileAddress.entryBundles(treeSize: 520) {
                let served = try await server.resource(address.path)
                let file = try Data(contentsOf: URL(fileURLWithPath: out + "/" + address.path))
                #expect(served.bytes == Array(file), "\(address.path)")
                #expect(served.contentType == "application/octet-stream")
            }
            let checkpoint = try await server.resource("checkpoint")
            #expect(checkpoint.contentType == "text/plain; charset=utf-8")
            #expect(!checkpoint.immutable)
            // Smaller partial tiles of the same tree are fixed too: a client with an older checkpoint gets them.
            #expect(try await server.resource("tile/0/002.p/3").bytes.count == 96)
            for path in [
                "log.key", "../log.key", "tile/0/../../log.key", "tile/0/003", "tile/0/002.p/9",
                "tile/entries/002", "tile/1/000", "audit.log", "tile/0/002.p/09",
            ] {
                await #expect(throws: TileError.self, "\(path)") { try await server.resource(path) }
            }
            // The log grows and a new checkpoint is signed: the server reads on.
            try fixture.append(10)
            try String(try fixture.note()).write(toFile: log + "/checkpoint", atomically: true, encoding: .utf8)
            #expect(try await server.resource("tile/0/002.p/18").bytes.count == 18 * 32)
            // A log that no longer matches its checkpoint is not served: tiles already computed still match the
            // signed tree, but entries are read from the log and checked, and a new server computes nothing.
            try flipByte(log + "/audit.log", at: 3)
            await #expect(throws: TileError.self) { try await server.resource("tile/entries/000") }
            await #expect(throws: TileError.self) { try await LogTileServer(directory: log).resource("tile/0/000") }
        }
    }

    @Test("a proof that travels: round trip, and a changed byte anywhere fails naming what")
    func proofFile() throws {
        try withTemporaryDirectorySync { directory in
            let fixture = try TileFixture(directory: directory, count: 300)
            let witness = try CosignerKey(name: "witness.example/w1", seed: [UInt8](repeating: 9, count: 32))
            var note = try fixture.note()
            let body = String(note[..<note.range(of: "\n\n")!.lowerBound]) + "\n"
            note += try witness.cosign(body: body, time: 1_700_000_000)
            let leaves = fixture.lines.map { MerkleTree.leafHash($0) }
            let proof = try ProofBuilder(leaves: leaves).inclusion(index: 41, size: 300)
            let file = EntryProofFile(entry: fixture.lines[41], index: 41, hashes: proof.hashes, checkpointNote: note)
            let text = file.text
            #expect(text.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
            #expect(text.contains("\nindex 41\n"))
            let parsed = try EntryProofFile(text: text)
            #expect(parsed == file)
            let keys = [fixture.key.verifierKey]
            let verified = try parsed.verify(keys: keys, witnesses: [witness.verifierKey])
            #expect(verified.checkpoint.size == 300)
            #expect(verified.witnesses.map(\.name) == ["witness.example/w1"])
            #expect(
                try parsed.verify(keys: keys).unchecked == [
                    "witness.example/w1+" + hexString(witness.verifierKey.keyID)
                ])

            // Every byte changed (to another character of the same class) must fail.
            let bytes = Array(text.utf8)
            var failures: [String: Int] = [:]
            for i in bytes.indices {
                var changed = bytes
                changed[i] = Self.replacement(for: bytes[i])
                do {
                    let tampered = try EntryProofFile(text: String(decoding: changed, as: UTF8.self))
                    _ = try tampered.verify(keys: keys, witnesses: [witness.verifierKey])
                    Issue.record("byte \(i) (\(UnicodeScalar(bytes[i]))) changed: the proof still verifies")
                } catch {
                    let kind = "\(error)".prefix(40)
                    failures[String(kind), default: 0] += 1
                }
            }
            #expect(failures.values.reduce(0, +) == bytes.count)
            // The wrong key, and a proof for another line, fail with their own messages.
            let other = try LogSigningKey(name: fixture.key.name, seed: [UInt8](repeating: 8, count: 32))
            #expect(throws: AuditLogError.self) { try parsed.verify(keys: [other.verifierKey]) }
            var swapped = file
            swapped.entry = fixture.lines[42]
            #expect {
                try swapped.verify(keys: keys)
            } throws: { "\($0)".contains("inclusion proof does NOT verify") }
        }
    }

    /// Another byte of the same kind, so the text still looks like a proof.
    static func replacement(for byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x38, 0x41...0x59, 0x61...0x79: return byte + 1
        case 0x39: return 0x30
        case 0x5A, 0x7A: return byte - 1
        case 0x0A: return 0x20
        default: return byte ^ 0x01
        }
    }
}
