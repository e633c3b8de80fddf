import AuditLog
import Foundation
import HTTPTypes
import Logging
import Transport

/// Gets each signed checkpoint cosigned by the policy's witnesses (C2SP tlog-witness `add-checkpoint`) and publishes
/// it, with their cosignatures appended, once the quorum holds (AuditLog's `WitnessedCheckpoint`).
///
/// It works beside the gate, never in front of it: it watches `DATA/checkpoint` (which the log writes after each
/// checkpoint) on its own task and its own HTTP client, so a slow or unreachable witness never delays a prompt.
/// For each witness it remembers the size that witness last cosigned and sends the consistency proof from there; a
/// `409` tells it the size the witness holds, and it resends from that size. Failures are retried with a backoff
/// (0.5 s doubling to 30 s). A checkpoint that misses the quorum is not published: the previous cosigned one stays,
/// and the next checkpoint is tried instead.
public actor WitnessSubmitter {
    /// What is known of one witness.
    struct Peer {
        var knownSize: Int?
        var failures = 0
        var nextTry = ContinuousClock.now
        /// Its cosignature line for the current target, once it gave one.
        var cosignature: String?
    }

    /// The policy: the witnesses and the quorum.
    public nonisolated let policy: WitnessPolicy
    /// The data folder whose checkpoints are submitted.
    public nonisolated let dataDirectory: String
    private let client: CurlClient
    private let logger: Logger
    private let pollInterval: Duration
    private var leaves: WitnessLeaves
    private var peers: [Peer]
    /// The checkpoint being cosigned, and its note.
    private var target: (checkpoint: Checkpoint, note: String)?
    private var published: Checkpoint?
    private var task: Task<Void, Never>?

    /// A submitter for the checkpoints in `dataDirectory`.
    ///
    /// - Parameters:
    ///   - policy: The witnesses (those with a URL are asked) and the quorum.
    ///   - dataDirectory: The log's data folder.
    ///   - transport: How witnesses are reached (the CA bundle and proxy settings of the upstream; shorter timeouts).
    ///   - logger: Where it says which witnesses answered.
    ///   - pollInterval: How often `DATA/checkpoint` is looked at.
    public init(
        policy: WitnessPolicy, dataDirectory: String, transport: TransportConfiguration = TransportConfiguration(),
        logger: Logger = Logger(label: "promptgate.witness"), pollInterval: Duration = .milliseconds(250)
    ) {
        self.policy = policy
        self.dataDirectory = dataDirectory
        var transport = transport
        transport.connectTimeout = min(transport.connectTimeout, .seconds(5))
        transport.firstByteTimeout = min(transport.firstByteTimeout, .seconds(15))
        transport.idleTimeout = min(transport.idleTimeout, .seconds(15))
        self.client = CurlClient(configuration: transport)
        self.logger = logger
        self.pollInterval = pollInterval
        self.leaves = WitnessLeaves(directory: dataDirectory)
        self.peers = Array(repeating: Peer(), count: policy.witnesses.count)
        if let note = WitnessedCheckpoint.latest(dataDirectory: dataDirectory).map({
            String(decoding: $0, as: UTF8.self)
        }),
            let (body, _) = try? SignedNote.split(note)
        {
            self.published = try? Checkpoint(body: body)
        }
    }

    /// Starts watching the log's checkpoints.
    public func start() {
        guard task == nil else { return }
        task = Task { [weak self] in
            while !Task.isCancelled {
                await self?.round()
                try? await Task.sleep(for: self?.pollInterval ?? .seconds(1))
            }
        }
    }

    /// Stops watching, then gives the newest checkpoint (the final one, at shutdown) up to `grace` to reach its
    /// quorum, and closes the HTTP client.
    public func finish(grace: Duration = .seconds(3)) async {
        task?.cancel()
        await task?.value
        task = nil
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if await round() { break }
            try? await Task.sleep(for: pollInterval)
        }
        client.shutdown()
    }

    /// The newest checkpoint published with its quorum, if any.
    public var publishedCheckpoint: Checkpoint? { published }

    /// One pass: reads `DATA/checkpoint`, asks the witnesses due, publishes on quorum. Returns whether the newest
    /// checkpoint is published.
    @discardableResult
    func round() async -> Bool {
        guard let note = try? BoundedFile.text(dataDirectory + "/checkpoint"),
            let (body, _) = try? SignedNote.split(note), let checkpoint = try? Checkpoint(body: body)
        else { return false }
        if checkpoint == published { return true }
        if target?.checkpoint != checkpoint {
            target = (checkpoint, note)
            for index in peers.indices { peers[index].cosignature = nil }
        }
        do {
            try leaves.extend(to: checkpoint.size, root: checkpoint.root)
        } catch {
            logger.warning("witnesses: cannot read the log for proofs: \(error)")
            return false
        }
        let now = ContinuousClock.now
        let due = policy.witnesses.indices.filter {
            policy.witnesses[$0].url != nil && peers[$0].cosignature == nil && peers[$0].nextTry <= now
        }
        guard !due.isEmpty else { return false }
        await withTaskGroup(of: Void.self) { group in
            for index in due {
                group.addTask { await self.ask(index, checkpoint: checkpoint, note: note) }
            }
        }
        return publishIfQuorum()
    }

    /// Publishes the target if its cosignatures satisfy the quorum.
    private func publishIfQuorum() -> Bool {
        guard let target else { return false }
        let cosigned = Set(peers.indices.filter { peers[$0].cosignature != nil })
        guard policy.isSatisfied(by: cosigned) else { return false }
        let lines = peers.indices.compactMap { peers[$0].cosignature }.joined()
        do {
            try WitnessedCheckpoint.publish(target.note + lines, dataDirectory: dataDirectory)
        } catch {
            logger.error("witnesses: cannot publish the cosigned checkpoint: \(error)")
            return false
        }
        published = target.checkpoint
        let names = cosigned.sorted().map { policy.witnesses[$0].name }.joined(separator: ", ")
        logger.info(
            "witnesses: checkpoint \(target.checkpoint.size) cosigned by \(names) (quorum \(policy.quorumDescription)); published as \(WitnessedCheckpoint.fileName)"
        )
        return true
    }

    /// Asks witness `index` to cosign, resending once from the size a `409` reports.
    private func ask(_ index: Int, checkpoint: Checkpoint, note: String) async {
        let witness = policy.witnesses[index]
        var old = peers[index].knownSize ?? 0
        if old > checkpoint.size { old = 0 }
        for attempt in 0..<2 {
            let outcome = await submit(witness, old: old, checkpoint: checkpoint, note: note)
            switch outcome {
            case .cosigned(let line):
                peers[index].cosignature = line
                peers[index].knownSize = checkpoint.size
                peers[index].failures = 0
                logger.info("witnesses: \(witness.name) cosigned checkpoint \(checkpoint.size)")
                return
            case .holds(let size) where size <= checkpoint.size && size != old && attempt == 0:
                peers[index].knownSize = size
                old = size
                continue
            case .holds(let size):
                peers[index].knownSize = size
                failed(
                    index,
                    size > checkpoint.size
                        ? "it holds a larger tree (\(size)) than this checkpoint (\(checkpoint.size)): the log went back"
                        : "it holds size \(size)")
                return
            case .refused(let status, let message):
                failed(index, "refused (\(status)): \(message)")
                return
            case .unreachable(let why):
                failed(index, "unreachable: \(why)")
                return
            }
        }
    }

    private func failed(_ index: Int, _ why: String) {
        peers[index].failures += 1
        let delay = min(Duration.seconds(30), .milliseconds(500) * (1 << min(peers[index].failures - 1, 6)))
        peers[index].nextTry = .now + delay
        logger.warning("witnesses: \(policy.witnesses[index].name) did not cosign: \(why); retrying in \(delay)")
    }

    enum Outcome {
        case cosigned(String)
        case holds(Int)
        case refused(Int, String)
        case unreachable(String)
    }

    private func submit(_ witness: WitnessPolicy.Witness, old: Int, checkpoint: Checkpoint, note: String) async
        -> Outcome
    {
        guard let url = witness.url else { return .unreachable("no URL in the policy") }
        let proof: ConsistencyProof
        do {
            proof = try leaves.consistency(oldSize: old, newSize: checkpoint.size)
        } catch {
            return .unreachable("no proof from \(old): \(error)")
        }
        let body = AddCheckpointRequest(oldSize: old, proof: proof.hashes, note: note).text
        let endpoint = (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/add-checkpoint"
        let answer: [UInt8]
        let status: Int
        let contentType: String?
        do {
            let response = try await client.execute(
                HTTPClientRequest(
                    method: "POST", url: endpoint, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: Array(body.utf8)))
            status = response.status
            contentType = response.header("content-type")
            answer = try await response.body.collect(upTo: 64 << 10)
        } catch {
            return .unreachable("\(error)")
        }
        let text = String(decoding: answer, as: UTF8.self)
        switch status {
        case 200:
            // Keep only lines that verify as this witness's cosignature on this checkpoint.
            for line in text.split(separator: "\n") where line.hasPrefix("\u{2014} ") {
                if !Cosignature.vouches(note: note + line + "\n", witnesses: [witness.key]).isEmpty {
                    return .cosigned(line + "\n")
                }
            }
            return .refused(200, "no valid cosignature by \(witness.key.name) in the answer")
        case 409 where contentType?.hasPrefix("text/x.tlog.size") == true:
            guard let size = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return .refused(409, "an unreadable size")
            }
            return .holds(size)
        default:
            return .refused(status, String(text.prefix(200)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
