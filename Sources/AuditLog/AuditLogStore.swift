import Crypto
import Dispatch
import Foundation
import JSONCore

/// The append-only, hash-chained audit log, in segment files, committed to by signed checkpoints.
///
/// - Every entry is on disk (written and fsynced) before ``append(_:)`` returns; appends that arrive while a write
///   is in flight are chained in memory and share the next `fsync` (group commit).
/// - If a write fails (a full disk), the partial bytes are cut off, the entries of that batch and those chained onto
///   it fail, and the log stays consistent for the next append: callers fail closed, nothing is half-recorded.
/// - A torn last line found at start-up (a crash mid-write) is moved to a recovery file; the caller records it.
/// - The active segment `audit.log` rolls to `audit-<first seq>.log` by size or by UTC day; chain and tree go on.
/// - One writer per folder, enforced with a lock on `audit.lock`.
public actor AuditLogStore {
    /// What the next entry chains onto.
    struct Tip: Sendable {
        var tree = MerkleTree()
        var lastLineHash = String(repeating: "0", count: 64)
    }

    private struct Pending {
        var line: [UInt8]
        var tipAfter: Tip
        /// Where a waiting appender hears that its line is on disk, or that it writes the next batch; nil for the
        /// appender that is writing the batch itself.
        var continuation: CheckedContinuation<Turn, any Error>?
    }

    /// What a waiting appender is told.
    private enum Turn {
        case written(AuditReceipt)
        /// Write everything pending now (the waiter's own line first).
        case lead
    }

    public let configuration: AuditLogConfiguration
    private var signingKeys: [LogSigningKey]
    /// Held while the store is open; released by `close()`.
    private var lock: LockFile?
    private var file: LogFile
    /// Rolls and checkpoints (rare, off the request path); batches are written by the appender that leads.
    private let io = DispatchQueue(label: "promptgate.auditlog.io")
    private var tip: Tip
    private var durable: Tip
    /// Bytes durably in the active segment, and the sequence number of its first entry.
    private var activeBytes: Int
    private var activeFirstSeq: Int
    private var activeDay: String
    private var pending: [Pending] = []
    /// An appender is writing a batch: new lines wait in `pending` for the next one.
    private var flushing = false
    private var checkpointing = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var lastCheckpointSize: Int
    private var lastCheckpointText: String?
    private var closed = false
    private var timer: Task<Void, Never>?
    /// Writes lines appended with a deadline (``append(_:durableWithin:)``) if no other write has taken them by then.
    private var deadlineWrite: Task<Void, Never>?
    /// A write of the lines appended with a deadline is due (by `deadlineWrite` or by a ``DeadlineTimer``).
    private var deadlineScheduled = false

    /// The timer of the lines appended with a deadline by the current task; nil: a task that sleeps on the global
    /// pool. A server sets its event loop's, so that a deadline wakes no other thread.
    @TaskLocal public static var deadlineTimer: (any DeadlineTimer)?

    /// What start-up found: a torn line set aside, if any.
    public let recovery: Recovery?

    /// A torn last line found at start-up and where it was put.
    public struct Recovery: Sendable, Equatable {
        public var bytes: Int
        public var savedTo: String
    }

    /// Entries found at start-up after the newest signed checkpoint (the writer before stopped without closing the
    /// log): nothing vouched for them until now. The caller records how many.
    public nonisolated let unsignedAtStart: Int

    /// Folders or files that others could read, made private at start-up, with the mode they had: warn the operator.
    public nonisolated let permissionsFixed: [(path: String, mode: mode_t)]

    /// Set when the operator declared a new log over one that no longer matched its checkpoints.
    public nonisolated let restart: Restart?

    /// A new log declared by the operator: what the last checkpoint had signed, and where it was kept.
    public struct Restart: Sendable, Equatable {
        /// The newest checkpoint's size and root before the restart (nil if there was none).
        public var previousSize: Int?
        public var previousRoot: TreeHash?
        /// The folder (under the log's) holding the superseded checkpoints.
        public var supersededFolder: String
        /// Why the old checkpoints did not match.
        public var mismatch: String
    }

    /// Opens (or creates) the log in `configuration.directory`, checks it against every checkpoint signed over it
    /// and its tail, and locks it.
    ///
    /// A log that is shorter than a signed checkpoint, or whose entries differ from those one signed (cut, deleted,
    /// rewritten, replaced), is refused with ``AuditLogError/rolledBack(_:)`` — unless `startNewLog` is set, in
    /// which case the old checkpoints are moved aside (``restart`` says where) and the caller must record that.
    public init(
        configuration: AuditLogConfiguration, signingKeys: [LogSigningKey], startNewLog: Bool = false
    ) throws(AuditLogError) {
        guard !signingKeys.isEmpty else { throw AuditLogError.badKey("at least one signing key is needed") }
        for key in signingKeys where key.name != configuration.origin {
            throw AuditLogError.badKey(
                "key \(key.name.debugDescription) does not match the origin \(configuration.origin.debugDescription)")
        }
        try makePrivateDirectory(configuration.directory)
        try makePrivateDirectory(configuration.checkpointHistoryDirectory)
        var fixed: [(path: String, mode: mode_t)] = []
        for path in [configuration.directory, configuration.checkpointHistoryDirectory] {
            if let mode = try PrivatePath.tighten(path) { fixed.append((path, mode)) }
        }
        self.permissionsFixed = fixed
        self.configuration = configuration
        self.signingKeys = signingKeys
        self.lock = try LockFile(path: configuration.lockPath, guarding: configuration.directory)

        let trusted = signingKeys.map(\.verifierKey) + LogKeyStore.allVerifierKeys(directory: configuration.directory)
        let anchors = try LogAnchors(configuration: configuration, trusted: trusted)
        var scan = Scan(tip: Tip(), sizes: anchors.sizes, maxLineBytes: configuration.maxLineBytes)
        let segments = try LogSegments.list(directory: configuration.directory)
        for path in segments where path != configuration.logPath {
            let rolled = try LogFile(path: path, readOnly: true)
            let (_, torn) = try Self.scan(rolled, into: &scan)
            if torn != nil {
                throw AuditLogError.io(
                    path: path, reason: "a rolled segment ends without a newline; it was changed after it was closed")
            }
        }
        self.activeFirstSeq = scan.tip.tree.size
        self.file = try LogFile(path: configuration.logPath)
        let (length, torn) = try Self.scan(file, into: &scan)
        let tip = scan.tip
        var restart: Restart?
        do {
            try anchors.check(size: tip.tree.size, roots: scan.roots)
        } catch {
            guard startNewLog, case .rolledBack(let why) = error else { throw error }
            let folder = try anchors.supersede(configuration: configuration)
            try makePrivateDirectory(configuration.checkpointHistoryDirectory)
            restart = Restart(
                previousSize: anchors.newest?.checkpoint.size, previousRoot: anchors.newest?.checkpoint.root,
                supersededFolder: folder, mismatch: why)
        }
        self.restart = restart
        self.unsignedAtStart = restart == nil ? tip.tree.size - (anchors.newest?.checkpoint.size ?? 0) : 0
        var recovery: Recovery?
        if let torn {
            let savedTo =
                configuration.directory + "/audit.log.torn-\(Int(Date().timeIntervalSince1970))-\(tip.tree.size)"
            try writeFileAtomically(savedTo, torn, mode: 0o600)
            file.truncate(to: length)
            recovery = Recovery(bytes: torn.count, savedTo: savedTo)
        }
        self.recovery = recovery
        self.activeBytes = length
        self.activeDay = Self.firstDay(of: file, length: length) ?? Self.utcDay(Date())
        self.tip = tip
        self.durable = tip
        self.lastCheckpointSize = restart == nil ? anchors.newest?.checkpoint.size ?? -1 : -1
    }

    /// What reading the segments at start-up builds: the tree and chain, and the roots at the signed sizes.
    private struct Scan {
        var tip: Tip
        let sizes: Set<Int>
        let maxLineBytes: Int
        var roots: [Int: TreeHash] = [:]
    }

    /// Reads a segment once, adding its lines to `scan`. Returns the length up to the last newline and any bytes
    /// after it (a torn line). A line longer than any entry can be is refused: the file is not this log's.
    private static func scan(_ file: LogFile, into scan: inout Scan) throws(AuditLogError) -> (Int, torn: [UInt8]?) {
        let total = file.size
        var offset = 0
        var carry: [UInt8] = []
        while offset < total {
            let chunk = file.read(at: offset, count: min(1 << 20, total - offset))
            if chunk.isEmpty { throw AuditLogError.io(path: file.path, reason: "read failed: \(errnoText())") }
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                let line: [UInt8]
                if carry.isEmpty {
                    line = Array(chunk[start..<newline])
                } else {
                    line = carry + chunk[start..<newline]
                    carry.removeAll(keepingCapacity: true)
                }
                scan.tip.tree.append(leafData: line)
                scan.tip.lastLineHash = hexString(SHA256.hash(data: line))
                if !scan.sizes.isEmpty, scan.sizes.contains(scan.tip.tree.size) {
                    scan.roots[scan.tip.tree.size] = scan.tip.tree.root
                }
                start = newline + 1
            }
            carry.append(contentsOf: chunk[start...])
            guard carry.count <= scan.maxLineBytes + 1 else {
                throw AuditLogError.io(
                    path: file.path,
                    reason: "a line runs past \(scan.maxLineBytes) bytes at byte \(offset): "
                        + "this is not a PromptGate audit log")
            }
            offset += chunk.count
        }
        return (total - carry.count, carry.isEmpty ? nil : carry)
    }

    /// The UTC day of the first entry of a segment (`"ts":"YYYY-MM-DD…`), if it has one.
    private static func firstDay(of file: LogFile, length: Int) -> String? {
        guard length > 0 else { return nil }
        let head = String(decoding: file.read(at: 0, count: min(length, 512)), as: UTF8.self)
        guard let range = head.range(of: "\"ts\":\"") else { return nil }
        return String(head[range.upperBound...].prefix(10))
    }

    static func utcDay(_ date: Date) -> String { String(AuditEntry.rfc3339(date).prefix(10)) }

    /// Signs future checkpoints with `keys` (after a rotation or retirement).
    public func replaceSigningKeys(_ keys: [LogSigningKey]) throws(AuditLogError) {
        guard !keys.isEmpty, keys.allSatisfy({ $0.name == configuration.origin }) else {
            throw AuditLogError.badKey(
                "the new keys must be named after the origin \(configuration.origin.debugDescription)")
        }
        signingKeys = keys
    }

    /// Entries durably in the log.
    public var size: Int { durable.tree.size }

    /// Lines chained but not yet written (tests: an entry with a deadline waits here).
    var waitingLines: Int { pending.count }

    /// The root of the durable entries.
    public var root: TreeHash { durable.tree.root }

    /// The signed text of the newest checkpoint written by this process, if any.
    public var latestCheckpoint: String? { lastCheckpointText }

    /// Signs a checkpoint at least every `interval` while entries keep arriving (in addition to every N entries).
    public func startCheckpointTimer() {
        guard timer == nil, let interval = configuration.checkpointInterval else { return }
        timer = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                await self.checkpointIfBehind()
            }
        }
    }

    private func checkpointIfBehind() async {
        guard !closed, durable.tree.size != lastCheckpointSize else { return }
        _ = try? await writeCheckpoint()
    }

    /// Appends an entry; returns once it is on disk. Throws if it could not be written: the caller must not
    /// proceed with what the entry records.
    ///
    /// Group commit without a writer thread: the first appender to find no write in flight writes and fsyncs the
    /// batch itself (off the actor, so others can queue meanwhile); those that arrive during its fsync wait, and
    /// when it is done the first of them writes the next batch. An append into an idle log thus costs its own
    /// write and fsync and no thread hand-off; under load each fsync still carries every line that queued.
    public func append(_ entry: AuditEntry) async throws -> AuditReceipt {
        guard !closed else { throw AuditLogError.unavailable("the log is closed") }
        let (seq, line, after) = try chain(entry)
        if flushing {
            let turn = try await withCheckedThrowingContinuation { continuation in
                pending.append(Pending(line: line, tipAfter: after, continuation: continuation))
            }
            if case .written(let receipt) = turn { return receipt }
        } else {
            flushing = true
            pending.append(Pending(line: line, tipAfter: after, continuation: nil))
        }
        try await writePending()
        return AuditReceipt(seq: seq)
    }

    /// Appends an entry that may wait up to `delay` for its `fsync`; returns once it is on disk. The entry is chained
    /// at once (its place in the log is fixed now) and rides the next batch that any ``append(_:)`` writes, so an
    /// entry recorded after the fact (a response's) does not cost a second `fsync` of its own when a prompt's entry
    /// follows within `delay`; otherwise it is written when `delay` has passed. Throws if it could not be written.
    public func append(_ entry: AuditEntry, durableWithin delay: Duration) async throws -> AuditReceipt {
        guard !closed else { throw AuditLogError.unavailable("the log is closed") }
        let (seq, line, after) = try chain(entry)
        if !flushing && !deadlineScheduled {
            deadlineScheduled = true
            if let timer = Self.deadlineTimer {
                timer.after(delay) { [weak self] in await self?.writeDeadlineLines() }
            } else {
                deadlineWrite = Task { [weak self] in
                    try? await Task.sleep(for: delay)
                    await self?.writeDeadlineLines()
                }
            }
        }
        let turn = try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(line: line, tipAfter: after, continuation: continuation))
        }
        if case .written(let receipt) = turn { return receipt }
        try await writePending()
        return AuditReceipt(seq: seq)
    }

    /// Chains `entry` onto the tip, fixing its place in the log: its sequence number, its line (the bytes every store
    /// writes for it, AuditTrail.swift, so the file log and a shared database hold the same) and the tip after it.
    private func chain(_ entry: AuditEntry) throws(AuditLogError) -> (seq: Int, line: [UInt8], after: Tip) {
        let seq = tip.tree.size
        let line = try entry.logLine(
            seq: seq, time: AuditClock.now(), prev: tip.lastLineHash, maxLineBytes: configuration.maxLineBytes)
        tip.tree.append(leafData: line)
        tip.lastLineHash = hexString(SHA256.hash(data: line))
        return (seq, line, tip)
    }

    /// Writes the lines still waiting for their deadline, unless a batch is being written (it hands them the lead).
    private func writeDeadlineLines() async {
        deadlineWrite = nil
        deadlineScheduled = false
        guard !flushing, !pending.isEmpty else { return }
        flushing = true
        try? await writePending()  // a failure reaches every waiting appender
    }

    /// Writes every pending line as one batch (the leader's own among them), tells the others, and hands the lead
    /// to the first line that queued meanwhile. Throws the batch's failure.
    private func writePending() async throws {
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.reduce(0) { $0 + $1.line.count + 1 })
        for item in batch {
            bytes.append(contentsOf: item.line)
            bytes.append(0x0A)
        }
        var failure = await rollIfDue(adding: bytes.count)
        if failure == nil {
            failure = await Self.write(bytes, to: file, at: activeBytes, fsync: configuration.fsync)
        }
        if let failure {
            // Undo: everything after the durable state is gone, including entries chained onto this batch.
            let error = AuditLogError.io(path: configuration.logPath, reason: failure)
            let chained = pending
            pending.removeAll()
            tip = durable
            for item in batch + chained { item.continuation?.resume(throwing: error) }
            flushing = false
            wakeCloseIfIdle()
            throw error
        }
        activeBytes += bytes.count
        durable = batch[batch.count - 1].tipAfter
        for item in batch {
            item.continuation?.resume(returning: .written(AuditReceipt(seq: item.tipAfter.tree.size - 1)))
        }
        if durable.tree.size - lastCheckpointSize >= configuration.checkpointEvery { checkpointInBackground() }
        if let next = pending.first?.continuation {
            pending[0].continuation = nil
            next.resume(returning: .lead)
        } else {
            flushing = false
            wakeCloseIfIdle()
        }
    }

    /// Writes a batch at `offset` and fsyncs, on the calling task's thread but off the actor; on failure cuts the
    /// partial bytes off. Returns the failure's reason.
    @concurrent
    private nonisolated static func write(_ bytes: [UInt8], to file: LogFile, at offset: Int, fsync: Bool) async
        -> String?
    {
        let failure = file.writeDurably(bytes, at: offset, fsync: fsync)
        if failure != nil { file.truncate(to: offset) }
        return failure
    }

    /// Signs a checkpoint without holding up the batch that made it due. A failed checkpoint is retried after the
    /// next batch; the entries themselves are durable.
    private func checkpointInBackground() {
        guard !checkpointing else { return }
        checkpointing = true
        Task {
            _ = try? await self.writeCheckpoint()
            self.checkpointing = false
            self.wakeCloseIfIdle()
        }
    }

    /// Wakes `close()` once no batch and no checkpoint is being written.
    private func wakeCloseIfIdle() {
        guard !flushing, !checkpointing else { return }
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Rolls the active segment when the batch would overflow it or the UTC day changed. Returns a failure reason.
    private func rollIfDue(adding count: Int) async -> String? {
        let today = Self.utcDay(Date())
        let overflow = activeBytes + count > configuration.maxSegmentBytes
        let newDay = configuration.rollDaily && today != activeDay
        guard activeBytes > 0, overflow || newDay else {
            if activeBytes == 0 { activeDay = today }
            return nil
        }
        let active = configuration.logPath
        let rolled = configuration.directory + "/" + LogSegments.rolledName(firstSeq: activeFirstSeq)
        let result: Result<LogFile, AuditLogError> = await withCheckedContinuation { done in
            io.async {
                guard rename(active, rolled) == 0 else {
                    done.resume(
                        returning: .failure(.io(path: active, reason: "cannot roll the segment: \(errnoText())")))
                    return
                }
                fsyncDirectory(of: active)
                do throws(AuditLogError) {
                    let next = try LogFile(path: active)
                    fsyncDirectory(of: active)
                    done.resume(returning: .success(next))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let next):
            file = next
            activeBytes = 0
            activeFirstSeq = durable.tree.size
            activeDay = today
            return nil
        case .failure(let error):
            return error.description
        }
    }

    private func waitUntilIdle() async {
        guard flushing || checkpointing else { return }
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
        let paths = (
            latest: configuration.checkpointPath,
            history: configuration.checkpointHistoryDirectory + "/\(state.tree.size)"
        )
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
        timer?.cancel()
        timer = nil
        deadlineWrite?.cancel()
        if !flushing && !pending.isEmpty {
            // Lines still waiting for their deadline are written now.
            flushing = true
            try? await writePending()
        }
        await waitUntilIdle()
        defer { lock = nil }
        if durable.tree.size != lastCheckpointSize || lastCheckpointText == nil { try await writeCheckpoint() }
    }
}
