import Foundation

/// A C2SP tlog-witness: answers `add-checkpoint` requests for the logs it knows, cosigning a checkpoint only when it
/// is signed by the log and consistent with the latest one it cosigned, which it records durably first.
///
/// Checks, in the order and with the HTTP status codes of c2sp.org/tlog-witness:
/// - a malformed request, or an old size above the checkpoint's: 400;
/// - an origin the witness does not know: 404; no valid signature by the log's key: 403;
/// - an old size other than the size it last cosigned (a rollback, or a stale client): 409 with that size in a
///   `text/x.tlog.size` body; the same size with another root (a fork): 409;
/// - a consistency proof from its recorded tree to the new one that does not verify (a fork): 422.
///
/// Checking and recording happen inside the actor, so two requests cannot both pass against the same old state.
public actor WitnessCosigner {
    /// The answer to an `add-checkpoint` request.
    public struct Answer: Sendable, Equatable {
        /// The HTTP status code.
        public var status: Int
        /// The response's content type.
        public var contentType: String
        /// The response body: the cosignature line on success, the known size on 409, else a message.
        public var body: String
    }

    /// The witness's key.
    public nonisolated let key: CosignerKey
    /// The logs it witnesses: their verifier keys by origin (several during a key rotation).
    public nonisolated let logs: [String: [LogVerifierKey]]
    /// Where it keeps what it cosigned.
    public nonisolated let state: WitnessState
    private let clock: @Sendable () -> UInt64

    /// The longest request accepted: 63 proof lines and a checkpoint with a few signatures fit easily.
    public static let maxRequestBytes = 64 << 10

    /// A witness cosigning with `key` for the logs whose verifier keys are `logs`, keeping its state in `directory`.
    ///
    /// - Parameters:
    ///   - key: The witness's cosigning key.
    ///   - logs: The verifier keys of the logs it witnesses; each key's name is its log's origin.
    ///   - directory: The witness's folder (its state goes under `logs/`, refused requests under `evidence/`).
    ///   - clock: The time cosignatures carry, in seconds since the epoch (tests fix it).
    public init(
        key: CosignerKey, logs: [LogVerifierKey], directory: String,
        clock: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }
    ) throws(AuditLogError) {
        self.key = key
        self.logs = Dictionary(grouping: logs, by: \.name)
        self.state = try WitnessState(directory: directory)
        self.clock = clock
    }

    /// Handles the body of a `POST <prefix>/add-checkpoint`.
    public func addCheckpoint(_ request: [UInt8]) -> Answer {
        guard request.count <= Self.maxRequestBytes else { return Self.fail(413, "the request is too large") }
        guard let text = String(validating: request, as: UTF8.self) else {
            return Self.fail(400, "the request is not UTF-8")
        }
        let parsed: AddCheckpointRequest
        switch AddCheckpointRequest.parse(text) {
        case .success(let request): parsed = request
        case .failure(let error): return Self.fail(400, error.message)
        }
        // The origin is the note's first line; only then is the signature checked, with that log's keys.
        let origin = String(parsed.note.prefix { $0 != "\n" })
        guard let trusted = logs[origin] else { return Self.fail(404, "unknown log \(origin.debugDescription)") }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(note: parsed.note, trusted: trusted)
        } catch {
            if case .badSignature = error { return Self.fail(403, "\(error)") }
            return Self.fail(400, "\(error)")
        }
        guard parsed.oldSize <= checkpoint.size else {
            return Self.fail(400, "old size \(parsed.oldSize) is above the checkpoint's size \(checkpoint.size)")
        }
        let latest: Checkpoint?
        do {
            latest = try state.latest(origin: origin)?.checkpoint
        } catch {
            return Self.fail(500, "the witness cannot read its state: \(error)")
        }
        let knownSize = latest?.size ?? 0
        let time = clock()
        guard parsed.oldSize == knownSize else {
            if checkpoint.size < knownSize {
                // A smaller tree than one already cosigned, signed by the log: a rollback. Keep what it said.
                _ = try? state.keepEvidence(origin: origin, size: checkpoint.size, request: request, time: time)
            }
            return Answer(status: 409, contentType: "text/x.tlog.size", body: "\(knownSize)\n")
        }
        if let latest {
            if checkpoint.size == latest.size {
                guard checkpoint.root == latest.root, parsed.proof.isEmpty else {
                    _ = try? state.keepEvidence(origin: origin, size: checkpoint.size, request: request, time: time)
                    return Self.fail(
                        409, "a different tree of size \(checkpoint.size) was cosigned before: the log forked")
                }
            } else {
                let proof = ConsistencyProof(oldSize: latest.size, newSize: checkpoint.size, hashes: parsed.proof)
                guard proof.verify(oldRoot: latest.root, newRoot: checkpoint.root) else {
                    _ = try? state.keepEvidence(origin: origin, size: checkpoint.size, request: request, time: time)
                    return Self.fail(
                        422,
                        "the consistency proof from size \(latest.size) to \(checkpoint.size) does not verify: "
                            + "this is not an extension of the tree cosigned before (a fork or a rewrite)")
                }
            }
        }
        do {
            try state.record(checkpoint, note: parsed.note)
            return Answer(
                status: 200, contentType: "text/plain; charset=utf-8",
                body: try key.cosign(body: checkpoint.body, time: time))
        } catch {
            return Self.fail(500, "the witness cannot record the checkpoint: \(error)")
        }
    }

    private static func fail(_ status: Int, _ message: String) -> Answer {
        Answer(status: status, contentType: "text/plain; charset=utf-8", body: message + "\n")
    }
}

/// The body of an `add-checkpoint` request: `old <size>`, up to 63 base64 consistency-proof hashes, an empty line,
/// then the signed checkpoint note.
public struct AddCheckpointRequest: Sendable, Equatable {
    /// The size of the checkpoint the client believes the witness cosigned last.
    public var oldSize: Int
    /// The consistency proof from `oldSize` to the checkpoint's size.
    public var proof: [TreeHash]
    /// The signed checkpoint note.
    public var note: String

    /// A request for `note` with the proof from `oldSize`.
    public init(oldSize: Int, proof: [TreeHash], note: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.note = note
    }

    /// The request body's text.
    public var text: String {
        "old \(oldSize)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note
    }

    /// Why a request body could not be read.
    public struct ParseError: Error, Sendable, Equatable {
        /// What is wrong, for the client.
        public var message: String
    }

    /// Reads a request body strictly (decimal sizes without leading zeros, canonical base64 hashes).
    public static func parse(_ text: String) -> Result<AddCheckpointRequest, ParseError> {
        var rest = Substring(text)
        func line() -> Substring? {
            guard let newline = rest.firstIndex(of: "\n") else { return nil }
            let line = rest[..<newline]
            rest = rest[rest.index(after: newline)...]
            return line
        }
        guard let first = line(), first.hasPrefix("old ") else {
            return .failure(ParseError(message: "the first line must be \"old <size>\""))
        }
        let digits = first.dropFirst(4)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits == "0" || digits.first != "0", let oldSize = Int(digits)
        else { return .failure(ParseError(message: "the old size is not a decimal number")) }
        var proof: [TreeHash] = []
        while true {
            guard let next = line() else {
                return .failure(ParseError(message: "no empty line before the checkpoint"))
            }
            if next.isEmpty { break }
            guard proof.count < 63 else { return .failure(ParseError(message: "more than 63 proof lines")) }
            guard let hash = Data(base64Encoded: String(next)), hash.count == 32,
                hash.base64EncodedString() == next
            else { return .failure(ParseError(message: "a proof line is not base64 of a 32-byte hash")) }
            proof.append(Array(hash))
        }
        guard !rest.isEmpty else { return .failure(ParseError(message: "no checkpoint after the proof")) }
        if oldSize == 0 && !proof.isEmpty {
            return .failure(ParseError(message: "the proof must be empty when the old size is 0"))
        }
        return .success(AddCheckpointRequest(oldSize: oldSize, proof: proof, note: String(rest)))
    }
}
