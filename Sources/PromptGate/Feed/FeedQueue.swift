import Logging
import Synchronization

/// One sink's queue: a bounded buffer between the requests that publish events and a task of its own that hands
/// them to the sink in order. Publishing never waits: when the buffer is full (the sink is slow, or its receiver
/// gone) the event is dropped and counted in `/metrics` as `promptgate_feed_dropped_total{sink=…}`.
final class FeedQueue: Sendable {
    let sink: any DecisionSink
    private let continuation: AsyncStream<DecisionEvent>.Continuation
    private let worker: Task<Void, Never>
    private let metrics: GateMetrics

    /// Events a sink may fall behind by before new ones are dropped.
    static let defaultCapacity = 1024

    init(
        sink: any DecisionSink, capacity: Int = defaultCapacity, metrics: GateMetrics,
        logger: Logger = Logger(label: "promptgate.feed")
    ) {
        self.sink = sink
        self.metrics = metrics
        let (stream, continuation) = AsyncStream<DecisionEvent>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, capacity)))
        self.continuation = continuation
        worker = Task { [metrics] in
            var failing = false
            for await event in stream {
                do {
                    try await sink.send(event)
                    if failing { logger.notice("the decision feed delivers again", metadata: ["sink": "\(sink.name)"]) }
                    failing = false
                } catch {
                    metrics.feedFailed(sink: sink.name)
                    // Said once per outage, not once per event.
                    if !failing {
                        logger.warning(
                            "the decision feed cannot deliver; events are counted as failed until it can",
                            metadata: ["sink": "\(sink.name)", "error": "\(error)"])
                    }
                    failing = true
                }
            }
            await sink.close()
        }
    }

    /// Queues an event, or drops and counts it if the sink is too far behind. Never waits.
    func publish(_ event: DecisionEvent) {
        switch continuation.yield(event) {
        case .enqueued: break
        case .dropped, .terminated: metrics.feedDropped(sink: sink.name)
        @unknown default: metrics.feedDropped(sink: sink.name)
        }
    }

    /// Lets the sink deliver what is queued, then closes it; gives up after `timeout` (a receiver that is gone),
    /// cancelling the sink's task and leaving it behind rather than holding up the shutdown.
    func finish(timeout: Duration = .seconds(5)) async {
        continuation.finish()
        let worker = worker
        let waiter = Once()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            waiter.set(done)
            let sleeper = Task {
                try? await Task.sleep(for: timeout)
                worker.cancel()
                waiter.resume()
            }
            Task {
                await worker.value
                sleeper.cancel()
                waiter.resume()
            }
        }
    }
}

/// A continuation resumed by whichever comes first.
private final class Once: Sendable {
    private let continuation = Mutex<CheckedContinuation<Void, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Void, Never>) { self.continuation.withLock { $0 = continuation } }

    func resume() { continuation.withLock { $0.take() }?.resume() }
}

/// The gate's feed: a queue per sink, each fed every event.
final class DecisionFeed: Sendable {
    let queues: [FeedQueue]

    init(sinks: [any DecisionSink], capacity: Int, metrics: GateMetrics, logger: Logger) {
        queues = sinks.map { FeedQueue(sink: $0, capacity: capacity, metrics: metrics, logger: logger) }
    }

    func publish(_ event: DecisionEvent) {
        for queue in queues { queue.publish(event) }
    }

    func finish() async {
        for queue in queues { await queue.finish() }
    }
}
