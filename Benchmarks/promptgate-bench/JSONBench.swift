import Foundation
import JSONCore

/// `promptgate-bench json [--iterations N]`: parsing and serialising the bodies a proxied chat request passes
/// through (an OpenAI request with a system and a user message, and an answer with usage), µs per body — the parser
/// runs twice per proxied request and once per streamed chunk.
func benchJSON() throws {
    let iterations = Int(option("iterations", "100000")) ?? 100_000
    let request = Array(
        #"""
        {"model":"gpt-4o-mini","stream":false,"temperature":0.2,"messages":[{"role":"system","content":"You are a helpful assistant for the city's permit office. Answer in plain language."},{"role":"user","content":"Summarise the permit rules for a backyard deck in plain language.\nReply to [EMAIL_ADDRESS_1]."}]}
        """#.utf8)
    let answer = Array(
        #"""
        {"id":"chatcmpl-8f2c1a","object":"chat.completion","created":1764400000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"A backyard deck needs a permit when it is higher than 30 inches above the ground or attached to the house.\nYou will need a site plan and construction drawings; the review takes about two weeks. I will write to [EMAIL_ADDRESS_1] with the checklist.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":38,"completion_tokens":61,"total_tokens":99},"system_fingerprint":"fp_0aa8d3e20b"}
        """#.utf8)
    print("body | bytes | parse µs | serialise µs")
    for (name, body) in [("request", request), ("answer", answer)] {
        let value = try JSONParser.parse(body)
        var sink = 0  // what each loop computed, printed so that no loop can be optimised away
        let parseStart = ContinuousClock.now
        for _ in 0..<iterations {
            if case .object(let members) = try JSONParser.parse(body) { sink &+= members.count }
        }
        let parse = milliseconds(.now - parseStart) * 1000 / Double(iterations)
        let writeStart = ContinuousClock.now
        for _ in 0..<iterations { sink &+= value.serializedBytes().count }
        let write = milliseconds(.now - writeStart) * 1000 / Double(iterations)
        print(String(format: "%@ | %d | %.2f | %.2f", name, body.count, parse, write) + (sink == 0 ? " " : ""))
    }
}
