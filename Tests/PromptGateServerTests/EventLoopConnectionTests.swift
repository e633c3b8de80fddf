import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOCore
import Testing

@testable import PromptGateServer

/// A request context that remembers the event loop of the request's connection.
private struct LoopContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let eventLoop: any EventLoop

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
    }
}

@Suite("Server: a connection is served on its event loop")
struct EventLoopConnectionTests {
    @Test("a handler runs on its connection's event loop, also after an await that another thread resumes")
    func handlerStaysOnItsLoop() async throws {
        let router = Router(context: LoopContext.self)
        router.get("/where") { _, context -> String in
            let before = context.eventLoop.inEventLoop
            // A timer resumes the task from another thread: the task comes back to the loop, not to the pool.
            try await Task.sleep(for: .milliseconds(5))
            let after = context.eventLoop.inEventLoop
            // Work moved to the global pool leaves the loop, as ProxyServer does for large bodies and pages.
            let moved = await withTaskExecutorPreference(globalConcurrentExecutor) { context.eventLoop.inEventLoop }
            return "\(before) \(after) \(moved)"
        }
        let app = Application(router: router, server: .http1OnEventLoop(configuration: .init()))
        try await app.test(.live) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/where", method: .get) { response in
                    #expect(String(buffer: response.body) == "true true false")
                }
            }
        }
    }

    @Test("the loop times the audit log's deadlines: the work runs on the loop's thread, once the delay has passed")
    func deadlineRunsOnTheLoop() async throws {
        let router = Router(context: LoopContext.self)
        router.get("/deadline") { _, context -> String in
            let loop = context.eventLoop
            let started = ContinuousClock.now
            let (onLoop, waited) = await withCheckedContinuation {
                (done: CheckedContinuation<(Bool, Duration), Never>) in
                EventLoopTaskExecutor(loop).after(.milliseconds(20)) {
                    done.resume(returning: (loop.inEventLoop, .now - started))
                }
            }
            return "\(onLoop) \(waited >= .milliseconds(20))"
        }
        let app = Application(router: router, server: .http1OnEventLoop(configuration: .init()))
        try await app.test(.live) { client in
            try await client.execute(uri: "/deadline", method: .get) { response in
                #expect(String(buffer: response.body) == "true true")
            }
        }
    }

    @Test(
        "a proxied request stays on the loop without a body or with a declared one up to the limit",
        arguments: [
            (nil, nil, true), ("0", nil, true), ("300", nil, true), ("\(ProxyServer.eventLoopBodyLimit)", nil, true),
            ("\(ProxyServer.eventLoopBodyLimit + 1)", nil, false), ("99999999999999999999", nil, false),
            ("-1", nil, false), ("12, 12", nil, false), ("abc", nil, false), (nil, "chunked", false),
        ] as [(String?, String?, Bool)])
    func eventLoopOrPool(length: String?, encoding: String?, onLoop: Bool) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let length { headers[.contentLength] = length }
        if let encoding { headers[.transferEncoding] = encoding }
        #expect(ProxyServer.servesOnEventLoop(headers) == onLoop)
    }
}
