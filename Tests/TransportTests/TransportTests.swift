import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TestSupport
import Testing

@testable import Transport

@Suite("Transport: libcurl multi-handle client against a local server")
struct TransportTests {
    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/teapot") { _, _ in
            Response(
                status: .init(code: 418), headers: [HTTPField.Name("x-brew")!: "earl grey"],
                body: .init(byteBuffer: ByteBuffer(string: "short and stout")))
        }
        router.post("/echo") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let auth = request.headers[.authorization] ?? "none"
            return Response(status: .ok, headers: [HTTPField.Name("x-auth")!: auth], body: .init(byteBuffer: body))
        }
        router.get("/stream") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    for i in 0..<5 {
                        try await writer.write(ByteBuffer(string: "chunk \(i)\n"))
                        try await Task.sleep(for: .milliseconds(30))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/steady") { _, _ in
            // 4 MiB in 1 KiB writes, as fast as the client takes them: a long event stream.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    let block = ByteBuffer(repeating: UInt8(ascii: "y"), count: 1 << 10)
                    for _ in 0..<(4 << 10) { try await writer.write(block) }
                    try await writer.finish(nil)
                })
        }
        router.get("/big") { _, _ in
            // 4 MiB in 64 KiB writes: more than the client buffers, so it must pause and resume.
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    let block = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10)
                    for _ in 0..<64 { try await writer.write(block) }
                    try await writer.finish(nil)
                })
        }
        router.get("/silent") { _, _ in
            try await Task.sleep(for: .seconds(5))
            return Response(status: .ok)
        }
        router.get("/endless") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    while !Task.isCancelled {
                        try await writer.write(ByteBuffer(string: "tick\n"))
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    try await writer.finish(nil)
                })
        }
        return router
    }

    @Test("status, headers and body of a buffered response")
    func statusAndHeaders() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient()
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/teapot"))
            #expect(response.status == 418)
            #expect(response.header("X-Brew") == "earl grey")
            let body = try await response.body.collect(upTo: 1024)
            #expect(String(decoding: body, as: UTF8.self) == "short and stout")
        }
    }

    @Test("a POST body and headers arrive intact")
    func postEcho() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient()
            defer { client.shutdown() }
            let payload = Array(#"{"messages":[{"content":"héllo"}]}"#.utf8)
            let response = try await client.execute(
                HTTPClientRequest(
                    method: "POST", url: server.baseURL + "/echo",
                    headers: [.authorization: "Bearer city", .contentType: "application/json"], body: payload))
            #expect(response.status == 200)
            #expect(response.header("x-auth") == "Bearer city")
            #expect(try await response.body.collect(upTo: 1 << 20) == payload)
        }
    }

    @Test("a streamed body arrives in pieces as it is sent")
    func streamedBody() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient()
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/stream"))
            var pieces: [String] = []
            for try await chunk in response.body { pieces.append(String(decoding: chunk, as: UTF8.self)) }
            #expect(pieces.joined() == (0..<5).map { "chunk \($0)\n" }.joined())
            // With 30 ms between writes, the chunks cannot all have arrived in one piece.
            #expect(pieces.count >= 3)
        }
    }

    @Test("a slow reader gets every byte of a large body (pause and resume)")
    func backPressure() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient(configuration: TransportConfiguration(maxBufferedBytes: 64 << 10))
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/big"))
            var total = 0
            var reads = 0
            for try await chunk in response.body {
                total += chunk.count
                reads += 1
                #expect(chunk.allSatisfy { $0 == UInt8(ascii: "x") })
                if reads % 16 == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(total == 4 << 20)
            // The reader fell behind the 64 KiB buffer, so the transfer must have paused and resumed.
            #expect(response.body.handle.transfer.pauseCount > 0)
        }
    }

    @Test("a reader that stays just behind a long body keeps the queue bounded (read chunks are released)")
    func steadyReaderMemory() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient(configuration: TransportConfiguration(maxBufferedBytes: 64 << 10))
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/steady"))
            let transfer = response.body.handle.transfer
            var total = 0
            var reads = 0
            var mostHeld = 0
            for try await chunk in response.body {
                total += chunk.count
                reads += 1
                mostHeld = max(mostHeld, transfer.heldBytes)
                // Slower than the upstream, so the queue refills before it runs empty.
                if reads % 4 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            #expect(total == 4 << 20)
            // Before the fix, every chunk read since the queue last ran empty stayed alive: megabytes here.
            #expect(mostHeld <= 64 << 10 + 64 << 10, "the queue held \(mostHeld) bytes")
        }
    }

    @Test("connection refused is a connect failure")
    func connectionRefused() async throws {
        let client = CurlClient()
        defer { client.shutdown() }
        await #expect(throws: TransportError.self) {
            _ = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(closedPort())/"))
        }
        do {
            _ = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(closedPort())/"))
        } catch let error as TransportError {
            guard case .connectFailed = error else {
                Issue.record("expected connectFailed, got \(error)")
                return
            }
        }
    }

    @Test("an upstream that never answers hits the first-byte timeout")
    func firstByteTimeout() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient(configuration: TransportConfiguration(firstByteTimeout: .milliseconds(300)))
            defer { client.shutdown() }
            await #expect(throws: TransportError.firstByteTimeout) {
                _ = try await client.execute(HTTPClientRequest(url: server.baseURL + "/silent"))
            }
        }
    }

    @Test("cancelling the reading task cancels the transfer")
    func cancellation() async throws {
        try await LiveServer.with(Self.router()) { server in
            let client = CurlClient()
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/endless"))
            let reader = Task {
                var count = 0
                for try await chunk in response.body { count += chunk.count }
                return count
            }
            try await Task.sleep(for: .milliseconds(100))
            reader.cancel()
            let result = await reader.result
            #expect(throws: (any Error).self) { try result.get() }
            // The client stays usable after a cancelled transfer.
            let next = try await client.execute(HTTPClientRequest(url: server.baseURL + "/teapot"))
            #expect(next.status == 418)
        }
    }

    @Test("an invalid URL is refused before anything is sent")
    func invalidURL() async throws {
        let client = CurlClient()
        defer { client.shutdown() }
        await #expect(throws: TransportError.self) {
            _ = try await client.execute(HTTPClientRequest(url: "file:///etc/passwd"))
        }
    }
}
