import HTTPTypes

/// How much of a request body the gate reads, and for how long.
public struct BodyLimits: Sendable {
    /// The largest body accepted; a larger one is answered 413.
    public var bytes: Int
    /// How long the whole body may take to arrive; a body still arriving after it is answered 408. `nil`: no limit
    /// (a caller that already holds the body).
    public var time: Duration?

    public init(bytes: Int, time: Duration? = nil) {
        self.bytes = bytes
        self.time = time
    }
}

extension Gate {
    /// Handles one HTTP request to a route of ``Endpoint/all``, from its headers and its body as it arrives: who is
    /// asking (401 for a key the users file does not know), what the upstream needs of the client's headers, a JSON
    /// body within the limits (415, 413, 408), then the route itself. Every refusal is in the endpoint's error shape.
    ///
    /// - Parameters:
    ///   - endpoint: the route, from ``Endpoint/all``.
    ///   - headers: the client's request headers (keys, user agent, purpose, headers the upstream needs).
    ///   - body: the request body as it arrives, in pieces.
    ///   - limits: the body's limits; by default ``GateConfiguration/maxRequestBytes`` and no time limit.
    public func handle<Body: AsyncSequence>(
        _ endpoint: Endpoint, headers: HTTPFields, body: Body, limits: BodyLimits? = nil
    ) async -> GateResponse where Body.Element: Collection<UInt8> {
        var context = RequestContext(client: headers[.userAgent], purpose: headers[.promptGatePurpose])
        // Where the table says the key may be; with both, identify(authorization:apiKey:) prefers the bearer.
        let bearer = endpoint.clientKey.contains(.bearer) ? headers[.authorization] : nil
        let apiKey = endpoint.clientKey.contains(.apiKey) ? headers[fields: .apiKey].first?.value : nil
        switch identify(authorization: bearer, apiKey: apiKey) {
        case .anonymous: break
        case .user(let user):
            context.actor = user.id
            context.department = user.department
        case .rejected: return Self.rejection(.unknownKey, endpoint: endpoint, context: context)
        }
        for name in endpoint.forwardedHeaders {
            if let field = headers[fields: name].first { context.forwardedHeaders.append(field) }
        }
        guard endpoint.takesBody else { return await respond(endpoint, body: [], context: context) }
        // Every provider's API takes JSON. A body declared as something else is refused, not guessed at.
        if let type = headers[.contentType]?.lowercased(), !type.contains("json") {
            return Self.rejection(.unsupportedMediaType(type), endpoint: endpoint, context: context)
        }
        do {
            let bytes = try await readBody(body, limits: limits ?? BodyLimits(bytes: configuration.maxRequestBytes))
            return await respond(endpoint, body: bytes, context: context)
        } catch {
            return Self.rejection(error, endpoint: endpoint, context: context)
        }
    }

    /// The route itself, once the request is admitted.
    func respond(_ endpoint: Endpoint, body: [UInt8], context: RequestContext) async -> GateResponse {
        guard let wire = endpoint.wire else { return await openAIModels(context: context) }
        return await chat(wire, body: body, context: context)
    }

    /// Reads a body up to its limits. Past the size limit the rest is read and dropped (up to 8× the limit), so a
    /// client that sends its whole body before reading gets its 413 instead of a stalled upload.
    func readBody<Body: AsyncSequence>(_ body: Body, limits: BodyLimits) async throws(GateFailure) -> [UInt8]
    where Body.Element: Collection<UInt8> {
        let deadline = limits.time.map { ContinuousClock.now + $0 }
        var bytes: [UInt8] = []
        var total = 0
        do {
            for try await chunk in body {
                total += chunk.count
                if total <= limits.bytes { bytes += chunk } else { bytes = [] }
                if total > 8 * limits.bytes { break }
                // A body dribbled in (slow loris) would hold the connection for ever: the whole request gets the
                // client timeout. (Silence is cut by the server's idle timeout.)
                if let deadline, let time = limits.time, ContinuousClock.now > deadline {
                    throw GateFailure.clientTooSlow(time)
                }
            }
        } catch let failure as GateFailure {
            throw failure
        } catch {
            throw GateFailure.unreadableBody("\(error)")
        }
        try checkSize(total, limit: limits.bytes)
        return bytes
    }

    /// The one size decision, for bodies read off a connection and bodies handed over whole.
    func checkSize(_ size: Int, limit: Int) throws(GateFailure) {
        guard size <= limit else { throw GateFailure.tooLarge(limit: limit) }
    }
}
