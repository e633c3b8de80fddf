import Testing

@testable import PromptGate

@Suite("Registry messages to employees name no server paths")
struct RegistryMessagesTests {
    static let origin = "/srv/secret-city/registry"

    static func registry(status: String = "operational", reviewBy: String = "2099-01-01") throws -> Registry {
        let yaml = GovernanceTests.entry(status: status, reviewBy: reviewBy)
        return Registry(
            entries: [try Registry.parse(bytes: Array(yaml.utf8), origin: origin + "/test.yaml")], origin: origin)
    }

    static func reasons(
        _ registry: Registry, model: String = "gpt-test", purpose: String? = nil, review: ReviewOverduePolicy = .warn
    ) -> [String] {
        let verdict = registry.check(
            model: model, host: "127.0.0.1", purpose: purpose, today: "2026-11-29", reviewOverdue: review)
        return [verdict.blockReason].compactMap { $0 } + verdict.warnings
    }

    @Test("every block reason and warning leaves out the registry folder and the entry's file")
    func noPaths() throws {
        let cases: [[String]] = [
            Self.reasons(try Self.registry(), model: "unregistered"),
            Self.reasons(try Self.registry(status: "suspended")),
            Self.reasons(try Self.registry(status: "planned")),
            Self.reasons(try Self.registry(), purpose: "social-scoring"),
            Self.reasons(try Self.registry(reviewBy: "2020-01-01")),
            Self.reasons(try Self.registry(reviewBy: "2020-01-01"), review: .block),
        ]
        for messages in cases {
            #expect(!messages.isEmpty)
            for message in messages {
                #expect(
                    !message.contains("/srv") && !message.contains("secret-city") && !message.contains(".yaml"),
                    "\(message)")
                #expect(message.contains("registry"), "\(message)")
            }
        }
        // The operator still finds the file through the entry.
        #expect(try Self.registry().entries.first?.location == Self.origin + "/test.yaml:1")
    }
}
