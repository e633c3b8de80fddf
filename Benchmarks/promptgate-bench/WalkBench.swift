import Foundation
import JSONCore
import PromptGate
import Providers
import Screening

/// `promptgate-bench walk [--iterations N]`: what screening a typical request costs when only the protocol's text
/// slots are read, one scan each (as before the whole-body walk), against the whole body — every string and key,
/// text attachments, base64 runs — in two scans, with the normalised view. µs per request, on three bodies: a plain
/// chat, a chat with tools, metadata and a JSON-schema answer format, and an Anthropic request with a system prompt,
/// tools and a text document.
func benchWalk() throws {
    let iterations = Int(option("iterations", "20000")) ?? 20_000
    let screener = try Screener(packs: try GuidelineLoader.embedded())
    let bodies: [(name: String, wire: String, json: String)] = [
        (
            "chat", "openai",
            #"""
            {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant for the city's permit office."},{"role":"user","content":"Summarise the permit rules for a backyard deck and reply to maria.gonzalez@example.org."}]}
            """#
        ),
        (
            "chat+tools", "openai",
            #"""
            {"model":"gpt-4o-mini","metadata":{"case":"permit-2291","team":"permits"},"user":"u-1842","stop":["END"],"messages":[{"role":"system","content":"You draft replies for the permit office."},{"role":"user","content":"Draft a reply to the resident at 14 Elm Street about case 2291; phone (617) 555-0134."}],"tools":[{"type":"function","function":{"name":"lookup_case","description":"Looks up a permit case by number","parameters":{"type":"object","properties":{"case":{"type":"string","description":"the case number"},"status":{"type":"string","enum":["open","closed"]}},"required":["case"]}}}],"response_format":{"type":"json_schema","json_schema":{"name":"reply","schema":{"type":"object","properties":{"subject":{"type":"string"},"body":{"type":"string"}}}}}}
            """#
        ),
        (
            "anthropic+document", "anthropic",
            #"""
            {"model":"claude-3-5-haiku-latest","max_tokens":512,"system":"You summarise documents for city staff.","metadata":{"user_id":"u-1842"},"tools":[{"name":"file_note","description":"Files a note on a case","input_schema":{"type":"object","properties":{"note":{"type":"string"}}}}],"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"Inspection report for 14 Elm Street. The owner, Maria Gonzalez, was present. Next visit in two weeks."}},{"type":"text","text":"Summarise this report in three sentences."}]}]}
            """#
        ),
    ]
    print("request | bytes | protocol slots | all slots | slot-only µs | whole body µs")
    for body in bodies {
        let value = try JSONParser.parse(Array(body.json.utf8))
        let request = body.wire == "anthropic" ? try AnthropicMessages.extract(value) : try OpenAIChat.extract(value)
        var sink = 0  // printed, so that no loop can be optimised away
        let slotOnlyStart = ContinuousClock.now
        for _ in 0..<iterations {
            for slot in request.slots { sink &+= try screener.scan(slot.text).count }
        }
        let slotOnly = milliseconds(.now - slotOnlyStart) * 1000 / Double(iterations)
        let whole = request.walkingWholeBody()
        let wholeStart = ContinuousClock.now
        for _ in 0..<iterations {
            let slots = request.walkingWholeBody().slots
            let all = slots + slots.filter { $0.handling == .text }.flatMap { $0.decodedRuns() }
            sink &+= try screener.scan(parts: all.map(\.text), joinable: all.map { $0.handling == .text }).count
        }
        let wholeBody = milliseconds(.now - wholeStart) * 1000 / Double(iterations)
        print(
            String(
                format: "%@ | %d | %d | %d | %.1f | %.1f", body.name, body.json.utf8.count, request.slots.count,
                whole.slots.count, slotOnly, wholeBody) + (sink == 0 ? " " : ""))
    }
}
