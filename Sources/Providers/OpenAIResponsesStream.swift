import JSONCore

/// Rewrites an OpenAI Responses event stream. Text arrives in `response.output_text.delta` (and tool arguments in
/// `response.function_call_arguments.delta`), restored per slot with a bounded hold-back; what is held goes out as
/// one more delta right before that slot's `.done` event. The Responses API then **repeats the whole text** in
/// `response.output_text.done`, `response.content_part.done`, `response.output_item.done` and the final
/// `response.completed`: every copy is restored too. There is no `[DONE]`; unknown events pass through.
///
/// A disclosure notice (``carryNotice(_:)``) goes at the end of the answer's text — the first message's first text
/// part, as ``OpenAIResponses/appendToContent(_:_:)`` puts it in a whole response: one more delta before that
/// part's `.done`, and appended in every copy after it.
public struct OpenAIResponsesStreamRewriter<Transformer: StreamTextTransformer>: ChatStreamRewriting {
    /// Sees every piece of text: an output item's content part is slot (output, content part, text), a function
    /// call's arguments (output, JSON); the repeated copies go to ``StreamTextTransformer/transformRepeat(_:kind:)``.
    public var transformer: Transformer
    public private(set) var usage: (prompt: Int?, completion: Int?) = (nil, nil)
    public private(set) var sawEnd = false
    private var openSlots: [StreamSlot] = []
    /// A notice still to place, and, once placed, the (output, content) part it went into.
    private var notice: String?
    private var noticePart: (output: Int, content: Int)?
    private var noticeText = ""

    public init(transformer: Transformer) { self.transformer = transformer }

    static var endEvents: Set<String> { ["response.completed", "response.incomplete", "response.failed"] }

    public mutating func rewrite(_ event: ServerSentEvent) -> [ServerSentEvent] {
        guard var body = try? JSONParser.parse(event.data), body.isObject, let type = body["type"]?.stringValue
        else { return [event] }
        var before: [ServerSentEvent] = []
        let output = body["output_index"]?.intValue ?? 0
        let content = body["content_index"]?.intValue ?? 0
        switch type {
        case "response.output_text.delta", "response.function_call_arguments.delta":
            guard case .string(let text)? = body["delta"] else { return [event] }
            let slot =
                type == "response.output_text.delta"
                ? Self.textSlot(output, content) : StreamSlot(index: output, kind: .json)
            if !openSlots.contains(slot) { openSlots.append(slot) }
            body.set(.string(transformer.transform(text, in: slot)), at: [.key("delta")][...])
        case "response.output_text.done":
            before = flush(Self.textSlot(output, content), like: body)
            restore(&body, at: [.key("text")], kind: .text)
            if let text = notice {
                notice = nil
                noticePart = (output, content)
                noticeText = text
                before += [
                    delta(text, like: body, type: "response.output_text.delta", output: output, content: content)
                ]
            }
            if noticePart.map({ $0 == (output, content) }) == true { append(&body, at: [.key("text")]) }
        case "response.function_call_arguments.done":
            before = flush(StreamSlot(index: output, kind: .json), like: body)
            restore(&body, at: [.key("arguments")], kind: .json)
        case "response.content_part.done":
            restore(&body, at: [.key("part"), .key("text")], kind: .text)
            if noticePart.map({ $0 == (output, content) }) == true { append(&body, at: [.key("part"), .key("text")]) }
        case "response.output_item.done":
            if var item = body["item"] {
                _ = OpenAIResponses.transformItem(&item) { transformer.transformRepeat($0, kind: $1 ? .json : .text) }
                body.set(item, at: [.key("item")][...])
            }
            if let part = noticePart, part.output == output {
                append(&body, at: [.key("item"), .key("content"), .index(part.content), .key("text")])
            }
        case _ where Self.endEvents.contains(type) || type == "response.created" || type == "response.in_progress":
            if var response = body["response"] {
                _ = OpenAIResponses.transformResponse(&response) {
                    transformer.transformRepeat($0, kind: $1 ? .json : .text)
                }
                if let part = noticePart {
                    append(
                        &response,
                        at: [.key("output"), .index(part.output), .key("content"), .index(part.content), .key("text")])
                }
                let u = OpenAIResponses.usage(response)
                if u.prompt != nil || u.completion != nil { usage = u }
                body.set(response, at: [.key("response")][...])
            }
            if Self.endEvents.contains(type) {
                sawEnd = true
                before = finish()
            }
        default: return [event]
        }
        return before + [ServerSentEvent(event: event.event, data: body.serialized())]
    }

    public mutating func finish() -> [ServerSentEvent] {
        let slots = openSlots
        return slots.flatMap { flush($0, like: .object([])) }
    }

    /// The slot of an output item's content part.
    private static func textSlot(_ output: Int, _ content: Int) -> StreamSlot {
        StreamSlot(index: output, part: content, kind: .text)
    }

    /// Transforms the repeated copy of a text at `path`, if there is one.
    private mutating func restore(_ body: inout JSONValue, at path: [JSONPathComponent], kind: StreamSlot.Kind) {
        if case .string(let text)? = body[path: path] {
            body.set(.string(transformer.transformRepeat(text, kind: kind)), at: path[...])
        }
    }

    /// The held-back text of `slot` as a delta event shaped like `template` (its item id, indexes, sequence).
    private mutating func flush(_ slot: StreamSlot, like template: JSONValue) -> [ServerSentEvent] {
        guard let position = openSlots.firstIndex(of: slot) else { return [] }
        openSlots.remove(at: position)
        let held = transformer.finish(slot)
        guard !held.isEmpty else { return [] }
        let type = slot.isJSON ? "response.function_call_arguments.delta" : "response.output_text.delta"
        return [delta(held, like: template, type: type, output: slot.index, content: slot.part ?? 0)]
    }

    /// A delta event of `type` carrying `text`, shaped like `template` (its item id and sequence number).
    private func delta(_ text: String, like template: JSONValue, type: String, output: Int, content: Int)
        -> ServerSentEvent
    {
        var members: [(key: String, value: JSONValue)] = [("type", .string(type))]
        for key in ["sequence_number", "item_id"] { if let value = template[key] { members.append((key, value)) } }
        members.append(("output_index", .int(output)))
        if type == "response.output_text.delta" { members.append(("content_index", .int(content))) }
        members.append(("delta", .string(text)))
        return ServerSentEvent(event: type, data: JSONValue.object(members).serialized())
    }

    /// Appends the placed notice to the string at `path`, if there is one.
    private func append(_ body: inout JSONValue, at path: [JSONPathComponent]) {
        if case .string(let text)? = body[path: path] { body.set(.string(text + noticeText), at: path[...]) }
    }

    public mutating func carryNotice(_ text: String) -> Bool {
        notice = text
        return true
    }

    public func isEnd(_ event: ServerSentEvent) -> Bool { false }  // the notice rides in the text (carryNotice)
    public func noticeEvents(_ text: String) -> [ServerSentEvent] { [] }

    public func errorEvent(status: Int, message: String, type: String, code: String) -> ServerSentEvent {
        ServerSentEvent(
            event: "error",
            data: JSONValue.object([
                ("type", .string("error")), ("code", .string(code)), ("message", .string(message)),
                ("param", .null), ("sequence_number", .int(0)),
            ]).serialized())
    }
}

extension OpenAIResponsesStreamRewriter: Sendable where Transformer: Sendable {}
