import Foundation

/// One AI system in the city's register. Fields follow the Eurocities Algorithmic Transparency Standard, the UK
/// ATRS and NYC Local Law 35, plus what the proxy needs to enforce: model ids, endpoint hosts, uses, review dates.
public struct RegistryEntry: Sendable, Equatable {
    /// EU AI Act risk tiers.
    public enum RiskLevel: String, Sendable, CaseIterable { case minimal, limited, high, unacceptable }

    /// Where the system is in its life.
    public enum Status: String, Sendable, CaseIterable { case planned, approved, operational, suspended, retired }

    /// The algorithmic impact assessment of the system.
    public struct ImpactAssessment: Sendable, Equatable {
        /// e.g. "Canada AIA", "DPIA".
        public var framework: String
        /// `not-started`, `in-progress` or `completed`.
        public var status: String
        public var reference: String?
        /// Canadian AIA impact level I–IV (1–4) the assessment covers.
        public var level: Int?
        public var date: String?
        public var isCompleted: Bool { status == "completed" }
    }

    public var id: String
    public var name: String
    public var description: String
    public var vendor: String
    /// Whether the vendor trains its models on what the city sends.
    public var vendorTrainsOnInputs: Bool
    /// Model ids requests may name (`*` for any model at the endpoints).
    public var models: [String]
    /// Upstream hosts the system is reached at.
    public var endpoints: [String]
    public var ownerDepartment: String
    public var contact: String
    public var purpose: String
    /// Declared purposes this system may serve (ids from the policy's purpose list; empty: any non-prohibited one).
    public var permittedUses: [String]
    /// Declared purposes this system must never serve.
    public var prohibitedUses: [String]
    public var riskLevel: RiskLevel
    public var impactAssessment: ImpactAssessment?
    /// Data classifications allowed in prompts (e.g. `public`, `internal`).
    public var dataClassifications: [String]
    public var status: Status
    /// ISO dates.
    public var approved: String?
    public var reviewBy: String?
    public var retention: String?
    /// Answers reach residents: they carry an AI-generated disclosure (EU AI Act Art. 50).
    public var residentFacing: Bool
    /// Where the entry is defined, for messages.
    public var location: String

    /// Whether the entry covers a request for `model` at `host`.
    public func covers(model: String?, host: String?) -> Bool {
        let modelOK = models.contains("*") || (model.map { models.contains($0) } ?? false)
        let hostOK = host.map { h in endpoints.contains { $0.lowercased() == h.lowercased() } } ?? false
        return modelOK && hostOK
    }

    /// Whether the review date has passed on `today` (`YYYY-MM-DD`).
    public func reviewOverdue(today: String) -> Bool {
        guard let reviewBy else { return false }
        return reviewBy < today
    }
}
