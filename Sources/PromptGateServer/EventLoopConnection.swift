import AuditLog
import HummingbirdCore
import Logging
import NIOCore
import PromptGate

/// Serves each connection in a task that prefers its channel's event loop as executor, instead of Swift
/// concurrency's global pool: the request is read, screened, recorded and answered on the thread that owns the
/// socket, and an answer that libcurl's thread hands back wakes that same thread. Two thread hand-offs per proxied
/// request (event loop → curl thread → event loop) instead of four (event loop → pool → curl thread → pool → event
/// loop).
///
/// A request whose body is large or of unknown length is moved back to the global pool by ``ProxyServer`` (screening
/// megabytes on an event loop would stall its other connections).
struct EventLoopConnection<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        let executor = EventLoopTaskExecutor(value.channel.eventLoop)
        await withTaskExecutorPreference(executor) {
            // An answer's audit entry is then made on this loop after the answer is written (Gate.afterwardExecutor).
            await Gate.$afterwardExecutor.withValue(executor) {
                await inner.handle(value: value, logger: logger)
            }
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection served on its event loop (``EventLoopConnection``).
    static func http1OnEventLoop(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EventLoopConnection(inner: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}

/// An event loop as a task executor: the jobs of a task that prefers it run on the loop's thread. It times the audit
/// log's deadlines too (an answer's entry written when no prompt's write took it), with the loop's own timers.
final class EventLoopTaskExecutor: TaskExecutor, DeadlineTimer {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    func after(_ delay: Duration, _ work: @escaping @Sendable () async -> Void) {
        loop.scheduleTask(in: TimeAmount(delay)) {
            Task(executorPreference: self) { await work() }
        }
    }
}
