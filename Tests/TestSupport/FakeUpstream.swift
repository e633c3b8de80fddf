import Foundation
import HTTPTypes
import Hummingbird
import JSONCore
import NIOCore

/// What reached the fake upstream.
package actor UpstreamRecorder {
    package init() {}
    package private(set) var bodies: [String] = []
    package private(set) var authorizations: [String] = []
    package func record(body: String, authorization: String) {
        bodies.append(body)
        authorizations.append(authorization)
    }
}

/// An OpenAI-compatible upstream that echoes the last user text, in 5-byte stream chunks so placeholders are split
/// across chunks; `"drop"` in the prompt makes it break the stream off after two chunks.
package enum FakeUpstream {
    package static func router(_ recorder: UpstreamRecorder) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 22)
            let text = String(buffer: body)
            await recorder.record(body: text, authorization: request.headers[.authorization] ?? "")
            let json = try JSONParser.parse(text)
            let last = json["messages"]?.arrayValue?.last?["content"]
            let prompt = last?.stringValue ?? last?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined() ?? ""
            let answer = "You said: " + prompt
            if json["stream"]?.boolValue == true {
                let drop = prompt.contains("drop")
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: ResponseBody { writer in
                        let bytes = Array(answer.utf8)
                        var i = 0
                        var sent = 0
                        while i < bytes.count {
                            let piece = String(decoding: bytes[i..<min(i + 5, bytes.count)], as: UTF8.self)
                            let chunk = JSONValue.object([
                                ("id", .string("c1")), ("object", .string("chat.completion.chunk")),
                                ("created", .int(1)),
                                ("model", .string("m")),
                                (
                                    "choices",
                                    .array([
                                        .object([
                                            ("index", .int(0)), ("delta", .object([("content", .string(piece))])),
                                            ("finish_reason", .null),
                                        ])
                                    ])
                                ),
                            ])
                            try await writer.write(ByteBuffer(string: "data: \(chunk.serialized())\n\n"))
                            i += 5
                            sent += 1
                            if drop && sent == 2 { throw CancellationError() }
                        }
                        let end =
                            #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
                        try await writer.write(ByteBuffer(string: "data: \(end)\n\ndata: [DONE]\n\n"))
                        try await writer.finish(nil)
                    })
            }
            let reply = JSONValue.object([
                ("id", .string("c1")), ("object", .string("chat.completion")), ("model", .string("m")),
                (
                    "choices",
                    .array([
                        .object([
                            ("index", .int(0)),
                            ("message", .object([("role", .string("assistant")), ("content", .string(answer))])),
                            ("finish_reason", .string("stop")),
                        ])
                    ])
                ),
                ("usage", .object([("prompt_tokens", .int(7)), ("completion_tokens", .int(9))])),
            ])
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: reply.serialized())))
        }
        return router
    }
}
