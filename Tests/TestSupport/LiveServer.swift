import Foundation
import Hummingbird
import Logging
import NIOCore

/// A real HTTP server on a free loopback port for the length of a test.
package struct LiveServer {
    package let port: Int
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `router` on 127.0.0.1:0, runs `body` with the server, then stops it.
    package static func with<T: Sendable>(
        _ router: Router<BasicRequestContext>, _ body: (LiveServer) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        return try await run(
            { onRunning in
                Application(
                    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
            }, body)
    }

    /// Runs an application built with an on-running port callback (a test router, or the proxy's own), runs `body`
    /// with it, then stops it.
    package static func run<App: ApplicationProtocol, T: Sendable>(
        _ make: (@escaping @Sendable (Int) async -> Void) -> App, _ body: (LiveServer) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = make { port in continuation.yield(port) }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(LiveServer(port: port))
            task.cancel()
            _ = await task.result
            return result
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }
}
