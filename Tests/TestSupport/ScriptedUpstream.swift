import Foundation
import HTTPTypes
import Hummingbird
import JSONCore
import NIOCore

/// The answer a ``ScriptedUpstream`` gives next, set by the test (not sent in the request, which is screened).
package actor AnswerScript {
    package init() {}
    /// The answer's text; `{prompt}` in it becomes the last user text as the upstream received it.
    package private(set) var answer = ""
    /// Byte offsets where a streamed answer is cut into pieces.
    package private(set) var cuts: [Int] = []
    package func set(_ answer: String, cuts: [Int] = []) {
        self.answer = answer
        self.cuts = cuts
    }
}

/// An upstream that answers what the test scripted (``AnswerScript``), streamed in pieces cut where the script
/// says. Chat Completions (`/v1/chat/completions`) and Responses (`/v1/responses`, whose
/// streams repeat the whole text in their `.done` events and `response.completed`).
package enum ScriptedUpstream {
    package static func router(_ recorder: UpstreamRecorder, _ script: AnswerScript) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in
            let (json, answer, pieces) = try await scripted(request, recorder, script)
            guard json["stream"]?.boolValue == true else {
                return Self.json(
                    .object([
                        ("id", .string("c1")), ("object", .string("chat.completion")), ("model", .string("m")),
                        (
                            "choices",
                            .array([
                                .object([
                                    ("index", .int(0)),
                                    (
                                        "message",
                                        .object([("role", .string("assistant")), ("content", .string(answer))])
                                    ),
                                    ("finish_reason", .string("stop")),
                                ])
                            ])
                        ),
                    ]))
            }
            var events = pieces.map { piece in
                JSONValue.object([
                    ("id", .string("c1")), ("object", .string("chat.completion.chunk")), ("created", .int(1)),
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
                ]).serialized()
            }
            events.append(
                #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
            )
            events.append("[DONE]")
            return stream(events.map { (nil, $0) })
        }
        router.post("/v1/responses") { request, _ in
            let (_, answer, pieces) = try await scripted(request, recorder, script)
            let part: JSONValue = .object([("type", .string("output_text")), ("text", .string(answer))])
            let item: JSONValue = .object([
                ("id", .string("msg_1")), ("type", .string("message")), ("role", .string("assistant")),
                ("content", .array([part])),
            ])
            let response: JSONValue = .object([
                ("id", .string("resp_1")), ("object", .string("response")), ("status", .string("completed")),
                ("output", .array([item])),
            ])
            var events: [(String?, String)] = pieces.map { piece in
                (
                    "response.output_text.delta",
                    JSONValue.object([
                        ("type", .string("response.output_text.delta")), ("item_id", .string("msg_1")),
                        ("output_index", .int(0)), ("content_index", .int(0)), ("delta", .string(piece)),
                    ]).serialized()
                )
            }
            events += [
                (
                    "response.output_text.done",
                    JSONValue.object([
                        ("type", .string("response.output_text.done")), ("item_id", .string("msg_1")),
                        ("output_index", .int(0)), ("content_index", .int(0)), ("text", .string(answer)),
                    ]).serialized()
                ),
                (
                    "response.content_part.done",
                    JSONValue.object([
                        ("type", .string("response.content_part.done")), ("item_id", .string("msg_1")),
                        ("output_index", .int(0)), ("content_index", .int(0)), ("part", part),
                    ]).serialized()
                ),
                (
                    "response.output_item.done",
                    JSONValue.object([
                        ("type", .string("response.output_item.done")), ("output_index", .int(0)), ("item", item),
                    ]).serialized()
                ),
                (
                    "response.completed",
                    JSONValue.object([
                        ("type", .string("response.completed")), ("response", response),
                    ]).serialized()
                ),
            ]
            return stream(events)
        }
        return router
    }

    /// The request, the answer it scripts, and the answer cut into its stream pieces.
    private static func scripted(_ request: Request, _ recorder: UpstreamRecorder, _ script: AnswerScript) async throws
        -> (JSONValue, String, [String])
    {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 1 << 22))
        await recorder.record(body: body, authorization: request.headers[.authorization] ?? "")
        let json = try JSONParser.parse(body)
        let last =
            json["messages"]?.arrayValue?.last?["content"]?.stringValue
            ?? json["input"]?.stringValue ?? ""
        let answer = await script.answer.replacingOccurrences(of: "{prompt}", with: last)
        let bytes = Array(answer.utf8)
        var cuts = await script.cuts.filter { $0 > 0 && $0 < bytes.count }
        cuts = [0] + cuts.sorted() + [bytes.count]
        var pieces: [String] = []
        for (from, to) in zip(cuts, cuts.dropFirst()) where to > from {
            pieces.append(String(decoding: bytes[from..<to], as: UTF8.self))
        }
        return (json, answer, pieces)
    }

    private static func json(_ value: JSONValue) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
    }

    private static func stream(_ events: [(name: String?, data: String)]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                for event in events {
                    let name = event.name.map { "event: \($0)\n" } ?? ""
                    try await writer.write(ByteBuffer(string: name + "data: \(event.data)\n\n"))
                }
                try await writer.finish(nil)
            })
    }
}
