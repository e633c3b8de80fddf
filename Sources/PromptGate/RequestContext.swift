import AuditLog
import Foundation
import HTTPTypes

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
    /// Client headers the upstream needs and the proxy passes on (``Endpoint/forwardedHeaders``:
    /// `anthropic-version`, `anthropic-beta`).
    public var forwardedHeaders = HTTPFields()
    /// The protocol of the request, set by the gate.
    var wire: ChatWire = .openAIChat
    /// Where the gate tells the typed API its decision, findings and entry (nil on the byte API).
    var outcome: ScreeningOutcome?

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
        // 12 bytes of the kernel's generator, drawn from a pool (no system call per request).
        let digits = Array("0123456789abcdef".utf8)
        var id = Array("pg-".utf8)
        for byte in RandomPool.bytes(12) {
            id.append(digits[Int(byte >> 4)])
            id.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: id, as: UTF8.self)
    }
}
