import PromptGate
import Screening

/// What a report shows besides the log's counts: the verification result, the registry, the rules' guideline
/// sources, and which page it is.
public struct ReportContext: Sendable {
    /// Which page to render.
    public enum Page: Sendable, Equatable {
        /// The auditors' report of a period.
        case full
        /// Only what is safe to publish: counts by department, system and rule, cells below `threshold` suppressed.
        case publicSummary(threshold: Int)
        /// The proxy's `/admin` page: the last 24 hours, reloaded every `refreshSeconds`.
        case live(refreshSeconds: Int)
    }

    public var page: Page
    public var title: String
    /// When the report was made (RFC 3339).
    public var generatedAt: String
    /// `YYYY-MM-DD`, for review dates that have passed.
    public var today: String
    public var verification: VerificationSummary?
    public var registry: Registry?
    /// Each rule's guideline source (its citation), by rule id.
    public var ruleSources: [String: String]
    /// Who publishes the transparency record (the public page).
    public var publisher: TransparencyRecord.Publisher

    public init(
        page: Page, title: String, generatedAt: String, today: String, verification: VerificationSummary? = nil,
        registry: Registry? = nil, ruleSources: [String: String] = [:],
        publisher: TransparencyRecord.Publisher = .init(organization: "City", country: "", area: "")
    ) {
        self.page = page
        self.title = title
        self.generatedAt = generatedAt
        self.today = today
        self.verification = verification
        self.registry = registry
        self.ruleSources = ruleSources
        self.publisher = publisher
    }

    /// Each rule's guideline source (its citation) by rule id; the first pack that defines a rule wins.
    public static func ruleSources(_ packs: [GuidelinePack]) -> [String: String] {
        var sources: [String: String] = [:]
        for pack in packs {
            for rule in pack.rules where sources[rule.id] == nil { sources[rule.id] = rule.source.citation }
        }
        return sources
    }
}

/// The result of verifying the log against its signed checkpoint, as a report shows it.
public struct VerificationSummary: Sendable, Equatable {
    public var ok: Bool
    /// Lines in the log.
    public var lines: Int
    /// The size of the newest verified checkpoint.
    public var checkpointSize: Int?
    /// Its root hash, base64.
    public var root: String?
    /// Lines after it that no checkpoint signs yet.
    public var unsignedTrailing: Int
    /// One line per witness cosignature found (checked against a witness policy, or said to be unchecked).
    public var witnesses: [String]
    public var problems: [String]
    public var warnings: [String]

    public init(
        ok: Bool, lines: Int, checkpointSize: Int?, root: String?, unsignedTrailing: Int, witnesses: [String],
        problems: [String], warnings: [String]
    ) {
        self.ok = ok
        self.lines = lines
        self.checkpointSize = checkpointSize
        self.root = root
        self.unsignedTrailing = unsignedTrailing
        self.witnesses = witnesses
        self.problems = problems
        self.warnings = warnings
    }
}
