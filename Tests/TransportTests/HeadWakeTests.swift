import Foundation
import TestSupport
import Testing

@testable import Transport

#if canImport(Glibc)
    import Glibc
#endif

/// A one-connection HTTP server on a raw socket that answers every request with the same bytes in one `send`, so
/// that the client receives head and body in one read (or, with `bodyDelay`, the head in one `send` and the body in
/// a second one after a pause, as servers that write them separately do).
private final class OneSendServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let answer: [UInt8]

    /// How long the server waits before answering, so that the reader is already waiting for the head.
    private let delay: useconds_t
    /// How long the server waits between the head and the body (nil: one `send` for both).
    private let bodyDelay: useconds_t?

    init(answer: String, delay: Duration = .zero, bodyDelay: Duration? = nil) throws {
        self.answer = Array(answer.utf8)
        self.delay = Self.microseconds(delay)
        self.bodyDelay = bodyDelay.map(Self.microseconds)
        guard let (descriptor, port) = listenOnLoopback() else {
            throw TransportError.invalidRequest("test server: bind failed")
        }
        listener = descriptor
        self.port = port
        Thread { [self] in serve() }.start()
    }

    private static func microseconds(_ duration: Duration) -> useconds_t {
        useconds_t(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    }

    /// Serves every connection on a thread of its own: the client normally reuses its first connection, but on a
    /// loaded machine it may open another before the first is back in its pool (a server of one connection would
    /// leave that request unanswered until the client's first-byte timeout).
    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            Thread { [self] in answer(on: connection) }.start()
        }
    }

    private func answer(on connection: Int32) {
        defer { close(connection) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(connection, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            received += buffer[..<n]
            // Requests without a body: the head ends the request.
            while let end = received.indices.first(where: { received[$0...].starts(with: Array("\r\n\r\n".utf8)) }) {
                received.removeFirst(end + 4)
                if delay > 0 { usleep(delay) }
                var parts = [answer[...]]
                let separator = Array("\r\n\r\n".utf8)
                if bodyDelay != nil,
                    let headEnd = answer.indices.first(where: { answer[$0...].starts(with: separator) })
                {
                    parts = [answer[..<(headEnd + 4)], answer[(headEnd + 4)...]]
                }
                for (index, part) in parts.enumerated() {
                    if index > 0, let bodyDelay { usleep(bodyDelay) }
                    _ = part.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
            }
        }
    }

    deinit { close(listener) }
}

@Suite("Transport: a short answer is handed to its reader once")
struct HeadWakeTests {
    @Test("head and body in one read: the reader is woken once, with the whole answer queued behind the head")
    func oneHandOff() async throws {
        let body = #"{"choices":[{"message":{"content":"hello"}}]}"#
        // The answer comes 50 ms after the request, so the reader is normally waiting for the head by then. On a
        // loaded machine it may not be yet (then it finds the whole answer there and is never woken at all, which
        // tells nothing): ask until three answers found their reader waiting.
        let server = try OneSendServer(
            answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body, delay: .milliseconds(50))
        let client = CurlClient()
        defer { client.shutdown() }
        var waited = 0
        for _ in 0..<30 where waited < 3 {  // the first on a new connection, then on the reused one
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(response.status == 200)
            let sawEnd = response.body.handle.transfer.headWaiterSawEnd
            #expect(sawEnd != false, "the reader was woken before the answer had ended")
            if sawEnd == true { waited += 1 }
            #expect(String(decoding: try await response.body.collect(upTo: 1 << 16), as: UTF8.self) == body)
        }
        #expect(waited > 0, "no reader ever waited for a head")
    }

    @Test("head and body in separate writes: the head alone does not wake the reader; the body's arrival does")
    func headAloneDoesNotWake() async throws {
        let body = #"{"choices":[{"message":{"content":"hello"}}]}"#
        let server = try OneSendServer(
            answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body, delay: .milliseconds(50), bodyDelay: .milliseconds(30))
        let client = CurlClient()
        defer { client.shutdown() }
        var waited = 0
        for _ in 0..<30 where waited < 3 {
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
            #expect(response.status == 200)
            let sawBody = response.body.handle.transfer.headWaiterSawBody
            #expect(sawBody != false, "the reader was woken by the head alone, before any of the body had come")
            if sawBody == true { waited += 1 }
            #expect(String(decoding: try await response.body.collect(upTo: 1 << 16), as: UTF8.self) == body)
        }
        #expect(waited > 0, "no reader ever waited for a head")
    }

    @Test("a body read whole in one piece is the piece itself, and a limit still holds")
    func collectLimit() async throws {
        let body = String(repeating: "x", count: 100)
        let server = try OneSendServer(
            answer: "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
        let client = CurlClient()
        defer { client.shutdown() }
        let whole = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(try await whole.body.collect(upTo: 100) == Array(body.utf8))
        let over = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        await #expect(throws: TransportError.self) { try await over.body.collect(upTo: 99) }
    }
}
