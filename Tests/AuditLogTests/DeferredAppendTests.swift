import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AuditLog

/// Entries recorded after the fact (a response's) may wait a while for their `fsync`, so that they share the next
/// prompt's write instead of costing one of their own.
@Suite("AuditLog: appends that may wait for the next write")
struct DeferredAppendTests {
    static func entry(_ id: String, _ event: AuditEntry.Event = .responseCompleted) -> AuditEntry {
        var entry = AuditEntry(event: event)
        entry.requestID = id
        return entry
    }

    static func lineCount(_ directory: String) throws -> Int {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/audit.log")).filter { $0 == 0x0A }.count
    }

    /// Waits until the store has chained `count` lines that are not written yet (or gives up after a few seconds:
    /// a store that wrote them at once fails the test instead of hanging it).
    static func waitUntilWaiting(_ store: AuditLogStore, _ count: Int) async throws {
        for _ in 0..<5000 where await store.waitingLines < count { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await store.waitingLines == count)
    }

    @Test("a line with a deadline is not written alone: the next append writes it with its own, in order")
    func ridesTheNextWrite() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 1000)
            let later = Task { try await store.append(Self.entry("answer-1"), durableWithin: .seconds(600)) }
            try await Self.waitUntilWaiting(store, 1)
            #expect(await store.size == 0)
            #expect(try Self.lineCount(directory) == 0)
            let prompt = try await store.append(Self.entry("prompt-2", .requestScreened))
            #expect(try await later.value.seq == 0)
            #expect(prompt.seq == 1)
            #expect(await store.size == 2)
            #expect(try Self.lineCount(directory) == 2)
            try await store.close()
            let report = try AuditLogTests.verify(directory)
            #expect(report.ok, "\(report.problems)")
            #expect(report.lines == 2)
        }
    }

    @Test("with no other append, a line with a deadline is written when the deadline passes")
    func writtenAtTheDeadline() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 1000)
            let receipt = try await store.append(Self.entry("answer-1"), durableWithin: .milliseconds(5))
            #expect(receipt.seq == 0)
            #expect(await store.size == 1)
            #expect(try Self.lineCount(directory) == 1)
            try await store.close()
            #expect(try AuditLogTests.verify(directory).ok)
        }
    }

    @Test("the appending task's deadline timer times the write, instead of a sleeping task: written when it fires")
    func timedByTheTasksTimer() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 1000)
            let timer = ManualTimer()
            let later = Task {
                try await AuditLogStore.$deadlineTimer.withValue(timer) {
                    try await store.append(Self.entry("answer-1"), durableWithin: .seconds(600))
                }
            }
            try await Self.waitUntilWaiting(store, 1)
            try #require(timer.delays == [.seconds(600)])
            #expect(try Self.lineCount(directory) == 0)
            await timer.fire()
            #expect(try await later.value.seq == 0)
            #expect(try Self.lineCount(directory) == 1)
            try await store.close()
            #expect(try AuditLogTests.verify(directory).ok)
        }
    }

    @Test("closing the log writes a line still waiting for its deadline, and signs it")
    func closeWritesWaitingLines() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 1000)
            _ = try await store.append(Self.entry("prompt-1", .requestScreened))
            let later = Task { try await store.append(Self.entry("answer-1"), durableWithin: .seconds(600)) }
            try await Self.waitUntilWaiting(store, 1)
            try await store.close()
            #expect(try await later.value.seq == 1)
            let report = try AuditLogTests.verify(directory)
            #expect(report.ok, "\(report.problems)")
            #expect(report.lines == 2)
            #expect(report.verified.last?.size == 2)
        }
    }

    @Test("a store that cannot hold lines back (the protocol's default) makes the entry durable at once")
    func defaultIsDurableAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            let store = try AuditLogTests.makeStore(directory, every: 1000)
            let trail = Immediate(store: store)
            let receipt = try await trail.append(Self.entry("answer-1"), durableWithin: .seconds(600))
            #expect(receipt.seq == 0)
            #expect(await store.size == 1)
            try await store.close()
        }
    }
}

/// An `AuditTrail` that forwards only the required `append(_:)`: the protocol's default `durableWithin` applies.
private final class Immediate: AuditTrail {
    let store: AuditLogStore
    init(store: AuditLogStore) { self.store = store }
    var storeKind: String { "test" }
    var startup: AuditTrailStartup { AuditTrailStartup() }
    func append(_ entry: AuditEntry) async throws -> AuditReceipt { try await store.append(entry) }
    var size: Int { get async { await store.size } }
    var latestCheckpoint: String? { get async { await store.latestCheckpoint } }
    func writeCheckpoint() async throws -> String { try await store.writeCheckpoint() }
    func startCheckpointTimer() async {}
    func replaceSigningKeys(_ keys: [LogSigningKey]) async throws {}
    func health() async -> AuditTrailHealth { await store.health() }
    func close() async throws { try await store.close() }
}

/// A deadline timer that fires when the test says so, and remembers the delays it was given.
private final class ManualTimer: DeadlineTimer {
    private let state = Mutex<(delays: [Duration], work: [@Sendable () async -> Void])>(([], []))

    var delays: [Duration] { state.withLock { $0.delays } }

    func after(_ delay: Duration, _ work: @escaping @Sendable () async -> Void) {
        state.withLock {
            $0.delays.append(delay)
            $0.work.append(work)
        }
    }

    /// Runs the work given so far.
    func fire() async {
        let work = state.withLock { s in
            defer { s.work = [] }
            return s.work
        }
        for item in work { await item() }
    }
}
