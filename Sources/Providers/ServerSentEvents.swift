/// One server-sent event: an optional `event:` name and its `data:` lines joined by `\n`.
public struct ServerSentEvent: Sendable, Equatable {
    public var event: String?
    public var data: String
    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }

    /// The event in wire form, ending with the blank line.
    public func encoded() -> String {
        var text = ""
        if let event { text += "event: \(event)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        return text + "\n"
    }
}

/// An incremental `text/event-stream` parser (WHATWG rules): bytes in, whole events out, split anywhere.
public struct ServerSentEventParser: Sendable {
    private var buffer: [UInt8] = []
    private var event: String?
    private var dataLines: [String] = []
    private var sawField = false
    /// The longest line accepted, so a hostile upstream cannot grow memory without bound.
    public var maxLineBytes = 8 << 20

    public init() {}

    /// Feeds bytes; returns the events completed by them.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(RequestDecodingError) -> [ServerSentEvent] {
        buffer.append(contentsOf: bytes)
        var events: [ServerSentEvent] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
            var lineEnd = newline
            var next = newline + 1
            if buffer[newline] == 0x0D {
                if next == buffer.count { break }  // wait: may be \r\n split across chunks
                if buffer[next] == 0x0A { next += 1 }
            }
            if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if let event = take(line: buffer[start..<lineEnd]) { events.append(event) }
            start = next
        }
        buffer.removeSubrange(0..<start)
        if buffer.count > maxLineBytes {
            throw RequestDecodingError("an event-stream line exceeds \(maxLineBytes) bytes")
        }
        return events
    }

    /// The event still open at the end of the stream, if the upstream did not end it with a blank line.
    public mutating func finish() -> ServerSentEvent? {
        if !buffer.isEmpty {
            let rest = buffer
            buffer.removeAll()
            _ = take(line: rest[...])
        }
        return dispatch()
    }

    private mutating func take(line: ArraySlice<UInt8>) -> ServerSentEvent? {
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }  // comment
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        let value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var v = text[text.index(after: colon)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "event":
            event = String(value)
            sawField = true
        case "data":
            dataLines.append(String(value))
            sawField = true
        default: break  // id, retry, unknown: not needed by any provider here
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            event = nil
            dataLines = []
            sawField = false
        }
        guard sawField else { return nil }
        return ServerSentEvent(event: event, data: dataLines.joined(separator: "\n"))
    }
}
