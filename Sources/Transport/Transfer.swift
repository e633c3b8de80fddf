import CCurl
import HTTPTypes
import Synchronization

/// One request in flight: its curl easy handle (touched only on the loop thread) and the state it shares with the
/// task that awaits the head and reads the body (behind a mutex).
final class Transfer: @unchecked Sendable {
    typealias Head = (status: Int, headers: HTTPFields)

    private enum Waiter {
        case none
        case head(CheckedContinuation<Head, any Error>)
        case body(CheckedContinuation<[UInt8]?, any Error>)
    }

    private struct State {
        var head: Result<Head, any Error>?
        var headWaiter: CheckedContinuation<Head, any Error>?
        var chunks: [[UInt8]] = []
        var chunkStart = 0
        var buffered = 0
        var writePaused = false
        var finished = false
        var failure: (any Error)?
        var bodyWaiter: CheckedContinuation<[UInt8]?, any Error>?
        var cancelRequested = false
        var pauses = 0
        /// Whether the transfer had ended when the task awaiting its head was woken (nil: no task waited).
        var headWaiterSawEnd: Bool?
        /// Whether body bytes (or the end) were queued when the task awaiting its head was woken (nil: no task waited).
        var headWaiterSawBody: Bool?
    }

    private let state = Mutex(State())
    private let maxBuffered: Int
    private unowned let loop: CurlLoop

    // Loop-thread (or, before submission, creator-thread) confined.
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var pendingStatus = 0
    private var pendingHeaders = HTTPFields()
    private(set) var headDelivered = false
    /// Whether the head's reader has been scheduled to wake (once body bytes came in). Loop-thread confined.
    private var headWakeScheduled = false
    let firstByteDeadline: ContinuousClock.Instant

    init(request: HTTPClientRequest, configuration: TransportConfiguration, loop: CurlLoop) throws {
        guard let easy = curl_easy_init() else { throw TransportError.invalidRequest("curl_easy_init failed") }
        self.easy = easy
        self.loop = loop
        self.maxBuffered = max(configuration.maxBufferedBytes, 16 * 1024)
        self.firstByteDeadline = ContinuousClock.now + configuration.firstByteTimeout
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do {
            try configure(request: request, configuration: configuration)
        } catch {
            release()
            throw error
        }
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw TransportError.invalidRequest("\(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func configure(request: HTTPClientRequest, configuration c: TransportConfiguration) throws {
        try check(pg_easy_setopt_string(easy, CURLOPT_URL, request.url), "URL \(request.url)")
        try check(pg_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        _ = pg_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = pg_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = pg_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(c.connectTimeout.milliseconds))
        _ = pg_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = pg_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(c.idleTimeout.milliseconds / 1000)))
        _ = pg_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = pg_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        _ = pg_easy_setopt_long(
            easy, CURLOPT_HTTP_VERSION, c.http2 ? PG_CURL_HTTP_VERSION_2TLS : Int(CURL_HTTP_VERSION_1_1))
        if let ca = c.caBundlePath { try check(pg_easy_setopt_string(easy, CURLOPT_CAINFO, ca), "CA bundle") }
        if let cert = c.clientCertificatePath {
            try check(pg_easy_setopt_string(easy, CURLOPT_SSLCERT, cert), "client certificate")
        }
        if let key = c.clientKeyPath { try check(pg_easy_setopt_string(easy, CURLOPT_SSLKEY, key), "client key") }
        if let proxy = c.proxy { try check(pg_easy_setopt_string(easy, CURLOPT_PROXY, proxy), "proxy") }
        if let noProxy = c.noProxy { try check(pg_easy_setopt_string(easy, CURLOPT_NOPROXY, noProxy), "no_proxy") }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for field in request.headers {
            list = curl_slist_append(list, "\(field.name.rawName): \(field.value)")
        }
        // Suppress the 100-continue round trip libcurl adds to large bodies.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        _ = pg_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)

        let method = request.method.uppercased()
        if method == "GET" && request.body.isEmpty {
            _ = pg_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        } else if method == "HEAD" {
            _ = pg_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        } else {
            _ = pg_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            try request.body.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies the bytes, so the request need not outlive this call.
                let pointer =
                    raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                    ?? UnsafeMutableRawPointer(mutating: ("" as StaticString).utf8Start)
                try check(pg_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, pointer), "request body")
            }
            if method != "POST" {
                _ = pg_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
            }
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = pg_easy_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.didReceiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        _ = pg_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, context)
        _ = pg_easy_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.didReceiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        _ = pg_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, context)
    }

    /// Frees the easy handle and what it points to. Loop thread, after the handle left the multi handle.
    func release() {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    var curlErrorMessage: String {
        let text = String(cString: errorBuffer)
        return text.isEmpty ? "unknown error" : text
    }

    // MARK: - Callbacks (loop thread)

    private func didReceiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        if headDelivered { return line.count }  // trailers
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        if end == 0 {
            if pendingStatus >= 200 { deliverHead() }
        } else if line[..<end].starts(with: "HTTP/".utf8) {
            // "HTTP/1.1 200 OK", "HTTP/2 200": the status is the three digits after the first space.
            var i = 5
            while i < end, line[i] != 0x20 { i += 1 }
            while i < end, line[i] == 0x20 { i += 1 }
            var status = 0
            var digits = 0
            while i < end, (0x30...0x39).contains(line[i]) {
                status = status * 10 + Int(line[i] - 0x30)
                digits += 1
                i += 1
            }
            pendingStatus = digits == 3 && (i == end || line[i] == 0x20) ? status : 0
            pendingHeaders = HTTPFields()
        } else if let colon = line[..<end].firstIndex(of: UInt8(ascii: ":")) {
            var valueStart = colon + 1
            while valueStart < end, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
            // A field whose name is not a valid token cannot be represented, nor would a client accept it: dropped.
            if let name = HTTPField.Name(
                String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self))
            {
                pendingHeaders.append(
                    HTTPField(name: name, lenientValue: UnsafeRawBufferPointer(rebasing: line[valueStart..<end])))
            }
        }
        return line.count
    }

    /// Records the head. Whoever waits for it is not woken by the head alone (every reader reads the body next): it
    /// is woken by the loop once the round of `curl_multi_perform` in which the first body bytes came in is over
    /// (``wakeHeadWaiter()``), or by the end of the transfer. The body bytes (and for a short answer, its end) that
    /// came in that round are queued by then: the reader takes them without waiting again, one thread hand-off for
    /// the whole answer, also when the upstream sends its head and its body in separate writes.
    private func deliverHead() {
        headDelivered = true
        let head: Head = (pendingStatus, pendingHeaders)
        state.withLock { $0.head = .success(head) }
    }

    /// Resumes the task waiting for the head, if one waits and the head is known. Loop thread.
    func wakeHeadWaiter() {
        let (waiter, head) = state.withLock { s in
            defer { if s.head != nil { s.headWaiter = nil } }
            if s.head != nil, s.headWaiter != nil {
                s.headWaiterSawEnd = s.finished
                s.headWaiterSawBody = s.finished || s.chunkStart < s.chunks.count
            }
            return (s.headWaiter, s.head)
        }
        if let waiter, let head { waiter.resume(with: head) }
    }

    private func didReceiveBody(_ data: UnsafeRawBufferPointer) -> Int {
        if !headDelivered { deliverHead() }
        if !headWakeScheduled {
            headWakeScheduled = true
            loop.wakeAfterRound(self)
        }
        enum Outcome {
            case take, pause, abort
            case handTo(CheckedContinuation<[UInt8]?, any Error>)
        }
        let outcome = state.withLock { s -> Outcome in
            if s.cancelRequested { return .abort }
            if let waiter = s.bodyWaiter {
                s.bodyWaiter = nil
                return .handTo(waiter)
            }
            if s.buffered >= maxBuffered {
                if !s.writePaused { s.pauses += 1 }
                s.writePaused = true
                return .pause
            }
            s.chunks.append(Array(data))
            s.buffered += data.count
            return .take
        }
        switch outcome {
        case .take: return data.count
        case .pause: return PG_CURL_WRITEFUNC_PAUSE
        case .abort: return 0
        case .handTo(let waiter):
            waiter.resume(returning: Array(data))
            return data.count
        }
    }

    /// Records the end of the transfer and wakes whoever waits. Loop thread.
    func finish(_ error: (any Error)?) {
        if error == nil && !headDelivered {
            if pendingStatus >= 200 {
                deliverHead()
            } else {
                return finish(TransportError.receiveFailed("the upstream closed the connection without a response"))
            }
        }
        let (headWaiter, head, bodyWaiter) = state.withLock { s in
            s.finished = true
            s.failure = error
            if s.head == nil, let error { s.head = .failure(error) }
            if s.headWaiter != nil {
                s.headWaiterSawEnd = true
                s.headWaiterSawBody = true
            }
            defer {
                s.headWaiter = nil
                s.bodyWaiter = nil
            }
            return (s.headWaiter, s.head, s.bodyWaiter)
        }
        // The head's waiter learns the head (or the failure) now, with the whole answer queued behind it.
        if let headWaiter, let head { headWaiter.resume(with: head) }
        if let error {
            bodyWaiter?.resume(throwing: error)
        } else {
            bodyWaiter?.resume(returning: nil)
        }
    }

    // MARK: - Consumer side (any task)

    func awaitHead() async throws -> Head {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Head, any Error>) in
                let ready = state.withLock { s -> Result<Head, any Error>? in
                    if let head = s.head { return head }
                    if s.cancelRequested { return .failure(TransportError.cancelled) }
                    s.headWaiter = waiter
                    return nil
                }
                if let ready { waiter.resume(with: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    func nextChunk() async throws -> [UInt8]? {
        // What is already queued (a short answer is whole by the time its head's reader wakes) is taken without
        // suspending: no continuation, no cancellation handler, no trip through the reader's executor queue.
        if let delivered = deliver(takeQueued()) { return try delivered.get() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<[UInt8]?, any Error>) in
                let queued = state.withLock { s -> Queued in
                    let queued = Self.take(&s, maxBuffered: maxBuffered)
                    if case .empty = queued { s.bodyWaiter = waiter }
                    return queued
                }
                if let delivered = deliver(queued) { waiter.resume(with: delivered) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// What a reader finds in the queue.
    private enum Queued {
        case chunk([UInt8], unpause: Bool)
        case end
        case fail(any Error)
        /// Nothing yet: the reader must wait.
        case empty
    }

    /// What the reader gets for what it found (the writer unpaused when the queue has drained enough); nil when it
    /// must wait.
    private func deliver(_ queued: Queued) -> Result<[UInt8]?, any Error>? {
        switch queued {
        case .chunk(let chunk, let unpause):
            if unpause { loop.unpause(self) }
            return .success(chunk)
        case .end: return .success(nil)
        case .fail(let error): return .failure(error)
        case .empty: return nil
        }
    }

    /// Takes the next queued chunk, the end or the failure, without waiting.
    private func takeQueued() -> Queued {
        state.withLock { Self.take(&$0, maxBuffered: maxBuffered) }
    }

    private static func take(_ s: inout State, maxBuffered: Int) -> Queued {
        if s.chunkStart < s.chunks.count {
            // Taken chunks are released at once: a reader that never quite catches up would otherwise keep every
            // chunk it read alive until the queue ran empty (the stream's whole length).
            let chunk = s.chunks[s.chunkStart]
            s.chunks[s.chunkStart] = []
            s.chunkStart += 1
            if s.chunkStart == s.chunks.count {
                s.chunks.removeAll(keepingCapacity: true)
                s.chunkStart = 0
            } else if s.chunkStart >= 256 {
                s.chunks.removeFirst(s.chunkStart)
                s.chunkStart = 0
            }
            s.buffered -= chunk.count
            let unpause = s.writePaused && s.buffered <= maxBuffered / 2
            if unpause { s.writePaused = false }
            return .chunk(chunk, unpause: unpause)
        }
        if let failure = s.failure { return .fail(failure) }
        if s.finished { return .end }
        if s.cancelRequested { return .fail(TransportError.cancelled) }
        return .empty
    }

    /// Whether the transfer had ended when the task awaiting its head was woken (tests: a short answer is read whole
    /// after one hand-off).
    var headWaiterSawEnd: Bool? { state.withLock { $0.headWaiterSawEnd } }

    /// Whether body bytes or the end were queued when the task awaiting its head was woken (tests: a head alone does
    /// not wake its reader).
    var headWaiterSawBody: Bool? { state.withLock { $0.headWaiterSawBody } }

    /// How many times the transfer paused because its reader fell behind.
    var pauseCount: Int { state.withLock { $0.pauses } }

    /// Bytes the transfer's queue keeps alive right now, read chunks included (tests: it must stay bounded).
    var heldBytes: Int { state.withLock { s in s.chunks.reduce(0) { $0 + $1.count } } }

    /// Asks the loop to stop this transfer. Safe from any thread, any number of times.
    func cancel() {
        let first = state.withLock { s -> Bool in
            guard !s.finished, !s.cancelRequested else { return false }
            s.cancelRequested = true
            return true
        }
        if first { loop.cancel(self) }
    }
}
