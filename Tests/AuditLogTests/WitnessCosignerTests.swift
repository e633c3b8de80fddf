import Foundation
import TestSupport
import Testing

@testable import AuditLog

@Suite("AuditLog: the witness's add-checkpoint (C2SP tlog-witness)")
struct WitnessCosignerTests {
    static let origin = "log.example/pg"
    static let logKey = try! LogSigningKey(name: origin, seed: Array(repeating: 3, count: 32))
    static let witnessKey = try! CosignerKey(name: "w1.example/witness", seed: Array(repeating: 7, count: 32))

    /// A log of `count` entries whose entries are `"<prefix> <i>"`.
    static func leaves(_ count: Int, prefix: String = "entry") -> [TreeHash] {
        (0..<count).map { MerkleTree.leafHash(Array("\(prefix) \($0)".utf8)) }
    }

    /// The signed note of the tree of `leaves`.
    static func note(_ leaves: [TreeHash], key: LogSigningKey = logKey) throws -> String {
        let root = ProofBuilder(leaves: leaves).root(0..<leaves.count)
        return try Checkpoint(origin: key.name, size: leaves.count, root: root).signed(by: [key])
    }

    /// The request body for the tree of `leaves`, with the proof from `old` built from the same leaves.
    static func request(_ leaves: [TreeHash], old: Int, key: LogSigningKey = logKey) throws -> [UInt8] {
        let proof = try ProofBuilder(leaves: leaves).consistency(oldSize: old, newSize: leaves.count)
        return Array(
            AddCheckpointRequest(oldSize: old, proof: proof.hashes, note: try note(leaves, key: key)).text.utf8)
    }

    static func witness(_ directory: String) throws -> WitnessCosigner {
        try WitnessCosigner(
            key: witnessKey, logs: [logKey.verifierKey], directory: directory, clock: { 1_700_000_000 })
    }

    @Test("first checkpoint, then growth with a valid proof: both cosigned, and the cosignature verifies")
    func growth() async throws {
        try await withTemporaryDirectory { directory in
            let witness = try Self.witness(directory)
            let small = Self.leaves(5)
            let first = await witness.addCheckpoint(try Self.request(small, old: 0))
            #expect(first.status == 200, "\(first.body)")
            let vouches = Cosignature.vouches(
                note: try Self.note(small) + first.body, witnesses: [Self.witnessKey.verifierKey])
            #expect(vouches.map(\.time) == [1_700_000_000])
            let grown = Self.leaves(12)
            #expect(await witness.addCheckpoint(try Self.request(grown, old: 5)).status == 200)
            // The same checkpoint again (a client that lost the answer): cosigned again.
            #expect(await witness.addCheckpoint(try Self.request(grown, old: 12)).status == 200)
            #expect(try witness.state.latest(origin: Self.origin)?.checkpoint.size == 12)
        }
    }

    @Test("a stale old size gets 409 with the size held, as text/x.tlog.size; a rollback is refused")
    func rollback() async throws {
        try await withTemporaryDirectory { directory in
            let witness = try Self.witness(directory)
            #expect(await witness.addCheckpoint(try Self.request(Self.leaves(8), old: 0)).status == 200)
            let stale = await witness.addCheckpoint(try Self.request(Self.leaves(10), old: 3))
            #expect(stale == .init(status: 409, contentType: "text/x.tlog.size", body: "8\n"))
            // Back to 6 entries: from the size it holds (old above the new size) and from 0.
            #expect(await witness.addCheckpoint(try Self.request(Self.leaves(6), old: 0)).status == 409)
            let back = Array(
                AddCheckpointRequest(oldSize: 8, proof: [], note: try Self.note(Self.leaves(6))).text.utf8)
            #expect(await witness.addCheckpoint(back).status == 400)
            #expect(try witness.state.latest(origin: Self.origin)?.checkpoint.size == 8)
        }
    }

    @Test("a fork is refused: the same size with another root (409), a larger tree whose proof fails (422)")
    func fork() async throws {
        try await withTemporaryDirectory { directory in
            let witness = try Self.witness(directory)
            #expect(await witness.addCheckpoint(try Self.request(Self.leaves(8), old: 0)).status == 200)
            // The operator rewrites entry 2 and re-signs with the log's own key.
            var forked = Self.leaves(20)
            forked[2] = MerkleTree.leafHash(Array("rewritten".utf8))
            let sameSize = Array(
                AddCheckpointRequest(oldSize: 8, proof: [], note: try Self.note(Array(forked.prefix(8)))).text.utf8)
            #expect(await witness.addCheckpoint(sameSize).status == 409)
            let larger = await witness.addCheckpoint(try Self.request(forked, old: 8))
            #expect(larger.status == 422, "\(larger.body)")
            let evidence = try FileManager.default.contentsOfDirectory(atPath: directory + "/evidence")
            #expect(evidence.count == 2)
            // The genuine history still grows.
            #expect(await witness.addCheckpoint(try Self.request(Self.leaves(20), old: 8)).status == 200)
        }
    }

    @Test("a checkpoint not signed by the log's key gets 403, an unknown log 404, a malformed request 400")
    func refusals() async throws {
        try await withTemporaryDirectory { directory in
            let witness = try Self.witness(directory)
            let impostor = try LogSigningKey(name: Self.origin, seed: Array(repeating: 9, count: 32))
            #expect(await witness.addCheckpoint(try Self.request(Self.leaves(4), old: 0, key: impostor)).status == 403)
            let stranger = try LogSigningKey(name: "other.example/log", seed: Array(repeating: 9, count: 32))
            #expect(await witness.addCheckpoint(try Self.request(Self.leaves(4), old: 0, key: stranger)).status == 404)
            for body in ["", "old 01\n\n", "old x\n\n", "old 0\nnot-a-hash\n\n", "old 0\n"] {
                #expect(await witness.addCheckpoint(Array(body.utf8)).status == 400, "\(body.debugDescription)")
            }
            // A proof with an old size of 0 must be empty.
            let padded =
                "old 0\n" + Data(Self.leaves(1)[0]).base64EncodedString() + "\n\n" + (try Self.note(Self.leaves(4)))
            #expect(await witness.addCheckpoint(Array(padded.utf8)).status == 400)
            #expect(try witness.state.latest(origin: Self.origin) == nil)
        }
    }

    @Test("what the witness cosigned survives a restart: a fork is still refused, and the file is private")
    func restart() async throws {
        try await withTemporaryDirectory { directory in
            #expect(
                await (try Self.witness(directory)).addCheckpoint(try Self.request(Self.leaves(8), old: 0)).status
                    == 200)
            let again = try Self.witness(directory)
            #expect(await again.addCheckpoint(try Self.request(Self.leaves(3), old: 0)).body == "8\n")
            var forked = Self.leaves(9)
            forked[0] = MerkleTree.leafHash(Array("rewritten".utf8))
            #expect(await again.addCheckpoint(try Self.request(forked, old: 8)).status == 422)
            #expect(await again.addCheckpoint(try Self.request(Self.leaves(9), old: 8)).status == 200)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/logs")
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/logs/" + files[0])[
                .posixPermissions]
            #expect(mode as? Int == 0o600)
        }
    }
}
