import HTTPTypes
import JSONCore

extension Gate {
    /// Sends a conversation to the model through the whole pipeline — screened, redacted, recorded, forwarded,
    /// placeholders restored — and returns the answer's text with what the gate did.
    ///
    /// ```swift
    /// let (gate, _) = try await Gate.start(
    ///     GateConfiguration(
    ///         upstreamBaseURL: "https://api.openai.com/v1", packs: try GuidelineLoader.embedded(),
    ///         dataDirectory: "/var/lib/casenotes-ai"))
    /// let reply = try await gate.chat(model: "gpt-4o-mini", messages: [.user("Summarise this case note: …")])
    /// print(reply.text, reply.decision, reply.findings)
    /// ```
    ///
    /// - Throws: ``ChatBlocked`` when the guidelines stop the prompt (nothing was sent; the error names the rules and
    ///   guidelines), ``ChatFailed`` for anything else that left no answer (bad input, the upstream, the audit log).
    public func chat(
        model: String, messages: [ChatMessage], context: RequestContext = RequestContext()
    ) async throws -> ChatReply {
        let (context, outcome) = Self.observed(context)
        let response = await openAIChatCompletions(
            body: Self.chatBody(model: model, messages: messages, stream: false), context: context)
        let body = try await response.collectBody()
        let state = outcome.current
        guard response.status == 200 else { throw Self.failure(status: response.status, body: body, state, context) }
        guard let json = try? JSONParser.parse(body),
            let first = json["choices"]?[0]
        else {
            throw ChatFailed(
                status: 502, message: "the upstream's answer has no choices", requestID: context.requestID)
        }
        return ChatReply(
            text: first["message"]?["content"]?.stringValue ?? "", decision: state.decision,
            findings: state.findings, warnings: response.headers[values: .promptGateWarning],
            entrySequence: state.entrySequence, requestID: context.requestID)
    }

    /// The same for one question: `chat(model:prompt:)` is `chat(model:messages: [.user(prompt)])`.
    public func chat(model: String, prompt: String, context: RequestContext = RequestContext()) async throws
        -> ChatReply
    {
        try await chat(model: model, messages: [.user(prompt)], context: context)
    }

    /// Streams the answer: the prompt is screened and recorded before this returns (a block throws
    /// ``ChatBlocked`` here), then ``ChatStream`` yields the answer's text as it comes, placeholders already
    /// restored. A value the answer itself must not carry ends the stream with ``ChatBlocked``.
    public func chatStream(
        model: String, messages: [ChatMessage], context: RequestContext = RequestContext()
    ) async throws -> ChatStream {
        let (context, outcome) = Self.observed(context)
        let response = await openAIChatCompletions(
            body: Self.chatBody(model: model, messages: messages, stream: true), context: context)
        let state = outcome.current
        switch response {
        case .complete(let status, _, let body):
            guard status == 200 else { throw Self.failure(status: status, body: body, state, context) }
            // An upstream that answered in one piece though asked to stream: one delta.
            let text = (try? JSONParser.parse(body))?["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""
            return ChatStream(
                source: .whole(text), decision: state.decision, findings: state.findings,
                warnings: response.headers[values: .promptGateWarning], entrySequence: state.entrySequence,
                requestID: context.requestID)
        case .stream(_, _, let stream):
            return ChatStream(
                source: .events(stream), decision: state.decision, findings: state.findings,
                warnings: response.headers[values: .promptGateWarning], entrySequence: state.entrySequence,
                requestID: context.requestID)
        }
    }

    /// A copy of `context` that the pipeline reports its outcome into.
    private static func observed(_ context: RequestContext) -> (RequestContext, ScreeningOutcome) {
        var context = context
        let outcome = ScreeningOutcome()
        context.outcome = outcome
        return (context, outcome)
    }

    static func chatBody(model: String, messages: [ChatMessage], stream: Bool) -> [UInt8] {
        JSONValue.object([
            ("model", .string(model)),
            (
                "messages",
                .array(
                    messages.map { .object([("role", .string($0.role.rawValue)), ("content", .string($0.content))]) })
            ),
            ("stream", .bool(stream)),
        ]).serializedBytes()
    }

    /// The typed error for a response that is not an answer.
    static func failure(status: Int, body: [UInt8], _ state: ScreeningOutcome.State, _ context: RequestContext)
        -> any Error
    {
        let error = (try? JSONParser.parse(body))?["error"]
        let message = error?["message"]?.stringValue ?? String(decoding: body.prefix(512), as: UTF8.self)
        if status == 403, state.blockReason != nil || error?["code"]?.stringValue == GateFailure.blocked("").code {
            return ChatBlocked(
                message: state.blockReason ?? message, findings: state.findings, entrySequence: state.entrySequence,
                requestID: context.requestID)
        }
        return ChatFailed(status: status, message: message, requestID: context.requestID)
    }
}
