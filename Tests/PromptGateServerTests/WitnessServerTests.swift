import AuditLog
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import PromptGateServer

@Suite("Server: the witness's HTTP API (POST /add-checkpoint)")
struct WitnessServerTests {
    static let log = try! LogSigningKey(name: "log.example/pg", seed: Array(repeating: 3, count: 32))
    static let key = try! CosignerKey(name: "w1.example/witness", seed: Array(repeating: 7, count: 32))

    static func body(size: Int, old: Int, rewritten: Bool = false) throws -> ByteBuffer {
        var leaves = (0..<size).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) }
        if rewritten { leaves[0] = MerkleTree.leafHash(Array("rewritten".utf8)) }
        let builder = ProofBuilder(leaves: leaves)
        let note = try Checkpoint(origin: log.name, size: size, root: builder.root(0..<size)).signed(by: [log])
        let proof = try builder.consistency(oldSize: old, newSize: size)
        return ByteBuffer(string: AddCheckpointRequest(oldSize: old, proof: proof.hashes, note: note).text)
    }

    @Test("cosigns, answers 409 as text/x.tlog.size, refuses a fork with 422, and says 404 to other paths")
    func addCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let witness = try WitnessCosigner(key: Self.key, logs: [Self.log.verifierKey], directory: directory)
            let server = WitnessServer(witness: witness, port: 0)
            try await server.makeApplication().test(.router) { client in
                let first = try await client.execute(
                    uri: "/add-checkpoint", method: .post, body: try Self.body(size: 4, old: 0))
                #expect(first.status == .ok)
                #expect(String(buffer: first.body).hasPrefix("\u{2014} w1.example/witness "))
                let stale = try await client.execute(
                    uri: "/add-checkpoint", method: .post, body: try Self.body(size: 6, old: 0))
                #expect(stale.status.code == 409)
                #expect(stale.headers[.contentType] == "text/x.tlog.size")
                #expect(String(buffer: stale.body) == "4\n")
                let fork = try await client.execute(
                    uri: "/add-checkpoint", method: .post, body: try Self.body(size: 6, old: 4, rewritten: true))
                #expect(fork.status.code == 422)
                let grown = try await client.execute(
                    uri: "/add-checkpoint", method: .post, body: try Self.body(size: 6, old: 4))
                #expect(grown.status == .ok)
                let huge = try await client.execute(
                    uri: "/add-checkpoint", method: .post,
                    body: ByteBuffer(repeating: 0x41, count: WitnessCosigner.maxRequestBytes + 1))
                #expect(huge.status.code == 413)
                #expect(try await client.execute(uri: "/add-checkpoint", method: .get).status.code != 200)
            }
        }
    }
}
