/// An async HTTP client on libcurl: one multi handle driven by one thread, connection reuse, HTTP/2, corporate
/// proxies and CAs from configuration, and response bodies that stream with back-pressure.
///
/// ```swift
/// let client = CurlClient()
/// let response = try await client.execute(HTTPClientRequest(method: "POST", url: url, body: body))
/// for try await chunk in response.body { … }
/// client.shutdown()
/// ```
public final class CurlClient: Sendable {
    public let configuration: TransportConfiguration
    private let loop: CurlLoop

    public init(configuration: TransportConfiguration = TransportConfiguration()) {
        self.configuration = configuration
        self.loop = CurlLoop(configuration: configuration)
    }

    /// Sends `request` and returns once the response head has arrived; the body streams from there.
    ///
    /// Throws ``TransportError`` when the upstream cannot be reached or stays silent past the timeouts. Cancelling the
    /// calling task cancels the transfer.
    public func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        try Task.checkCancellation()
        let transfer = try Transfer(request: request, configuration: configuration, loop: loop)
        let handle = BodyHandle(transfer: transfer)
        do {
            try loop.submit(transfer)
        } catch {
            transfer.finish(error)
            transfer.release()
            throw error
        }
        let head = try await transfer.awaitHead()
        return HTTPClientResponse(status: head.status, headers: head.headers, body: ResponseBody(handle: handle))
    }

    /// Stops the loop thread; transfers still running fail with ``TransportError/shutDown``.
    public func shutdown() { loop.shutdown() }

    /// The libcurl version and its TLS and HTTP/2 libraries, for diagnostics.
    public static var libcurlVersion: String { CurlGlobal.version }
}
