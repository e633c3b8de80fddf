/// Runs work once a delay has passed, on a thread that is awake anyway (a server's event loop), instead of a task
/// sleeping on Swift concurrency's global pool, which wakes a timer thread and a pool thread for each deadline.
///
/// ``AuditLogStore`` times the lines appended with a deadline (``AuditLogStore/append(_:durableWithin:)``) with
/// the appending task's ``AuditLogStore/deadlineTimer``, when it has one.
public protocol DeadlineTimer: Sendable {
    /// Runs `work` once `delay` has passed.
    func after(_ delay: Duration, _ work: @escaping @Sendable () async -> Void)
}
