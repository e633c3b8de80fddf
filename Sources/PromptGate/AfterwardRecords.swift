import Synchronization

/// Audit appends that run after the answer has gone to the employee (response entries): each runs in its own task,
/// counted, so that ``Gate/flush()`` and ``Gate/shutdown()`` can wait until every one of them is on disk.
///
/// The prompt's own entry is never deferred: it is durable before anything leaves.
final class AfterwardRecords: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Starts `work` in a task of its own, preferring `executor` (nil: the global pool), and counts it until it
    /// returns.
    func start(preferring executor: (any TaskExecutor)? = nil, _ work: @escaping @Sendable () async -> Void) {
        state.withLock { $0.running += 1 }
        Task(executorPreference: executor) { [self] in
            await work()
            let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                s.running -= 1
                guard s.running == 0 else { return [] }
                defer { s.waiters = [] }
                return s.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Returns once no started work is left (work started meanwhile included).
    func drain() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { s -> Bool in
                guard s.running > 0 else { return true }
                s.waiters.append(waiter)
                return false
            }
            if idle { waiter.resume() }
        }
    }
}
