/// A declared purpose of a request. High-impact purposes — decisions about people in the Canadian Directive on
/// Automated Decision-Making's decision areas and the EU AI Act's Annex III — need a completed algorithmic impact
/// assessment of the system that covers at least the given impact level.
public struct Purpose: Sendable, Equatable {
    public var id: String
    public var title: String
    /// The Canadian AIA impact level (1–4 for I–IV) an assessment must cover; nil for ordinary purposes.
    public var requiredLevel: Int?
    public var source: String

    public var isHighImpact: Bool { requiredLevel != nil }

    /// The purposes PromptGate knows, with the level each high-impact one requires.
    public static let catalogue: [Purpose] = [
        Purpose(id: "drafting", title: "Drafting text", requiredLevel: nil, source: "city generative AI guidelines"),
        Purpose(
            id: "summarising", title: "Summarising documents", requiredLevel: nil,
            source: "city generative AI guidelines"),
        Purpose(
            id: "translation", title: "Translating text", requiredLevel: nil, source: "city generative AI guidelines"),
        Purpose(
            id: "resident-information", title: "Answering residents from published information", requiredLevel: nil,
            source: "EU AI Act Art. 50"),
        Purpose(
            id: "benefits-eligibility", title: "Decisions about eligibility for social assistance and benefits",
            requiredLevel: 3,
            source: "EU AI Act Annex III 5(a); Canada Directive on Automated Decision-Making (social assistance)"),
        Purpose(
            id: "housing", title: "Decisions about housing", requiredLevel: 3,
            source: "Canada Directive on Automated Decision-Making (social assistance: housing)"),
        Purpose(
            id: "permits-licensing", title: "Decisions about permits and licences", requiredLevel: 2,
            source: "Canada Directive on Automated Decision-Making (access and mobility, licensing)"),
        Purpose(
            id: "hiring", title: "Hiring, promotion and dismissal decisions", requiredLevel: 3,
            source: "EU AI Act Annex III 4; Canada Directive on Automated Decision-Making (employment)"),
        Purpose(
            id: "law-enforcement-profiling", title: "Law-enforcement profiling", requiredLevel: 4,
            source: "EU AI Act Annex III 6; Canada Directive on Automated Decision-Making (public safety)"),
        Purpose(
            id: "biometric-identification", title: "Biometric identification", requiredLevel: 4,
            source: "EU AI Act Annex III 1; San José AI policy 1.7.12"),
        Purpose(
            id: "social-scoring", title: "Social scoring", requiredLevel: 4,
            source: "EU AI Act Art. 5(1)(c) (prohibited practice)"),
    ]

    public static func named(_ id: String) -> Purpose? { catalogue.first { $0.id == id } }

    static func roman(_ level: Int) -> String { ["", "I", "II", "III", "IV"][max(0, min(4, level))] }
}
