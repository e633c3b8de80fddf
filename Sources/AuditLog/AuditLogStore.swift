import Crypto
import Dispatch
import Foundation
import JSONCore

/// The append-only, hash-chained audit log in one file, committed to by signed checkpoints.
///
/// - Every entry is on disk (written and fsynced) before ``append(_:)`` returns; appends that arrive while a write
///   is in flight are chained in memory and share the next `fsync` (group commit).
/// - If a write fails (a full disk), the partial bytes are cut off, the entries of that batch fail, and the log
///   stays consistent for the next append: callers fail closed, nothing is half-recorded.
/// - A torn last line found at start-up (a crash mid-write) is moved to a recovery file and recorded by an entry.
/// - One writer per file, enforced with a lock.
public actor AuditLogStore {
    /// The log's state after some entry: what the next entry chains onto.
    struct Tip: Sendable {
        var tree = MerkleTree()
        var lastLineHash = String(repeating: "0", count: 64)
        var offset = 0
    }

    private struct Pending {
        var line: [UInt8]
        var tipAfter: Tip
        var continuation: CheckedContinuation<AuditReceipt, any Error>
    }

    public let configuration: AuditLogConfiguration
    private let signingKeys: [LogSigningKey]
    private let file: LogFile
    private let io = DispatchQueue(label: "promptgate.auditlog.io")
    private var tip: Tip
    private var durable: Tip
    private var pending: [Pending] = []
    private var flushing = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var lastCheckpointSize: Int
    private var closed = false
    private var lastCheckpointText: String?

    /// What start-up found: a torn line set aside, if any.
    public let recovery: Recovery?

    /// A torn last line found at start-up and where it was put.
    public struct Recovery: Sendable, Equatable {
        public var bytes: Int
        public var savedTo: String
    }

    /// Opens (or creates) the log in `configuration.directory`, checks its tail, and locks it.
    public init(configuration: AuditLogConfiguration, signingKeys: [LogSigningKey]) throws(AuditLogError) {
        guard !signingKeys.isEmpty else { throw AuditLogError.badKey("at least one signing key is needed") }
        for key in signingKeys where key.name != configuration.origin {
            throw AuditLogError.badKey("key \(key.name.debugDescription) does not match the origin \(configuration.origin.debugDescription)")
        }
        try makePrivateDirectory(configuration.directory)
        try makePrivateDirectory(configuration.checkpointHistoryDirectory)
        self.configuration = configuration
        self.signingKeys = signingKeys
        self.file = try LogFile(path: configuration.logPath)
        let (scanned, torn) = try Self.scan(file)
        var recovery: Recovery?
        if let torn {
            let savedTo = configuration.directory + "/audit.log.torn-\(Int(Date().timeIntervalSince1970))-\(scanned.tree.size)"
            try writeFileAtomically(savedTo, torn, mode: 0o600)
            file.truncate(to: scanned.offset)
            recovery = Recovery(bytes: torn.count, savedTo: savedTo)
        }
        self.recovery = recovery
        self.tip = scanned
        self.durable = scanned
        self.lastCheckpointSize = Self.latestCheckpointSize(configuration.checkpointPath) ?? -1
    }

    /// Reads the whole file once: the tree, the last line's hash, and any bytes after the last newline.
    private static func scan(_ file: LogFile) throws(AuditLogError) -> (Tip, torn: [UInt8]?) {
        var tip = Tip()
        let total = file.size
        var offset = 0
        var carry: [UInt8] = []
        let chunkSize = 1 << 20
        while offset < total {
            let chunk = file.read(at: offset, count: min(chunkSize, total - offset))
            if chunk.isEmpty { throw AuditLogError.io(path: file.path, reason: "read failed: \(errnoText())") }
            var start = 0
            for (i, byte) in chunk.enumerated() where byte == 0x0A {
                let line = carry + chunk[start..<i]
                carry.removeAll(keepingCapacity: true)
                tip.tree.append(leafData: line)
                tip.lastLineHash = hexString(SHA256.hash(data: line))
                start = i + 1
            }
            carry.append(contentsOf: chunk[start...])
            offset += chunk.count
        }
        tip.offset = total - carry.count
        return (tip, carry.isEmpty ? nil : carry)
    }

    private static func latestCheckpointSize(_ path: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 1 ? Int(lines[1]) : nil
    }

    /// Entries durably in the log.
    public var size: Int { durable.tree.size }

    /// The signed text of the newest checkpoint written by this process, if any.
    public var latestCheckpoint: String? { lastCheckpointText }

    /// Appends an entry; returns once it is on disk. Throws if it could not be written: the caller must not
    /// proceed with what the entry records.
    public func append(_ entry: AuditEntry) async throws -> AuditReceipt {
        guard !closed else { throw AuditLogError.unavailable("the log is closed") }
        let seq = tip.tree.size
        let line = entry.jsonObject(seq: seq, time: Date(), prev: tip.lastLineHash).serializedBytes()
        guard line.count <= configuration.maxLineBytes else {
            throw AuditLogError.unavailable("entry of \(line.count) bytes exceeds the \(configuration.maxLineBytes)-byte line limit")
        }
        tip.tree.append(leafData: line)
        tip.lastLineHash = hexString(SHA256.hash(data: line))
        tip.offset += line.count + 1
        let after = tip
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(line: line, tipAfter: after, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(batch.reduce(0) { $0 + $1.line.count + 1 })
            for item in batch {
                bytes.append(contentsOf: item.line)
                bytes.append(0x0A)
            }
            let offset = durable.offset
            let file = self.file
            let batchBytes = bytes
            let failure: String? = await withCheckedContinuation { done in
                io.async {
                    let failure = file.writeDurably(batchBytes, at: offset)
                    if failure != nil { file.truncate(to: offset) }
                    done.resume(returning: failure)
                }
            }
            if let failure {
                // Undo: everything after the durable state is gone, including entries chained onto this batch.
                let error = AuditLogError.io(path: configuration.logPath, reason: failure)
                let chained = pending
                pending.removeAll()
                tip = durable
                for item in batch + chained { item.continuation.resume(throwing: error) }
                continue
            }
            durable = batch[batch.count - 1].tipAfter
            for item in batch {
                item.continuation.resume(returning: AuditReceipt(seq: item.tipAfter.tree.size - 1))
            }
            if durable.tree.size - lastCheckpointSize >= configuration.checkpointEvery {
                // A failed checkpoint is retried after the next batch; the entries themselves are durable.
                _ = try? await writeCheckpoint()
            }
        }
        flushing = false
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    private func waitUntilIdle() async {
        guard flushing else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Signs and writes a checkpoint of every durable entry now (to `checkpoint` and to `checkpoints/<size>`), and
    /// returns its text.
    @discardableResult
    public func writeCheckpoint() async throws -> String {
        let state = durable
        let checkpoint = Checkpoint(origin: configuration.origin, size: state.tree.size, root: state.tree.root)
        let text = try checkpoint.signed(by: signingKeys)
        let bytes = Array(text.utf8)
        let paths = (latest: configuration.checkpointPath, history: configuration.checkpointHistoryDirectory + "/\(state.tree.size)")
        let failure: AuditLogError? = await withCheckedContinuation { done in
            io.async {
                do throws(AuditLogError) {
                    try writeFileAtomically(paths.history, bytes)
                    try writeFileAtomically(paths.latest, bytes)
                    done.resume(returning: nil)
                } catch {
                    done.resume(returning: error)
                }
            }
        }
        if let failure { throw failure }
        lastCheckpointSize = state.tree.size
        lastCheckpointText = text
        return text
    }

    /// Waits for pending appends, writes a final checkpoint, and refuses further appends.
    public func close() async throws {
        guard !closed else { return }
        closed = true
        await waitUntilIdle()
        if durable.tree.size != lastCheckpointSize || lastCheckpointText == nil { try await writeCheckpoint() }
    }
}
