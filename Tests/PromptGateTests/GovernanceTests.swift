import AuditLog
import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import JSONCore
@testable import PromptGate
@testable import Screening

@Suite("Governance: the AI registry decides which systems and purposes are reachable")
struct GovernanceTests {
    static func entry(
        id: String = "test-system", models: String = "[gpt-test]", host: String = "127.0.0.1",
        status: String = "operational",
        reviewBy: String = "2099-01-01", uses: String = "[drafting, summarising, benefits-eligibility]",
        prohibited: String = "[social-scoring]",
        assessment: String = "{framework: Canada AIA, status: completed, reference: AIA-T-1, level: III}",
        residentFacing: Bool = false
    ) -> String {
        """
        id: \(id)
        name: Test system
        vendor: {name: Test vendor, trains_on_inputs: false}
        models: \(models)
        endpoints: [\(host)]
        owner: {department: IT, contact: it@city.example}
        purpose: testing
        permitted_uses: \(uses)
        prohibited_uses: \(prohibited)
        risk_level: high
        impact_assessment: \(assessment)
        status: \(status)
        review_by: "\(reviewBy)"
        resident_facing: \(residentFacing)
        """
    }

    static func registry(_ yaml: String) throws -> Registry {
        Registry(
            entries: [try Registry.parse(bytes: Array(yaml.utf8), origin: "registry/test.yaml")], origin: "registry")
    }

    /// A gate with the shipped packs and the sample policy file, in front of the fake upstream.
    static func withGate<T: Sendable>(
        _ configure: (inout GateConfiguration) throws -> Void,
        run body: (Gate, UpstreamRecorder, _ directory: String) async throws -> T
    ) async throws -> T {
        let recorder = UpstreamRecorder()
        return try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await withTemporaryDirectory { directory in
                var configuration = GateConfiguration(
                    upstreamBaseURL: upstream.baseURL + "/v1",
                    packs: try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs"), dataDirectory: directory,
                    logOrigin: "test.example/gov")
                configuration.policies = try DepartmentPolicies.load(
                    path: repositoryRoot + "/guidelines/policy.yaml", packs: configuration.packs)
                try configure(&configuration)
                let (gate, _) = try await Gate.start(configuration)
                do {
                    let result = try await body(gate, recorder, directory)
                    try await gate.shutdown()
                    return result
                } catch {
                    try? await gate.shutdown()
                    throw error
                }
            }
        }
    }

    static func run(
        registry: Registry?, purpose: String? = nil, review: ReviewOverduePolicy = .warn,
        prompt: String = "Summarise this for jane@example.org", department: String? = nil
    ) async throws -> (
        status: Int, headers: HTTPFields, body: String, forwarded: Int, log: String, sent: [String]
    ) {
        try await withGate { configuration in
            configuration.registry = registry
            configuration.reviewOverdue = review
        } run: { gate, recorder, directory in
            let response = await gate.openAIChatCompletions(
                body: GateTests.chatBody(prompt), context: RequestContext(department: department, purpose: purpose))
            let body = String(decoding: try await response.collectBody(), as: UTF8.self)
            let log = try await GateTests.logText(gate, directory)
            let sent = await recorder.bodies
            return (response.status, response.headers, body, sent.count, log, sent)
        }
    }

    @Test("a registered, operational system is reachable and the entry names it")
    func registered() async throws {
        let r = try await Self.run(registry: Self.registry(Self.entry()), purpose: "summarising")
        #expect(r.status == 200 && r.forwarded == 1)
        // Every entry of the request names them: the screened request and the completed response.
        #expect(
            r.log.components(
                separatedBy:
                    #""system":"test-system","purpose":"summarising","assessment":"AIA-T-1","policy":"city-default@2026.11.1 (enforce)""#
            ).count == 3)
    }

    @Test(
        "blocked before anything leaves, with a message that says why",
        arguments: [
            (Self.entry(models: "[other-model]"), nil as String?, "is not in the city's AI registry"),
            (Self.entry(host: "api.elsewhere.example"), nil, "is not in the city's AI registry"),
            (Self.entry(status: "suspended"), nil, "is suspended in the city's AI registry"),
            (Self.entry(status: "retired"), nil, "is retired"),
            (Self.entry(status: "planned"), nil, "only planned"),
            (Self.entry(), "social-scoring", "The registry prohibits"),
            (Self.entry(), "translation", "is registered for drafting, summarising, benefits-eligibility"),
            (Self.entry(), "no-such-purpose", "not one PromptGate knows"),
            (
                Self.entry(assessment: "{framework: Canada AIA, status: completed, reference: AIA-T-2, level: II}"),
                "benefits-eligibility", "covers impact level II, and this purpose needs level III"
            ),
            (
                Self.entry(assessment: "{framework: Canada AIA, status: in-progress, reference: AIA-T-3, level: III}"),
                "benefits-eligibility", "is in-progress, not completed"
            ),
        ])
    func blocked(yaml: String, purpose: String?, message: String) async throws {
        let r = try await Self.run(registry: Self.registry(yaml), purpose: purpose)
        #expect(r.status == 403)
        #expect(r.forwarded == 0)
        #expect(r.body.contains(message), "\(r.body)")
        #expect(r.log.contains(#""event":"request.blocked""#))
        #expect(!r.log.contains("jane@example.org"))
    }

    @Test("a high-impact purpose with a completed assessment at the required level goes ahead")
    func highImpactAssessed() async throws {
        let r = try await Self.run(registry: Self.registry(Self.entry()), purpose: "benefits-eligibility")
        #expect(r.status == 200 && r.forwarded == 1)
    }

    @Test("a prompt that reads as an eligibility decision is blocked unless the purpose is declared and assessed")
    func undeclaredDecision() async throws {
        let prompt = "Decide whether this applicant qualifies for rental assistance: jane@example.org, income 1,200."
        let undeclared = try await Self.run(registry: Self.registry(Self.entry()), prompt: prompt)
        #expect(undeclared.status == 403 && undeclared.forwarded == 0)
        #expect(
            undeclared.body.contains("decide about a person's eligibility") && undeclared.body.contains("Annex III"))
        let declared = try await Self.run(
            registry: Self.registry(Self.entry()), purpose: "benefits-eligibility", prompt: prompt)
        #expect(declared.status == 200 && declared.forwarded == 1)
        // Still recorded, as a logged finding.
        #expect(
            declared.log.contains(
                #"{"rule":"decision-eligibility","type":"ELIGIBILITY_DECISION","action":"log","count":1}"#))
    }

    @Test("without a registry, high-impact purposes are blocked; ordinary ones pass")
    func noRegistry() async throws {
        let blocked = try await Self.run(registry: nil, purpose: "hiring")
        #expect(blocked.status == 403 && blocked.forwarded == 0 && blocked.body.contains("no registry is configured"))
        let allowed = try await Self.run(registry: nil, purpose: "drafting")
        #expect(allowed.status == 200)
    }

    @Test("an overdue review warns by default and blocks when configured to")
    func reviewOverdue() async throws {
        let yaml = Self.entry(reviewBy: "2020-01-01")
        let warned = try await Self.run(registry: Self.registry(yaml))
        #expect(warned.status == 200)
        #expect(
            warned.headers.contains {
                $0.name.canonicalName == "x-promptgate-warning" && $0.value.contains("due for review on 2020-01-01")
            })
        let blocked = try await Self.run(registry: Self.registry(yaml), review: .block)
        #expect(blocked.status == 403 && blocked.forwarded == 0)
    }

    @Test("answers of resident-facing systems carry an AI disclosure")
    func disclosure() async throws {
        let r = try await Self.run(registry: Self.registry(Self.entry(residentFacing: true)))
        #expect(
            r.headers.contains {
                $0.name.canonicalName == "x-promptgate-ai-disclosure" && $0.value.contains("EU AI Act Art. 50")
            })
        let plain = try await Self.run(registry: Self.registry(Self.entry()))
        #expect(!plain.headers.contains { $0.name.canonicalName == "x-promptgate-ai-disclosure" })
    }

    @Test("a configured notice is appended to answers of resident-facing systems, buffered and streamed")
    func disclosureNotice() async throws {
        let registry = try Self.registry(Self.entry(residentFacing: true))
        try await Self.withGate { configuration in
            configuration.registry = registry
            configuration.disclosureNotice = "This answer was generated by AI."
        } run: { gate, _, _ in
            let buffered = await gate.openAIChatCompletions(
                body: GateTests.chatBody("hello"), context: RequestContext())
            let answer = try JSONParser.parse(try await buffered.collectBody())
            #expect(
                answer["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
                    == "You said: hello\n\nThis answer was generated by AI.")
            let streamed = await gate.openAIChatCompletions(
                body: GateTests.chatBody("hello", stream: true), context: RequestContext())
            let text = String(decoding: try await streamed.collectBody(), as: UTF8.self)
            let content = try eventData(text).filter { $0 != "[DONE]" }.map { try JSONParser.parse($0) }
                .compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }.joined()
            #expect(content == "You said: hello\n\nThis answer was generated by AI.")
            #expect(text.hasSuffix("data: [DONE]\n\n"))
        }
    }

    @Test("a department override turns a redaction into a block")
    func departmentOverride() async throws {
        let prompt = "Call the resident at (617) 555-0134 about the visit."
        let other = try await Self.run(registry: nil, prompt: prompt)
        #expect(other.status == 200)
        let social = try await Self.run(registry: nil, prompt: prompt, department: "social-services")
        #expect(social.status == 403 && social.forwarded == 0)
        #expect(social.log.contains(#""policy":"city-default@2026.11.1 dept social-services (enforce)""#))
    }

    @Test("a department runs only its packs")
    func departmentPacks() async throws {
        let prompt = "Decide whether this applicant qualifies for the parade permit."
        let everyone = try await Self.run(registry: nil, prompt: prompt)
        #expect(everyone.status == 403)
        let communications = try await Self.run(registry: nil, prompt: prompt, department: "communications")
        #expect(communications.status == 200 && communications.forwarded == 1)
    }

    @Test("monitor mode blocks nothing, records what it would have blocked, and still redacts personal data")
    func monitorMode() async throws {
        let prompt = "Decide whether this applicant qualifies: jane@example.org"
        let parks = try await Self.run(
            registry: Self.registry(Self.entry(models: "[other]")), prompt: prompt, department: "parks")
        #expect(parks.status == 200 && parks.forwarded == 1)
        #expect(parks.log.contains("monitor mode: would have blocked"))
        #expect(parks.log.contains("is not in the city's AI registry"))
        #expect(parks.log.contains(#""policy":"city-default@2026.11.1 dept parks (monitor)""#))
        #expect(!parks.log.contains("jane@example.org"))
        #expect(parks.sent.first?.contains("[EMAIL_ADDRESS_1]") == true && parks.sent.first?.contains("jane@") == false)
    }

    @Test("monitor mode redacts personal data that a rule would have blocked, instead of sending it raw")
    func monitorRedactsBlockedPersonalData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/policy.yaml"
            try "policy: p\nversion: \"1\"\nmode: monitor\ndepartments:\n  - id: x\n    overrides: {us-ssn: block}\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            try await Self.withGate({ configuration in
                configuration.policies = try DepartmentPolicies.load(path: path, packs: configuration.packs)
            }) { gate, recorder, data in
                let response = await gate.openAIChatCompletions(
                    body: GateTests.chatBody("SSN 212-56-7890"), context: RequestContext(department: "x"))
                #expect(response.status == 200)
                let sent = await recorder.bodies.joined()
                #expect(sent.contains("[US_SSN_1]") && !sent.contains("212-56-7890"))
                let log = try await GateTests.logText(gate, data)
                #expect(log.contains("would have blocked"))
            }
        }
    }

    @Test("a policy file naming an unknown rule is refused with its line")
    func brokenPolicy() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/policy.yaml"
            try "policy: p\nversion: \"1\"\ndepartments:\n  - id: x\n    overrides:\n      no-such-rule: block\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try DepartmentPolicies.load(
                    path: path, packs: try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs"))
                Issue.record("accepted an unknown rule")
            } catch {
                #expect("\(error)".hasPrefix(path + ":6"), "\(error)")
            }
        }
    }

    @Test("the transparency export uses the standard's attributes and reads back exactly (JSON and CSV)")
    func exportRoundTrip() throws {
        let registry = try Registry.load(directory: repositoryRoot + "/guidelines/registry")
        let publisher = TransparencyRecord.Publisher(
            organization: "City of Springfield", country: "USA", area: "Springfield")
        let json = TransparencyRecord.json(registry, publisher: publisher)
        let records = try #require(try JSONParser.parse(json).arrayValue)
        #expect(records.count == 3)
        let first = try #require(records.first)
        for attribute in [
            "standard_version", "name", "organization", "department", "contact_email", "description_short", "status",
            "risk_category", "AIA_description",
        ] {
            #expect(first[attribute]?.stringValue != nil, "missing \(attribute)")
        }
        #expect(first["standard_version"]?.stringValue == "0.3.1")
        #expect(try TransparencyRecord.entries(fromExport: json) == registry.entries)
        let csv = TransparencyRecord.csv(registry, publisher: publisher)
        #expect(csv.hasPrefix(#""standard_version";"uuid";"lang""#))
        #expect(try TransparencyRecord.entries(fromExport: csv) == registry.entries)
        // Identifiers are stable across exports.
        #expect(TransparencyRecord.uuid(for: "city-assistant") == TransparencyRecord.uuid(for: "city-assistant"))
    }

    @Test("the shipped sample registry loads; a broken entry is refused with file and line")
    func lint() throws {
        let registry = try Registry.load(directory: repositoryRoot + "/guidelines/registry")
        #expect(
            registry.entries.map(\.id).sorted() == [
                "benefits-caseworker-assistant", "city-assistant", "resident-chatbot",
            ])
        let broken = Self.entry().replacingOccurrences(of: "risk_level: high", with: "risk_level: extreme")
        do {
            _ = try Registry.parse(bytes: Array(broken.utf8), origin: "registry/broken.yaml")
            Issue.record("accepted a broken entry")
        } catch {
            #expect(error.description.hasPrefix("registry/broken.yaml:10"), "\(error)")
            #expect(error.description.contains("'risk_level' is 'extreme'"))
        }
    }
}
