import JSONCore

/// Rewrites an OpenAI Chat Completions event stream chunk by chunk: the text of every choice's content and tool-call
/// arguments goes through the transformer; what it holds back is sent in a chunk of its own before that choice
/// finishes, so no text is lost and nothing waits for the end of the stream.
public struct OpenAIChatStreamRewriter<Transformer: StreamTextTransformer> {
    /// Sees every piece of text: a choice's content is slot (choice, text), a tool call's arguments (choice, tool
    /// call index, JSON).
    public var transformer: Transformer
    public private(set) var usage: (prompt: Int?, completion: Int?) = (nil, nil)
    /// Slots with text seen, per choice index, in order of appearance.
    private var openSlots: [Int: [StreamSlot]] = [:]
    private var template: JSONValue?
    public private(set) var sawDone = false

    public init(transformer: Transformer) { self.transformer = transformer }

    /// The events to send to the client for one upstream event.
    public mutating func rewrite(_ event: ServerSentEvent) -> [ServerSentEvent] {
        if event.data == "[DONE]" {
            sawDone = true
            return flushAll() + [event]
        }
        guard var chunk = try? JSONParser.parse(event.data), chunk.isObject else {
            return [event]  // not a chunk: pass through as is
        }
        if template == nil { template = chunk }
        let u = OpenAIChat.usage(chunk)
        if u.prompt != nil || u.completion != nil { usage = u }
        guard let choices = chunk["choices"]?.arrayValue else { return [event] }
        var before: [ServerSentEvent] = []
        for (position, choice) in choices.enumerated() {
            let index = choice["index"]?.intValue ?? position
            let delta: [JSONPathComponent] = [.key("choices"), .index(position), .key("delta")]
            if case .string(let text)? = chunk[path: delta + [.key("content")]] {
                let out = take(text, slot: StreamSlot(index: index, kind: .text))
                chunk.set(.string(out), at: (delta + [.key("content")])[...])
            }
            if let calls = chunk[path: delta + [.key("tool_calls")]]?.arrayValue {
                for (k, call) in calls.enumerated() {
                    let path = delta + [.key("tool_calls"), .index(k), .key("function"), .key("arguments")]
                    guard case .string(let text)? = chunk[path: path] else { continue }
                    let toolIndex = call["index"]?.intValue ?? k
                    let out = take(text, slot: StreamSlot(index: index, part: toolIndex, kind: .json))
                    chunk.set(.string(out), at: path[...])
                }
            }
            if let reason = choice["finish_reason"], reason != .null {
                before += flush(choice: index)
            }
        }
        return before + [ServerSentEvent(event: event.event, data: chunk.serialized())]
    }

    /// A chunk that adds `text` to a choice's content, shaped like the upstream's own chunks.
    public func contentChunk(_ text: String, choice: Int = 0) -> ServerSentEvent {
        ServerSentEvent(data: syntheticChunk(choice: choice, delta: .object([("content", .string(text))])).serialized())
    }

    /// Events for text still held when the upstream ended without `[DONE]`.
    public mutating func finish() -> [ServerSentEvent] { flushAll() }

    private mutating func take(_ text: String, slot: StreamSlot) -> String {
        if !(openSlots[slot.index]?.contains(slot) ?? false) { openSlots[slot.index, default: []].append(slot) }
        return transformer.transform(text, in: slot)
    }

    private mutating func flushAll() -> [ServerSentEvent] {
        openSlots.keys.sorted().flatMap { flush(choice: $0) }
    }

    private mutating func flush(choice: Int) -> [ServerSentEvent] {
        guard let slots = openSlots.removeValue(forKey: choice) else { return [] }
        var events: [ServerSentEvent] = []
        for slot in slots {
            let held = transformer.finish(slot)
            guard !held.isEmpty else { continue }
            let delta: JSONValue
            if let toolIndex = slot.part {
                delta = .object([
                    (
                        "tool_calls",
                        .array([
                            .object([
                                ("index", .int(toolIndex)), ("function", .object([("arguments", .string(held))])),
                            ])
                        ])
                    )
                ])
            } else {
                delta = .object([("content", .string(held))])
            }
            events.append(ServerSentEvent(data: syntheticChunk(choice: choice, delta: delta).serialized()))
        }
        return events
    }

    private func syntheticChunk(choice: Int, delta: JSONValue) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for key in ["id", "object", "created", "model", "system_fingerprint"] {
            if let value = template?[key] { members.append((key, value)) }
        }
        members.append(
            ("choices", .array([.object([("index", .int(choice)), ("delta", delta), ("finish_reason", .null)])])))
        return .object(members)
    }
}

extension OpenAIChatStreamRewriter: Sendable where Transformer: Sendable {}
