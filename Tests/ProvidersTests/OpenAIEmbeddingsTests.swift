import JSONCore
import Testing

@testable import PromptGate
@testable import Providers
@testable import Screening

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
