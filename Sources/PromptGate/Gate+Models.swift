import HTTPTypes
import JSONCore
import Transport

extension Gate {
    /// OpenAI `GET /v1/models`: the upstream's list, narrowed to the models an approved registry entry covers at the
    /// upstream's host (all of them when no registry is configured). No prompt is involved, so nothing is recorded.
    public func openAIModels(context: RequestContext) async -> GateResponse {
        var headers: HTTPFields = [.accept: "application/json", .userAgent: "PromptGate/0.1"]
        if let key = configuration.upstreamAPIKey { headers[.authorization] = "Bearer \(key.value)" }
        do {
            let response = try await client.execute(
                HTTPClientRequest(method: "GET", url: upstreamURL("models"), headers: headers))
            let body = try await response.body.collect(upTo: configuration.maxResponseBytes)
            guard response.status == 200, var list = try? JSONParser.parse(body), let models = list["data"]?.arrayValue
            else {
                return .complete(
                    status: response.status,
                    headers: [.contentType: response.headers[.contentType] ?? "application/json"], body: body)
            }
            if let registry = configuration.registry {
                let host = upstreamHost()
                let allowed = models.filter { model in
                    let id = model["id"]?.stringValue
                    return registry.entries.contains {
                        ($0.status == .approved || $0.status == .operational) && $0.covers(model: id, host: host)
                    }
                }
                list["data"] = .array(allowed)
            }
            return .complete(
                status: 200,
                headers: [.contentType: "application/json", .promptGateRequestID: context.requestID],
                body: list.serializedBytes())
        } catch {
            return Self.rejection(Self.upstreamFailure(error), endpoint: .openAIModels, context: context)
        }
    }
}
