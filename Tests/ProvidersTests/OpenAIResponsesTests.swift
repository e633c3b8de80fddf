import JSONCore
import Testing

@testable import PromptGate
@testable import Providers
@testable import Screening

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
