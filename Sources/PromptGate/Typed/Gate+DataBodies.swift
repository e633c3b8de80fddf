import Foundation

// The byte API with `Data` bodies, for callers that hold a request as Foundation data (from a file, URLSession or a
// JSON encoder): the same pipeline, one copy into the gate's byte array.
extension Gate {
    /// ``openAIChatCompletions(body:context:)`` with a `Data` body.
    public func openAIChatCompletions(body: Data, context: RequestContext) async -> GateResponse {
        await openAIChatCompletions(body: Array(body), context: context)
    }

    /// ``openAIResponses(body:context:)`` with a `Data` body.
    public func openAIResponses(body: Data, context: RequestContext) async -> GateResponse {
        await openAIResponses(body: Array(body), context: context)
    }

    /// ``openAIEmbeddings(body:context:)`` with a `Data` body.
    public func openAIEmbeddings(body: Data, context: RequestContext) async -> GateResponse {
        await openAIEmbeddings(body: Array(body), context: context)
    }

    /// ``anthropicMessages(body:context:)`` with a `Data` body.
    public func anthropicMessages(body: Data, context: RequestContext) async -> GateResponse {
        await anthropicMessages(body: Array(body), context: context)
    }

    /// ``ollamaChat(body:context:)`` with a `Data` body.
    public func ollamaChat(body: Data, context: RequestContext) async -> GateResponse {
        await ollamaChat(body: Array(body), context: context)
    }
}

extension GateResponse {
    /// The whole body as `Data` (reads a stream to its end).
    public func collectData() async throws -> Data { Data(try await collectBody()) }
}
