import Foundation
import JSONCore

/// One audit record. Its fields are an allow-list: there is no free-form bag, so nothing reaches the log that this
/// type does not name. Texts in it must already be redacted (placeholders only); fingerprints are keyed HMACs.
///
/// The store adds `v`, `seq`, `ts` and `prev` when it appends. `docs/audit-log.md` documents every field.
public struct AuditEntry: Sendable, Equatable {
    /// What happened.
    public enum Event: String, Sendable {
        case logRecovered = "log.recovered"
        /// Entries after the newest checkpoint were found at start (the writer before did not close the log).
        case logResumed = "log.resumed"
        /// The operator declared a new log over one that no longer matched its checkpoints.
        case logRestarted = "log.restarted"
        case policyLoaded = "policy.loaded"
        case requestScreened = "request.screened"
        case requestBlocked = "request.blocked"
        case responseCompleted = "response.completed"
        case responseFailed = "response.failed"
        case keyCreated = "key.created"
        case keyRotated = "key.rotated"
        case keyRetired = "key.retired"
        /// A legal hold on a period's texts (`promptgate retention hold`); the note says which and why.
        case retentionHold = "retention.hold"
        /// A legal hold released (`promptgate retention release`).
        case retentionRelease = "retention.release"
        /// Retention applied: the note lists the keys destroyed now (their texts are erased for good).
        case retentionApplied = "retention.applied"
    }

    /// A rule's findings in one request, counted.
    public struct FindingCount: Sendable, Equatable {
        public var rule: String
        public var type: String
        public var action: String
        public var count: Int
        public init(rule: String, type: String, action: String, count: Int) {
            self.rule = rule
            self.type = type
            self.action = action
            self.count = count
        }
    }

    /// A keyed fingerprint of an original value: HMAC-SHA-256 with the proxy's fingerprint key, hex, truncated.
    public struct Fingerprint: Sendable, Equatable {
        public var type: String
        public var hmac: String
        public init(type: String, hmac: String) {
            self.type = type
            self.hmac = hmac
        }
    }

    public var event: Event
    public var requestID: String?
    public var actor: String?
    public var department: String?
    public var client: String?
    public var system: String?
    /// The declared purpose of the request.
    public var purpose: String?
    /// The reference of the system's impact assessment.
    public var assessment: String?
    /// The policy that decided: `id@version`, department and mode.
    public var policy: String?
    public var provider: String?
    public var model: String?
    public var endpoint: String?
    public var decision: String?
    public var findings: [FindingCount] = []
    public var packHash: String?
    public var screenedAll: Bool?
    /// Parts that could not be screened (e.g. `image_url`), said honestly.
    public var unscreened: [String] = []
    public var promptRedacted: String?
    public var responseRedacted: String?
    public var requestBytes: Int?
    public var responseBytes: Int?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var status: Int?
    public var latencyMs: Int?
    public var fingerprints: [Fingerprint] = []
    /// A short operational note (never prompt text), e.g. why a request failed.
    public var note: String?
    /// The key that seals `promptRedacted` and `responseRedacted` in the line (nil: stored as they are). Not a
    /// field of the line itself: the sealed texts name their key.
    public var seal: TextSeal?

    public init(event: Event) { self.event = event }

    /// The JSON object of this entry as a log line holds it, with `prev` last.
    func jsonObject(seq: Int, time: Date, prev: String) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("v", .int(1)), ("seq", .int(seq)), ("ts", .string(Self.rfc3339(time))), ("event", .string(event.rawValue)),
        ]
        func add(_ key: String, _ value: String?) { if let value { m.append((key, .string(value))) } }
        func add(_ key: String, _ value: Int?) { if let value { m.append((key, .int(value))) } }
        add("request_id", requestID)
        add("actor", actor)
        add("dept", department)
        add("client", client)
        add("system", system)
        add("purpose", purpose)
        add("assessment", assessment)
        add("policy", policy)
        add("provider", provider)
        add("model", model)
        add("endpoint", endpoint)
        add("decision", decision)
        if !findings.isEmpty {
            m.append(
                (
                    "findings",
                    .array(
                        findings.map {
                            .object([
                                ("rule", .string($0.rule)), ("type", .string($0.type)), ("action", .string($0.action)),
                                ("count", .int($0.count)),
                            ])
                        })
                ))
        }
        add("pack_hash", packHash)
        if let screenedAll { m.append(("screened_all", .bool(screenedAll))) }
        if !unscreened.isEmpty { m.append(("unscreened", .array(unscreened.map { .string($0) }))) }
        func addText(_ key: String, _ value: String?) {
            guard let value else { return }
            m.append((key, seal.map { SealedText.seal(value, field: key, seq: seq, with: $0) } ?? .string(value)))
        }
        addText("prompt", promptRedacted)
        addText("response", responseRedacted)
        add("request_bytes", requestBytes)
        add("response_bytes", responseBytes)
        add("prompt_tokens", promptTokens)
        add("completion_tokens", completionTokens)
        add("status", status)
        add("latency_ms", latencyMs)
        if !fingerprints.isEmpty {
            m.append(
                (
                    "fingerprints",
                    .array(
                        fingerprints.map {
                            .object([("type", .string($0.type)), ("hmac", .string($0.hmac))])
                        })
                ))
        }
        add("note", note)
        m.append(("prev", .string(prev)))
        return .object(m)
    }

    /// RFC 3339 UTC with milliseconds: `2026-11-29T01:02:03.456Z`.
    /// `date` as the log writes it: RFC 3339 in UTC with milliseconds, `2026-11-29T05:38:17.709Z`.
    public static func rfc3339(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Every entry is stamped (and each append reads the day): the digits are written as bytes, not built from
        // padded strings. Years outside 1000–9999 and times before 1970 take the general path below.
        let year = parts.tm_year + 1900
        if (1000...9999).contains(year), millis >= 0 {
            var out = [UInt8](repeating: UInt8(ascii: "0"), count: 24)
            func put(_ value: Int32, at end: Int, width: Int) {
                var value = value
                for i in stride(from: end - 1, through: end - width, by: -1) {
                    out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, at: 4, width: 4)
            out[4] = UInt8(ascii: "-")
            put(parts.tm_mon + 1, at: 7, width: 2)
            out[7] = UInt8(ascii: "-")
            put(parts.tm_mday, at: 10, width: 2)
            out[10] = UInt8(ascii: "T")
            put(parts.tm_hour, at: 13, width: 2)
            out[13] = UInt8(ascii: ":")
            put(parts.tm_min, at: 16, width: 2)
            out[16] = UInt8(ascii: ":")
            put(parts.tm_sec, at: 19, width: 2)
            out[19] = UInt8(ascii: ".")
            put(Int32(millis % 1000), at: 23, width: 3)
            out[23] = UInt8(ascii: "Z")
            return String(decoding: out, as: UTF8.self)
        }
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }
}
