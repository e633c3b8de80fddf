import JSONCore
import Testing

@testable import PromptGate
@testable import Providers
@testable import Screening

@Suite("Placeholders: per-request vault and streaming restore")
struct PlaceholderTests {
    func vault() -> PlaceholderVault {
        var vault = PlaceholderVault()
        #expect(vault.placeholder(for: "maria@example.org", entity: "EMAIL_ADDRESS") == "[EMAIL_ADDRESS_1]")
        #expect(vault.placeholder(for: "212-56-7890", entity: "US_SSN") == "[US_SSN_1]")
        #expect(vault.placeholder(for: "maria@example.org", entity: "EMAIL_ADDRESS") == "[EMAIL_ADDRESS_1]")
        #expect(vault.placeholder(for: "ann@example.org", entity: "EMAIL_ADDRESS") == "[EMAIL_ADDRESS_2]")
        return vault
    }

    @Test("the same value gets the same placeholder; new values count up per type")
    func numbering() {
        let vault = vault()
        #expect(vault.count == 3)
        #expect(vault.value(for: "[EMAIL_ADDRESS_2]") == "ann@example.org")
    }

    @Test("restoring across every possible split of the answer gives the same text")
    func everySplit() {
        let vault = vault()
        let answer = "Dear [EMAIL_ADDRESS_1], your SSN [US_SSN_1] and [EMAIL_ADDRESS_2]; [NOT_A_PLACEHOLDER] [x] ["
        let expected = "Dear maria@example.org, your SSN 212-56-7890 and ann@example.org; [NOT_A_PLACEHOLDER] [x] ["
        let bytes = Array(answer.utf8)
        for a in 0...bytes.count {
            for b in a...bytes.count where b == a || b == bytes.count || (b - a) % 3 == 0 {
                var restorer = PlaceholderRestorer(vault: vault)
                var out = ""
                for piece in [bytes[0..<a], bytes[a..<b], bytes[b...]] {
                    out += restorer.feed(String(decoding: piece, as: UTF8.self))
                }
                out += restorer.finish()
                #expect(out == expected, "split at \(a), \(b)")
            }
        }
    }

    @Test("one character at a time, nothing is held back longer than a placeholder")
    func byteAtATime() {
        let vault = vault()
        var restorer = PlaceholderRestorer(vault: vault)
        var out = ""
        for character in "x [US_SSN_1] y [US_SSN" {
            out += restorer.feed(String(character))
            #expect(restorer.heldBack <= vault.longestPlaceholder)
        }
        out += restorer.finish()
        #expect(out == "x 212-56-7890 y [US_SSN")
    }

    @Test("restored values are never masked again, and other requests' placeholders are not restored")
    func scoping() {
        var first = PlaceholderVault()
        _ = first.placeholder(for: "[US_SSN_2]", entity: "US_SSN")  // a value that looks like a placeholder
        let second = PlaceholderVault()
        #expect(first.restore("[US_SSN_1]") == "[US_SSN_2]")
        #expect(second.restore("[US_SSN_1]") == "[US_SSN_1]")
    }

    @Test("an empty vault passes text through untouched and holds nothing back")
    func emptyVault() {
        var restorer = PlaceholderRestorer(vault: PlaceholderVault())
        #expect(restorer.feed("[EMAIL_ADDRESS_") == "[EMAIL_ADDRESS_")
        #expect(restorer.finish() == "")
    }
}

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
            transformer: PlaceholderStreamTransformer(vault: Self.vault()), loggedTextLimit: 9)
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
        #expect(rewriter.upstreamText["0.text"] == "abcdefgh")  // "é" (2 bytes) would have crossed the 9-byte limit
        #expect(rewriter.upstreamTextDropped == 2 + 2 + 6)
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
        #expect(rewriter.upstreamText["0.text"] == "SSN [US_SSN_1] for [PERS")
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

@Suite("OpenAI embeddings requests")
struct OpenAIEmbeddingsTests {
    @Test(
        "strings are slots, token arrays unscreened, anything else refused",
        arguments: [
            (#"{"input":"a b"}"#, ["a b"], [String]()),
            (#"{"input":["a","b"]}"#, ["a", "b"], []),
            (#"{"input":[1,2,3]}"#, [], ["input (token array)"]),
            (#"{"input":["a",[1,2]]}"#, ["a"], ["input[1] (token array)"]),
        ])
    func extract(json: String, texts: [String], unscreened: [String]) throws {
        let request = try OpenAIEmbeddings.extract(try JSONParser.parse(Array(json.utf8)))
        #expect(request.slots.map(\.text) == texts)
        #expect(request.unscreened == unscreened)
    }

    @Test("a missing or malformed input is a decoding error")
    func refused() {
        for json in [#"{}"#, #"{"input":5}"#, #"{"input":[true]}"#] {
            #expect(throws: RequestDecodingError.self) {
                try OpenAIEmbeddings.extract(try JSONParser.parse(Array(json.utf8)))
            }
        }
    }
}

@Suite("OpenAI Responses: requests and event streams")
struct OpenAIResponsesTests {
    @Test("instructions, input strings, message parts, function-call arguments and outputs are slots")
    func extract() throws {
        let body = try JSONParser.parse(
            Array(
                """
                {"instructions":"I","input":[{"role":"user","content":[{"type":"input_text","text":"A"},{"type":"input_image","image_url":"x"}]},
                 {"type":"function_call","call_id":"c","name":"f","arguments":"{\\"q\\":\\"B\\"}"},{"type":"function_call_output","call_id":"c","output":"C"},
                 {"type":"reasoning","id":"r"}],"tools":[{"type":"function","name":"f","description":"D"}]}
                """.utf8))
        let request = try OpenAIResponses.extract(body)
        #expect(request.slots.map(\.text) == ["I", "A", #"{"q":"B"}"#, "C", "D"])
        #expect(request.unscreened == ["input[0].content[1] (input_image)"])
    }

    @Test("a placeholder split across deltas is restored; held text goes out before .done; every copy is restored")
    func stream() throws {
        var vault = PlaceholderVault()
        _ = vault.placeholder(for: "maria@example.org", entity: "EMAIL_ADDRESS")
        var rewriter = OpenAIResponsesStreamRewriter(transformer: PlaceholderStreamTransformer(vault: vault))
        func event(_ type: String, _ json: String) -> ServerSentEvent { ServerSentEvent(event: type, data: json) }
        let upstream = [
            event(
                "response.output_text.delta",
                #"{"type":"response.output_text.delta","sequence_number":4,"item_id":"m","output_index":0,"content_index":0,"delta":"to [EMAIL_AD"}"#
            ),
            event(
                "response.output_text.delta",
                #"{"type":"response.output_text.delta","sequence_number":5,"item_id":"m","output_index":0,"content_index":0,"delta":"DRESS_1] [EMA"}"#
            ),
            event(
                "response.output_text.done",
                #"{"type":"response.output_text.done","sequence_number":6,"item_id":"m","output_index":0,"content_index":0,"text":"to [EMAIL_ADDRESS_1] [EMA"}"#
            ),
            event(
                "response.output_item.done",
                #"{"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"type":"message","content":[{"type":"output_text","text":"to [EMAIL_ADDRESS_1] [EMA"}]}}"#
            ),
            event(
                "response.completed",
                #"{"type":"response.completed","sequence_number":8,"response":{"output":[{"type":"function_call","arguments":"{\"to\":\"[EMAIL_ADDRESS_1]\"}"}],"usage":{"input_tokens":3,"output_tokens":4}}}"#
            ),
        ]
        let out = upstream.flatMap { rewriter.rewrite($0) }
        let types = out.map { $0.event ?? "" }
        #expect(
            types == [
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.output_item.done", "response.completed",
            ])
        let deltas = try out.prefix(3).map { try JSONParser.parse(Array($0.data.utf8))["delta"]?.stringValue ?? "" }
        #expect(deltas.joined() == "to maria@example.org [EMA")
        #expect(try JSONParser.parse(Array(out[3].data.utf8))["text"]?.stringValue == "to maria@example.org [EMA")
        #expect(out[4].data.contains("maria@example.org") && !out[4].data.contains("[EMAIL_ADDRESS_1]"))
        #expect(out[5].data.contains(#"{\"to\":\"maria@example.org\"}"#))
        #expect(rewriter.sawEnd && rewriter.usage.prompt == 3 && rewriter.usage.completion == 4)
    }
}
