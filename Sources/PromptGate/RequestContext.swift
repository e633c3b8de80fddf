import Foundation

/// Who is asking, from where: recorded in every audit entry of the request.
public struct RequestContext: Sendable {
    public var requestID: String
    /// The employee or service identity as configured (never a key).
    public var actor: String
    public var department: String?
    /// The client tool, e.g. from its User-Agent.
    public var client: String?
    /// The declared purpose (an id of ``Purpose/catalogue``), e.g. from the `X-PromptGate-Purpose` header.
    public var purpose: String?
    /// Client headers the upstream needs and the proxy passes on (`anthropic-version`, `anthropic-beta`).
    public var forwardedHeaders: [(name: String, value: String)] = []
    /// The protocol of the request, set by the gate.
    var wire: ChatWire = .openAIChat

    public init(
        requestID: String = RequestContext.newRequestID(), actor: String = "anonymous", department: String? = nil,
        client: String? = nil, purpose: String? = nil
    ) {
        self.requestID = requestID
        self.actor = actor
        self.department = department
        self.client = client
        self.purpose = purpose
    }

    /// `pg-` followed by 24 random hex digits.
    public static func newRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "pg-" + String((0..<24).map { _ in digits[Int(generator.next() % 16)] })
    }
}
