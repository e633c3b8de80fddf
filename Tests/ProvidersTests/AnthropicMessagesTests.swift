import JSONCore
import Testing

@testable import PromptGate
@testable import Providers
@testable import Screening

@Suite("Anthropic Messages: requests, answers and event streams")
struct AnthropicMessagesTests {
    static func vault() -> PlaceholderVault {
        var vault = PlaceholderVault()
        _ = vault.placeholder(for: "078-05-1120", entity: "US_SSN")
        _ = vault.placeholder(for: "Jane \"JJ\" O'Neil", entity: "PERSON")
        return vault
    }

    static func event(_ type: String, _ json: String) -> ServerSentEvent { ServerSentEvent(event: type, data: json) }

    @Test("every text location of a request is a slot; images are listed as unscreened")
    func extract() throws {
        let body = try JSONParser.parse(
            Array(
                """
                {"model":"m","system":[{"type":"text","text":"S1"}],"messages":[
                  {"role":"user","content":"U1"},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"T1"},{"type":"tool_use","id":"t","name":"n","input":{"a":"I1","b":[1,"I2"]}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"R1"}]},{"type":"image","source":{}}]}],
                 "tools":[{"name":"n","description":"D1","input_schema":{}}]}
                """.utf8))
        let request = try AnthropicMessages.extract(body)
        #expect(request.slots.map(\.text) == ["S1", "U1", "T1", "I1", "I2", "R1", "D1"])
        #expect(request.unscreened == ["messages[2].content[1] (image)"])
        #expect(throws: RequestDecodingError.self) {
            try AnthropicMessages.extract(try JSONParser.parse(Array(#"{"messages":[{"content":5}]}"#.utf8)))
        }
    }

    @Test(
        "a long stream keeps only the logged-text limit of the upstream's text, whole characters, and counts the rest")
    func loggedTextLimit() throws {
        var rewriter = AnthropicMessagesStreamRewriter(
            transformer: PlaceholderStreamTransformer(vault: Self.vault(), loggedTextLimit: 9))
        var out = rewriter.rewrite(
            Self.event(
                "content_block_start",
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#))
        for piece in ["abcdef", "ghé", "ij", "klmnop"] {
            out += rewriter.rewrite(
                Self.event(
                    "content_block_delta",
                    #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\#(piece)"}}"#))
        }
        // "é" (2 bytes) would have crossed the 9-byte limit
        #expect(rewriter.transformer.logged.slots[StreamSlot(index: 0, kind: .text)] == "abcdefgh")
        #expect(rewriter.transformer.logged.dropped == 2 + 2 + 6)
        // What the client gets is not limited.
        var text = ""
        for event in out + rewriter.finish() where event.event == "content_block_delta" {
            text += try JSONParser.parse(Array(event.data.utf8))["delta"]?["text"]?.stringValue ?? ""
        }
        #expect(text == "abcdefghéijklmnop")
    }

    @Test(
        "a stream: placeholders split across text deltas and tool-input JSON deltas are restored, JSON-escaped in tool input"
    )
    func stream() throws {
        var rewriter = AnthropicMessagesStreamRewriter(transformer: PlaceholderStreamTransformer(vault: Self.vault()))
        let upstream = [
            Self.event("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":9}}}"#),
            Self.event(
                "content_block_start",
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            Self.event(
                "content_block_delta",
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"SSN [US_S"}}"#),
            Self.event(
                "content_block_delta",
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"SN_1] for [PERS"}}"#),
            Self.event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            Self.event(
                "content_block_start",
                #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}}"#
            ),
            Self.event(
                "content_block_delta",
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"who\": \"[PERSON_1"}}"#
            ),
            Self.event(
                "content_block_delta",
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"]\"}"}}"#),
            Self.event("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
            Self.event(
                "message_delta",
                #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":12}}"#),
            Self.event("message_stop", #"{"type":"message_stop"}"#),
        ]
        let out = upstream.flatMap { rewriter.rewrite($0) }
        var text = ""
        var json = ""
        for event in out where event.event == "content_block_delta" {
            let body = try JSONParser.parse(Array(event.data.utf8))
            if let t = body["delta"]?["text"]?.stringValue { text += t }
            if let j = body["delta"]?["partial_json"]?.stringValue { json += j }
        }
        // A prefix that never became a placeholder is released at the block's end.
        #expect(text == "SSN 078-05-1120 for [PERS")
        let input = try JSONParser.parse(Array(json.utf8))
        #expect(input["who"]?.stringValue == "Jane \"JJ\" O'Neil")
        #expect(rewriter.sawEnd && rewriter.usage.prompt == 9 && rewriter.usage.completion == 12)
        #expect(rewriter.transformer.logged.slots[StreamSlot(index: 0, kind: .text)] == "SSN [US_SSN_1] for [PERS")
        // Held-back text leaves before its block's stop, never after.
        let stops = out.enumerated().filter { $0.element.event == "content_block_stop" }.map(\.offset)
        let lastDelta = out.lastIndex { $0.event == "content_block_delta" } ?? 0
        #expect(lastDelta < stops.last ?? 0)
    }

    @Test("OpenAI tool-call arguments restore values as JSON string content, streamed or not")
    func openAIArguments() throws {
        let vault = Self.vault()
        var body = try JSONParser.parse(
            Array(
                #"{"choices":[{"message":{"content":"[PERSON_1]","tool_calls":[{"function":{"arguments":"{\"who\":\"[PERSON_1]\"}"}}]}}]}"#
                    .utf8))
        _ = OpenAIChat.transformResponse(&body) { vault.restore($0, jsonString: $1) }
        #expect(
            body[path: [.key("choices"), .index(0), .key("message"), .key("content")]]?.stringValue
                == "Jane \"JJ\" O'Neil")
        let arguments = try #require(
            body[path: [
                .key("choices"), .index(0), .key("message"), .key("tool_calls"), .index(0), .key("function"),
                .key("arguments"),
            ]]?.stringValue)
        #expect(try JSONParser.parse(Array(arguments.utf8))["who"]?.stringValue == "Jane \"JJ\" O'Neil")
    }
}
