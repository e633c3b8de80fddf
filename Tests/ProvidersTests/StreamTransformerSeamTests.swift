import JSONCore
import Providers
import Testing

/// The seam between a stream rewriter and its transformer: each rewriter hands every text piece over with its slot
/// (where it belongs, and whether it is JSON), finishes each slot before its end goes out, and puts held text back
/// in the wire format.
@Suite("Stream rewriters hand every piece to the transformer with an explicit slot")
struct StreamTransformerSeamTests {
    typealias Call = RecordingTransformer.Call

    static func parse(_ event: ServerSentEvent) throws -> JSONValue { try JSONParser.parse(Array(event.data.utf8)) }

    // MARK: OpenAI Chat Completions

    static func chatChunk(_ choice: String) -> ServerSentEvent {
        ServerSentEvent(data: #"{"id":"c","object":"chat.completion.chunk","model":"m","choices":[\#(choice)]}"#)
    }

    static let chatStream = [
        chatChunk(#"{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}"#),
        chatChunk(#"{"index":0,"delta":{"content":"lo"},"finish_reason":null}"#),
        chatChunk(
            #"{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]},"finish_reason":null}"#
        ),
        chatChunk(
            #"{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}"#),
        chatChunk(
            #"{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}"#),
        chatChunk(#"{"index":0,"delta":{},"finish_reason":"tool_calls"}"#),
        ServerSentEvent(data: "[DONE]"),
    ]

    @Test("OpenAI Chat: content is a text slot per choice, each tool call's arguments a JSON slot of its own")
    func openAIChat() {
        var rewriter = OpenAIChatStreamRewriter(transformer: RecordingTransformer())
        let out = Self.chatStream.flatMap { rewriter.rewrite($0) } + rewriter.finish()
        let content = StreamSlot(index: 0, kind: .text)
        let first = StreamSlot(index: 0, part: 0, kind: .json)
        let second = StreamSlot(index: 0, part: 1, kind: .json)
        #expect(
            rewriter.transformer.calls == [
                .piece(content, "Hel"), .piece(content, "lo"), .piece(first, #"{"a":"#), .piece(second, "{}"),
                .piece(first, "1}"), .finish(content), .finish(first), .finish(second),
            ])
        #expect(out == Self.chatStream)  // text passed through as it came: the events are the upstream's
    }

    @Test("OpenAI Chat: held text goes out before the choice finishes, as content or as its tool call's arguments")
    func openAIChatHeld() throws {
        var rewriter = OpenAIChatStreamRewriter(transformer: RecordingTransformer(holdsBack: true))
        let out = Self.chatStream.flatMap { rewriter.rewrite($0) }
        let finished = try #require(out.firstIndex { $0.data.contains(#""finish_reason":"tool_calls""#) })
        let deltas = try out[(finished - 3)..<finished].map {
            try Self.parse($0)[path: [.key("choices"), .index(0), .key("delta")]]
        }
        let call: [JSONPathComponent] = [.key("tool_calls"), .index(0)]
        #expect(deltas[0]?["content"]?.stringValue == "Hello")
        #expect(deltas[1]?[path: call + [.key("index")]]?.intValue == 0)
        #expect(deltas[1]?[path: call + [.key("function"), .key("arguments")]]?.stringValue == #"{"a":1}"#)
        #expect(deltas[2]?[path: call + [.key("index")]]?.intValue == 1)
        #expect(deltas[2]?[path: call + [.key("function"), .key("arguments")]]?.stringValue == "{}")
    }

    // MARK: OpenAI Responses

    static func responsesEvent(_ type: String, _ fields: String) -> ServerSentEvent {
        ServerSentEvent(event: type, data: #"{"type":"\#(type)",\#(fields)}"#)
    }

    static let message = #"{"type":"message","content":[{"type":"output_text","text":"Hi there"}]}"#
    static let call = #"{"type":"function_call","arguments":"{\"q\":2}"}"#
    static let responsesStream = [
        responsesEvent("response.created", #""response":{"output":[]}"#),
        responsesEvent("response.output_text.delta", #""output_index":0,"content_index":0,"delta":"Hi ""#),
        responsesEvent("response.output_text.delta", #""output_index":0,"content_index":0,"delta":"there""#),
        responsesEvent("response.output_text.done", #""output_index":0,"content_index":0,"text":"Hi there""#),
        responsesEvent(
            "response.content_part.done",
            #""output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hi there"}"#),
        responsesEvent("response.output_item.done", #""output_index":0,"item":\#(message)"#),
        responsesEvent("response.function_call_arguments.delta", #""item_id":"f","output_index":1,"delta":"{\"q\":""#),
        responsesEvent("response.function_call_arguments.delta", #""item_id":"f","output_index":1,"delta":"2}""#),
        responsesEvent("response.function_call_arguments.done", #""output_index":1,"arguments":"{\"q\":2}""#),
        responsesEvent("response.output_item.done", #""output_index":1,"item":\#(call)"#),
        responsesEvent("response.completed", #""response":{"output":[\#(message),\#(call)]}"#),
    ]

    @Test(
        "OpenAI Responses: a content part is a text slot, a function call's arguments a JSON slot; repeats are marked")
    func openAIResponses() {
        var rewriter = OpenAIResponsesStreamRewriter(transformer: RecordingTransformer())
        _ = Self.responsesStream.flatMap { rewriter.rewrite($0) } + rewriter.finish()
        let text = StreamSlot(index: 0, part: 0, kind: .text)
        let arguments = StreamSlot(index: 1, kind: .json)
        #expect(
            rewriter.transformer.calls == [
                .piece(text, "Hi "), .piece(text, "there"), .finish(text), .repeated(.text, "Hi there"),
                .repeated(.text, "Hi there"), .repeated(.text, "Hi there"),
                .piece(arguments, #"{"q":"#), .piece(arguments, "2}"), .finish(arguments),
                .repeated(.json, #"{"q":2}"#), .repeated(.json, #"{"q":2}"#),
                .repeated(.text, "Hi there"), .repeated(.json, #"{"q":2}"#),
            ])
    }

    @Test("OpenAI Responses: held text goes out as a delta of its kind right before the slot's .done event")
    func openAIResponsesHeld() throws {
        var rewriter = OpenAIResponsesStreamRewriter(transformer: RecordingTransformer(holdsBack: true))
        let out = Self.responsesStream.flatMap { rewriter.rewrite($0) }
        for (done, delta, text) in [
            ("response.output_text.done", "response.output_text.delta", "Hi there"),
            ("response.function_call_arguments.done", "response.function_call_arguments.delta", #"{"q":2}"#),
        ] {
            let at = try #require(out.firstIndex { $0.event == done })
            #expect(out[at - 1].event == delta)
            #expect(try Self.parse(out[at - 1])["delta"]?.stringValue == text)
        }
    }

    // MARK: Anthropic Messages

    static func anthropicEvent(_ type: String, _ fields: String) -> ServerSentEvent {
        ServerSentEvent(event: type, data: #"{"type":"\#(type)",\#(fields)}"#)
    }

    static func block(_ index: Int, _ delta: String) -> ServerSentEvent {
        anthropicEvent("content_block_delta", #""index":\#(index),"delta":\#(delta)"#)
    }

    static let anthropicStream = [
        anthropicEvent("message_start", #""message":{"usage":{"input_tokens":1}}"#),
        anthropicEvent("content_block_start", #""index":0,"content_block":{"type":"thinking","thinking":""}"#),
        block(0, #"{"type":"thinking_delta","thinking":"hmm"}"#),
        anthropicEvent("content_block_stop", #""index":0"#),
        anthropicEvent("content_block_start", #""index":1,"content_block":{"type":"text","text":""}"#),
        block(1, #"{"type":"text_delta","text":"Hi"}"#),
        anthropicEvent("content_block_stop", #""index":1"#),
        anthropicEvent("content_block_start", #""index":2,"content_block":{"type":"tool_use","id":"t","name":"n"}"#),
        block(2, #"{"type":"input_json_delta","partial_json":"{\"a\""}"#),
        block(2, #"{"type":"input_json_delta","partial_json":":1}"}"#),
        anthropicEvent("content_block_stop", #""index":2"#),
        anthropicEvent("message_delta", #""delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":2}"#),
        anthropicEvent("message_stop", ""),
    ]

    @Test("Anthropic: each content block is a slot; thinking and text are text, a tool call's input is JSON")
    func anthropic() {
        var rewriter = AnthropicMessagesStreamRewriter(transformer: RecordingTransformer())
        _ = Self.anthropicStream.flatMap { rewriter.rewrite($0) } + rewriter.finish()
        let thinking = StreamSlot(index: 0, kind: .text)
        let text = StreamSlot(index: 1, kind: .text)
        let input = StreamSlot(index: 2, kind: .json)
        #expect(
            rewriter.transformer.calls == [
                .piece(thinking, "hmm"), .finish(thinking), .piece(text, "Hi"), .finish(text),
                .piece(input, #"{"a""#), .piece(input, ":1}"), .finish(input),
            ])
    }

    @Test("Anthropic: held text goes out as a delta of its block's type right before the block stops")
    func anthropicHeld() throws {
        var rewriter = AnthropicMessagesStreamRewriter(transformer: RecordingTransformer(holdsBack: true))
        let out = Self.anthropicStream.flatMap { rewriter.rewrite($0) }
        let stops = out.indices.filter { out[$0].event == "content_block_stop" }
        let held = try stops.map { try Self.parse(out[$0 - 1])["delta"] }
        #expect(held.map { $0?["type"]?.stringValue } == ["thinking_delta", "text_delta", "input_json_delta"])
        let texts: [String?] = zip(held, ["thinking", "text", "partial_json"]).map { delta, field in
            delta?[field]?.stringValue
        }
        #expect(texts == ["hmm", "Hi", #"{"a":1}"#])
    }

    // MARK: Ollama

    static let ollamaStream = [
        ServerSentEvent(data: #"{"model":"m","message":{"role":"assistant","content":"Hel"},"done":false}"#),
        ServerSentEvent(data: #"{"model":"m","message":{"role":"assistant","content":"lo"},"done":false}"#),
        ServerSentEvent(
            data:
                #"{"model":"m","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"city":"Paris","tags":["x",{"y":"z"}],"n":2}}}]},"done":false}"#
        ),
        ServerSentEvent(data: #"{"model":"m","message":{"role":"assistant","content":""},"done":true,"eval_count":3}"#),
    ]

    @Test("Ollama: content is one text slot; tool calls' string values arrive whole, as text, not JSON")
    func ollama() {
        var rewriter = OllamaChatStreamRewriter(transformer: RecordingTransformer())
        _ = Self.ollamaStream.flatMap { rewriter.rewrite($0) } + rewriter.finish()
        let content = OllamaChat.contentSlot
        let tools = OllamaChat.toolCallsSlot
        #expect(content.kind == .text && tools.kind == .text && content != tools)
        #expect(
            rewriter.transformer.calls == [
                .piece(content, "Hel"), .piece(content, "lo"), .piece(content, ""), .whole(tools, "Paris"),
                .whole(tools, "x"), .whole(tools, "z"), .piece(content, ""), .finish(content), .finish(content),
            ])
    }

    @Test("Ollama: held content goes out in a line of its own before the done line")
    func ollamaHeld() throws {
        var rewriter = OllamaChatStreamRewriter(transformer: RecordingTransformer(holdsBack: true))
        let out = Self.ollamaStream.flatMap { rewriter.rewrite($0) }
        #expect(try out.suffix(2).map { try Self.parse($0)["message"]?["content"]?.stringValue } == ["Hello", ""])
        #expect(try Self.parse(out[out.count - 1])["done"]?.boolValue == true)
    }

    // MARK: Slots

    @Test("slots order as the answer reads: by index, a part's own text before its numbered parts")
    func order() {
        let slots = [
            StreamSlot(index: 1, kind: .text), StreamSlot(index: 0, part: 10, kind: .json),
            StreamSlot(index: 0, part: 2, kind: .json), StreamSlot(index: 0, kind: .text),
        ]
        #expect(slots.sorted().map(\.description) == ["0", "0.2 json", "0.10 json", "1"])
    }
}
