import AuditLog
import Foundation
import Screening
import Transport

/// Everything a ``Gate`` needs: where to forward, which guidelines, where the audit log lives.
public struct GateConfiguration: Sendable {
    /// The upstream's base URL as the OpenAI SDK spells it, e.g. `https://api.openai.com/v1`.
    public var upstreamBaseURL: String
    /// The city's upstream API key, sent upstream instead of whatever the client sent. Never logged.
    public var upstreamAPIKey: Secret?
    /// The guideline packs in force.
    public var packs: [GuidelinePack]
    /// The folder for the audit log, its checkpoints and keys (created 0700).
    public var dataDirectory: String
    /// The audit log's origin (and its signing key's name).
    public var logOrigin: String
    /// A checkpoint is signed after this many entries (and always at shutdown).
    public var checkpointEvery: Int
    /// …and at least this often while entries arrive (`nil`: by count only).
    public var checkpointInterval: Duration?
    /// The active log segment rolls to a new file past this size (and every UTC day).
    public var maxSegmentBytes: Int
    public var transport: TransportConfiguration
    /// The largest request body accepted.
    public var maxRequestBytes: Int
    /// The largest non-streaming upstream response accepted.
    public var maxResponseBytes: Int
    /// Redacted prompt and response texts longer than this are cut in the audit entry (sizes are still recorded).
    public var maxLoggedTextBytes: Int
    /// What happens to parts that cannot be screened as text (images, audio, files).
    public var unscreenedParts: UnscreenedPartsPolicy
    /// The city's AI registry. When set, only requests to a registered, approved system go ahead.
    public var registry: Registry?
    /// Per-department packs, overrides and modes (monitor or enforce).
    public var policies: DepartmentPolicies?
    /// The department of requests that do not name one (a proxy run for one department).
    public var defaultDepartment: String?
    /// What happens when a registered system's review date has passed.
    public var reviewOverdue: ReviewOverduePolicy = .warn
    /// The HMAC key for fingerprints of values; keep it apart from the log (default: `DATA/fingerprint.key`).
    public var fingerprintKeyPath: String?

    public init(
        upstreamBaseURL: String, upstreamAPIKey: Secret? = nil, packs: [GuidelinePack], dataDirectory: String,
        logOrigin: String = GateConfiguration.defaultOrigin(), checkpointEvery: Int = 1000,
        checkpointInterval: Duration? = .seconds(60), maxSegmentBytes: Int = 256 << 20,
        transport: TransportConfiguration = TransportConfiguration(), maxRequestBytes: Int = 8 << 20,
        maxResponseBytes: Int = 32 << 20, maxLoggedTextBytes: Int = 16 << 10,
        unscreenedParts: UnscreenedPartsPolicy = .allowAndRecord
    ) {
        self.upstreamBaseURL = upstreamBaseURL
        self.upstreamAPIKey = upstreamAPIKey
        self.packs = packs
        self.dataDirectory = dataDirectory
        self.logOrigin = logOrigin
        self.checkpointEvery = checkpointEvery
        self.checkpointInterval = checkpointInterval
        self.maxSegmentBytes = maxSegmentBytes
        self.transport = transport
        self.maxRequestBytes = maxRequestBytes
        self.maxResponseBytes = maxResponseBytes
        self.maxLoggedTextBytes = maxLoggedTextBytes
        self.unscreenedParts = unscreenedParts
    }

    /// `<hostname>/promptgate`: an origin that names this machine, without spaces or `+`.
    public static func defaultOrigin() -> String {
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
        return "\(host.isEmpty ? "localhost" : host)/promptgate"
    }
}

/// Parts of a request that are not text.
public enum UnscreenedPartsPolicy: String, Sendable {
    /// Forward them, and say in the audit entry that they were not screened.
    case allowAndRecord = "allow"
    /// Block requests that carry them.
    case block
}

/// A secret string (an API key) that never prints itself.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}
