import AuditLog
import Dispatch
import Foundation
import Synchronization

/// The feed as syslog messages (RFC 5424) over UDP, or over TCP with octet-counting framing (RFC 6587), to a SIEM
/// or a local relay (rsyslog, syslog-ng).
///
/// Each event is one message: app-name `promptgate`, msgid the decision, and the event's ``DecisionEvent/fields``
/// as the structured data element `[promptgate@32473 request_id="…" decision="…" rule_ids="…" …]`:
/// ```
/// <164>1 2026-12-07T10:15:02.113Z gate01 promptgate 4242 blocked [promptgate@32473 time="…" request_id="pg-…" …] PromptGate blocked request pg-…
/// ```
public final class SyslogSink: DecisionSink {
    /// Where messages go: `udp://host:514` or `tcp://host:601`.
    public struct Destination: Sendable, Equatable, CustomStringConvertible {
        /// The syslog transports.
        public enum Transport: String, Sendable { case udp, tcp }

        public var transport: Transport
        public var host: String
        public var port: Int

        public init(transport: Transport, host: String, port: Int) {
            self.transport = transport
            self.host = host
            self.port = port
        }

        /// Reads `udp://host:port` or `tcp://host:port` (IPv6 as `[::1]`); the port defaults to 514 for UDP and
        /// 601 for TCP. `nil` if the text is not that.
        public init?(_ text: String) {
            guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
                let transport = Transport(rawValue: scheme), var host = url.host, !host.isEmpty,
                url.path.isEmpty || url.path == "/", url.query == nil
            else { return nil }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.init(transport: transport, host: host, port: url.port ?? (transport == .udp ? 514 : 601))
        }

        public var description: String {
            "\(transport.rawValue)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }

    /// The syslog facilities (RFC 5424 §6.2.1), by their usual names.
    public enum Facility: String, Sendable, CaseIterable {
        case kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp
        case local0, local1, local2, local3, local4, local5, local6, local7

        /// The facility's number.
        public var code: Int {
            switch self {
            case .kern: return 0
            case .user: return 1
            case .mail: return 2
            case .daemon: return 3
            case .auth: return 4
            case .syslog: return 5
            case .lpr: return 6
            case .news: return 7
            case .uucp: return 8
            case .cron: return 9
            case .authpriv: return 10
            case .ftp: return 11
            case .local0: return 16
            case .local1: return 17
            case .local2: return 18
            case .local3: return 19
            case .local4: return 20
            case .local5: return 21
            case .local6: return 22
            case .local7: return 23
            }
        }
    }

    /// The syslog severities (RFC 5424 §6.2.1).
    public enum Severity: Int, Sendable {
        case emergency = 0
        case alert, critical, error, warning, notice, informational, debug
    }

    /// The structured data element's id: `promptgate` at the private enterprise number set aside for examples.
    public static let sdID = "promptgate@32473"
    /// Each decision's severity unless told otherwise: a block is a warning, a redaction or warning a notice, an
    /// allowed request informational, a failure a notice.
    public static let defaultSeverities: [String: Severity] = [
        "blocked": .warning, "redacted": .notice, "warned": .notice, "allowed": .informational,
        DecisionEvent.failed: .notice,
    ]
    public static let defaultFacility = Facility.local0

    public let name = "syslog"
    public let destination: Destination
    public let facility: Facility
    public let severities: [String: Severity]
    private let hostname: String
    private let socket = Mutex<Int32>(-1)
    /// The thread connects and writes block on.
    private let io = DispatchQueue(label: "promptgate.feed.syslog")

    /// A sink that sends to `destination`; it connects on the first event, and again after an error.
    ///
    /// - Parameters:
    ///   - destination: the receiver.
    ///   - facility: the facility of every message.
    ///   - severities: each decision's severity (a decision it does not name is informational).
    public init(
        destination: Destination, facility: Facility = defaultFacility,
        severities: [String: Severity] = defaultSeverities
    ) {
        self.destination = destination
        self.facility = facility
        self.severities = severities
        hostname = Self.headerField(ProcessInfo.processInfo.hostName, limit: 255)
    }

    deinit {
        let descriptor = socket.withLock { $0 }
        if descriptor >= 0 { Foundation.close(descriptor) }
    }

    public func send(_ event: DecisionEvent) async throws {
        let text = Self.message(
            event, facility: facility, severity: severities[event.decision] ?? .informational, hostname: hostname,
            processID: Int(getpid()))
        var bytes = Array(text.utf8)
        if destination.transport == .tcp { bytes = Array("\(bytes.count) ".utf8) + bytes }  // RFC 6587 octet counting
        // Connecting and writing block (up to the socket timeouts, for a receiver that is gone or black-holed):
        // on the sink's own thread, never on the cooperative pool the proxy's requests run on.
        let payload = bytes
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            io.async {
                do {
                    try self.deliver(payload)
                    done.resume()
                } catch {
                    done.resume(throwing: error)
                }
            }
        }
    }

    private func deliver(_ bytes: [UInt8]) throws(FeedError) {
        try socket.withLock { descriptor throws(FeedError) in
            if descriptor < 0 { descriptor = try Self.connect(destination) }
            do throws(FeedError) {
                try Self.write(bytes, to: descriptor)
            } catch {
                Foundation.close(descriptor)
                descriptor = -1
                throw error
            }
        }
    }

    public func close() async {
        socket.withLock { descriptor in
            if descriptor >= 0 { Foundation.close(descriptor) }
            descriptor = -1
        }
    }

    /// The RFC 5424 message for an event (without the TCP frame's length prefix).
    ///
    /// - Parameters:
    ///   - event: the decision.
    ///   - facility: the message's facility.
    ///   - severity: the message's severity.
    ///   - hostname: the HOSTNAME field (`-` when empty).
    ///   - processID: the PROCID field.
    public static func message(
        _ event: DecisionEvent, facility: Facility, severity: Severity, hostname: String, processID: Int
    ) -> String {
        let priority = facility.code * 8 + severity.rawValue
        let parameters = event.fields.map { "\($0.name)=\"\(escape($0.value))\"" }.joined(separator: " ")
        let header = [
            "<\(priority)>1", AuditEntry.rfc3339(event.time), headerField(hostname, limit: 255), "promptgate",
            String(processID), headerField(event.decision, limit: 32),
        ].joined(separator: " ")
        let summary = "PromptGate \(event.decision) request \(event.requestID)"
        return header + " [\(sdID) \(parameters)] " + summary
    }

    /// A PARAM-VALUE with `"`, `\` and `]` escaped by a backslash (RFC 5424 §6.3.3).
    public static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            if character == "\"" || character == "\\" || character == "]" { escaped.unicodeScalars.append("\\") }
            escaped.unicodeScalars.append(character)
        }
        return escaped
    }

    /// A header field: printable US-ASCII only (others become `_`), at most `limit` characters, `-` when empty.
    static func headerField(_ text: String, limit: Int) -> String {
        let printable = String(
            String.UnicodeScalarView(
                text.unicodeScalars.prefix(limit).map { (33...126).contains($0.value) ? $0 : "_" }))
        return printable.isEmpty ? "-" : printable
    }

    /// A socket connected to the destination (for UDP: its default address), with a 2-second send timeout so that
    /// a stuck receiver holds up only this sink.
    private static func connect(_ destination: Destination) throws(FeedError) -> Int32 {
        var hints = addrinfo()
        #if os(Linux)
            hints.ai_socktype = Int32(destination.transport == .udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = destination.transport == .udp ? SOCK_DGRAM : SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(destination.host, String(destination.port), &hints, &list)
        guard status == 0, let first = list else {
            throw FeedError(
                "cannot resolve the syslog receiver \(destination): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var why = "no address"
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            next = address.pointee.ai_next
            let descriptor = Foundation.socket(
                address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            #if !os(Linux)
                var one: Int32 = 1
                _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            if Foundation.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                return descriptor
            }
            why = String(cString: strerror(errno))
            Foundation.close(descriptor)
        }
        throw FeedError("cannot connect to the syslog receiver \(destination): \(why)")
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) throws(FeedError) {
        #if os(Linux)
            let flags = Int32(MSG_NOSIGNAL)
        #else
            let flags: Int32 = 0
        #endif
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, flags) }
            if result < 0 {
                if errno == EINTR { continue }
                throw FeedError("cannot send to the syslog receiver: \(String(cString: strerror(errno)))")
            }
            sent += result
        }
    }
}
