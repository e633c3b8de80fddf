import HTTPTypes

/// One outbound request. The body is sent as given, with its length; no `Expect: 100-continue` round trip.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    /// Header fields in order. Names are sent as given (``HTTPField/Name/rawName``).
    public var headers: HTTPFields
    public var body: [UInt8]

    public init(method: String = "GET", url: String, headers: HTTPFields = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
