import ArgumentParser
import AuditLog
import Dispatch
import Foundation
import PromptGate
import Transport

/// `verify --url`, `verify --tiles` and `verify --proof`: checks that need no log file.
extension Verify {
    /// Verifies a published tile tree (over HTTP or in a folder) from its tiles alone; `--checkpoint` files are
    /// earlier checkpoints that must be consistent with it.
    func runFromTiles() throws {
        let folder = location.data.resolved
        let label = url ?? tiles ?? ""
        do {
            let keys = try verifierKeys(key, folder: folder)
            // The policy file, or the --witness keys with --witness-quorum: one rule, as for a local log.
            let policy = try witnessRule()
            let earlier = try checkpoint.map { path throws(AuditLogError) -> (label: String, checkpoint: Checkpoint) in
                guard let note = try BoundedFile.text(path) else {
                    throw AuditLogError.io(path: path, reason: "cannot read the checkpoint")
                }
                do {
                    return (path, try Checkpoint.open(note: note, trusted: keys))
                } catch {
                    throw AuditLogError.badCheckpoint("\(path): \(error)")
                }
            }
            let (url, checkEntries) = (self.url, entries)
            let (report, vouchers) = try blocking { () async throws -> (TileVerificationReport, [String]) in
                let client = CurlClient()
                defer { client.shutdown() }
                let source: any TileSource =
                    url.map { HTTPTileSource(base: $0, client: client) } ?? DirectoryTileSource(directory: label)
                let note = String(decoding: try await source.fetch("checkpoint", limit: 1 << 20), as: UTF8.self)
                let published: Checkpoint
                do {
                    published = try Checkpoint.open(note: note, trusted: keys)
                } catch {
                    throw TileError.checkpoint("the published checkpoint: \(error)")
                }
                var vouchers: [String] = []
                if let policy {
                    let vouches = policy.vouches(note: note)
                    vouchers = vouches.map { policy.witnesses[$0.index].name }
                    guard policy.isSatisfied(by: Set(vouches.map(\.index))) else {
                        throw TileError.checkpoint(
                            "the published checkpoint is cosigned by \(vouchers.isEmpty ? "no witness" : vouchers.joined(separator: ", ")); the quorum \(policy.quorumDescription) is not met"
                        )
                    }
                }
                if let same = earlier.first(where: {
                    $0.checkpoint.size == published.size && $0.checkpoint != published
                }) {
                    throw TileError.checkpoint(
                        "FORK: \(same.label) and the published checkpoint (\(label)/checkpoint) are both signed for size \(published.size) but have different roots (\(b64(same.checkpoint.root)) and \(b64(published.root))): the log showed two different histories"
                    )
                }
                let report = try await TileVerifier.verify(
                    checkpoint: published, source: source, checkEntries: checkEntries,
                    earlier: earlier.filter { $0.checkpoint.size <= published.size })
                for later in earlier where later.checkpoint.size > published.size {
                    throw TileError.checkpoint(
                        "\(later.label) (size \(later.checkpoint.size)) is newer than the published checkpoint (size \(published.size)): the published log was rolled back, or they are a fork"
                    )
                }
                return (report, vouchers)
            }
            print("ok:   checkpoint \(label)/checkpoint is signed by a trusted key (size \(report.checkpoint.size))")
            if let policy {
                print(
                    "ok:   cosigned by \(vouchers.joined(separator: ", ")): the quorum \(policy.quorumDescription) is met"
                )
            }
            for consistent in report.consistentWith {
                print("ok:   \(consistent) is consistent with it (same root at its size, from the tiles)")
            }
            let what = entries ? "hash tiles and \(report.entriesChecked) entries" : "hash tiles"
            print(
                "verified tiles: \(what), size \(report.checkpoint.size), root \(b64(report.checkpoint.root)) (\(report.resourcesRead) tile reads)"
            )
        } catch let error as TileError {
            print("FAIL: \(error)")
            print("verification FAILED: \(label)")
            switch error {
            case .io: throw ExitCode(2)
            default: throw ExitCode(1)
            }
        } catch let error as AuditLogError {
            printError("verify: \(error)")
            throw ExitCode(2)
        }
    }

    /// Verifies a proof file offline: signature, witness cosignatures, inclusion, and (with `--entry`) that the
    /// entry is the one given.
    func runProofFile(_ path: String) throws {
        let folder = location.data.resolved
        do {
            let keys = try verifierKeys(key, folder: folder)
            let witnesses = try witness.map { argument throws(AuditLogError) in
                try CosignerVerifierKey(argument: argument)
            }
            guard let text = try BoundedFile.text(path, limit: 8 << 20) else {
                throw AuditLogError.io(path: path, reason: "cannot read the proof")
            }
            let proof: EntryProofFile
            let verified: EntryProofFile.Verified
            do {
                proof = try EntryProofFile(text: text)
                verified = try proof.verify(keys: keys, witnesses: witnesses, quorum: witnessQuorum)
                if let entry {
                    var given = try DirectoryTileSource.read(entry, limit: 16 << 20)
                    if given.last == 0x0A { given.removeLast() }
                    guard given == proof.entry else {
                        throw AuditLogError.badProof(
                            "the entry in \(path) is not the one in \(entry): the proof is about another entry")
                    }
                }
            } catch let error as AuditLogError {
                print("FAIL: \(path): \(error)")
                print("verification FAILED: the proof does not show that this entry is in the log")
                throw ExitCode(1)
            }
            let checkpoint = verified.checkpoint
            print(
                "ok:   the checkpoint is signed by a trusted key: \(checkpoint.origin), size \(checkpoint.size), root \(b64(checkpoint.root))"
            )
            for vouch in verified.witnesses { print("ok:   cosigned by witness \(vouch.name) at \(vouch.time)") }
            for name in verified.unchecked {
                print("WARN: signature by \(name) not checked (give its key to check it)")
            }
            if entry != nil { print("ok:   the entry is byte for byte the one given") }
            print("ok:   entry \(proof.index) (line \(proof.index + 1)) is in that tree: the inclusion proof verifies")
            print("entry: \(String(decoding: proof.entry, as: UTF8.self))")
            print(
                "verified proof: line \(proof.index + 1) of \(checkpoint.origin), in the tree of size \(checkpoint.size)"
            )
        } catch let error as AuditLogError {
            printError("verify: \(error)")
            throw ExitCode(2)
        } catch let error as TileError {
            printError("verify: \(error)")
            throw ExitCode(2)
        }
    }
}

private func b64(_ hash: TreeHash) -> String { Data(hash).base64EncodedString() }

/// A published tree on a web server: `<base>/checkpoint`, `<base>/tile/…`, fetched with libcurl.
struct HTTPTileSource: TileSource {
    let base: String
    let client: CurlClient

    init(base: String, client: CurlClient) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.client = client
    }

    func fetch(_ path: String, limit: Int) async throws(TileError) -> [UInt8] {
        let url = base + "/" + path
        do {
            let response = try await client.execute(HTTPClientRequest(url: url))
            guard response.status == 200 else {
                response.body.cancel()
                if response.status == 404 { throw TileError.notFound(path) }
                throw TileError.io(path: url, reason: "HTTP status \(response.status)")
            }
            return try await response.body.collect(upTo: limit)
        } catch let error as TileError {
            throw error
        } catch TransportError.responseTooLarge {
            throw TileError.malformed(path: path, reason: "larger than \(limit) bytes")
        } catch {
            throw TileError.io(path: url, reason: "\(error)")
        }
    }
}

/// The result of async work, handed from its task to the thread that waits for it.
private final class BlockingResult<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs async work from a synchronous command and waits for it.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            box.result = .success(try await work())
        } catch {
            box.result = .failure(error)
        }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Pairs of given checkpoints that cannot both be true: signed for the same size with different roots. Each names
/// both files.
func forkProblems(_ inputs: [LogVerifier.CheckpointInput], keys: [LogVerifierKey]) -> [String] {
    let opened = inputs.compactMap { input in
        (try? Checkpoint.open(note: input.note, trusted: keys)).map { (input.label, $0) }
    }
    var problems: [String] = []
    for (i, (labelA, a)) in opened.enumerated() {
        for (labelB, b) in opened[(i + 1)...] where a.size == b.size && a.root != b.root {
            problems.append(
                "FORK: \(labelA) and \(labelB) are both signed for size \(a.size) but have different roots (\(b64(a.root)) and \(b64(b.root))): the log showed two different histories"
            )
        }
    }
    return problems
}
