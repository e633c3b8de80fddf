import Foundation
import TestSupport
import Testing

@testable import JSONCore
@testable import PromptGate
@testable import Providers
@testable import Screening

/// Every string of a request body is screened, not only the slots a protocol names.
@Suite("Gate: the whole body is screened, attachments read, split values found")
struct WholeBodyTests {
    static let email = "maria.gonzalez@example.org"
    static let ssn = "212-56-7890"

    /// Sends `body` (JSON text) through a gate against the fake upstream: the status, what reached the upstream,
    /// the client's answer and the log.
    static func send(
        _ json: String, wire: ChatWire = .openAIChat,
        configure: @escaping @Sendable (inout GateConfiguration) throws -> Void = { _ in }
    ) async throws -> (status: Int, sent: String, answer: String, log: String) {
        try await GovernanceTests.withGate { configuration in
            configuration.policies = nil
            try configure(&configuration)
        } run: { gate, recorder, data in
            let context = RequestContext(actor: "jdoe")
            let body = Array(json.utf8)
            let response: GateResponse
            switch wire {
            case .anthropicMessages: response = await gate.anthropicMessages(body: body, context: context)
            case .openAIResponses: response = await gate.openAIResponses(body: body, context: context)
            default: response = await gate.openAIChatCompletions(body: body, context: context)
            }
            let answer = String(decoding: try await response.collectBody(), as: UTF8.self)
            let sent = await recorder.bodies.joined(separator: "\n")
            return (response.status, sent, answer, try await GateTests.logText(gate, data))
        }
    }

    static func chat(_ extra: String, content: String = "\"hello\"") -> String {
        #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":\#(content)}]\#(extra)}"#
    }

    @Test(
        "a value in a field no protocol rule names is redacted in place",
        arguments: [
            #","metadata":{"case_owner":"EMAIL"}"#,
            #","stop":["EMAIL"]"#,
            #","prediction":{"type":"content","content":"EMAIL"}"#,
            #","x_unknown":{"deep":[{"deeper":"write to EMAIL"}]}"#,
            #","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"to":{"type":"string","description":"e.g. EMAIL"}}}}}]"#,
            #","response_format":{"type":"json_schema","json_schema":{"name":"r","description":"about EMAIL"}}"#,
        ])
    func otherFields(_ extra: String) async throws {
        let r = try await Self.send(Self.chat(extra.replacingOccurrences(of: "EMAIL", with: Self.email)))
        #expect(r.status == 200, "\(r.answer)")
        #expect(!r.sent.contains(Self.email) && !r.sent.contains("gonzalez"))
        #expect(r.sent.contains("[EMAIL_ADDRESS_1]"))
        #expect(!r.log.contains(Self.email))
    }

    @Test(
        "a value where no placeholder fits blocks: a URL, a schema literal, an object key, a model name",
        arguments: [
            Self.chat(
                "",
                content:
                    #"[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://x.example/p?who=EMAIL"}}]"#
            ),
            Self.chat(
                #","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"to":{"type":"string","enum":["EMAIL"]}}}}}]"#
            ),
            Self.chat(#","metadata":{"EMAIL":"x"}"#),
            #"{"model":"EMAIL","messages":[{"role":"user","content":"hi"}]}"#,
            Self.chat("", content: #"[{"type":"text","text":"hi","cache":{"detail":"EMAIL"}}]"#),
        ])
    func fixedFields(_ json: String) async throws {
        let r = try await Self.send(json.replacingOccurrences(of: "EMAIL", with: Self.email))
        #expect(r.status == 403, "\(r.answer)")
        #expect(r.sent.isEmpty)
        #expect(r.answer.contains("cannot put a placeholder"))
        #expect(!r.log.contains(Self.email))
    }

    @Test("structural values of their usual shape are not screened for personal data, only for secrets")
    func structural() async throws {
        let fine = try await Self.send(
            #"{"model":"gpt-4o-2024-08-06","messages":[{"role":"user","content":"hi","name":"x"}],"user":"u1"}"#)
        #expect(fine.status == 200)
        let key = try await Self.send(
            #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"metadata":{"id":"AKIAIOSFODNN7EXAMPLE"}}"#)
        #expect(key.status == 403 && key.sent.isEmpty)
    }

    @Test("a value split across content parts, or across messages, is found and every piece replaced")
    func splits() async throws {
        let parts = try await Self.send(
            Self.chat("", content: #"[{"type":"text","text":"SSN 212-56-"},{"type":"text","text":"7890 thanks"}]"#))
        #expect(parts.status == 200)
        #expect(!parts.sent.contains("7890") && !parts.sent.contains("212-56"), "\(parts.sent)")
        #expect(parts.sent.contains("[US_SSN_1]"))
        #expect(parts.answer.contains(Self.ssn), "the client gets the whole value back")
        let messages = try await Self.send(
            #"{"model":"m","messages":[{"role":"user","content":"mail maria.gonzalez@"},{"role":"user","content":"example.org now"}]}"#
        )
        #expect(messages.status == 200)
        #expect(!messages.sent.contains("gonzalez") && !messages.sent.contains("example.org"), "\(messages.sent)")
    }

    @Test("text attachments are decoded, screened and re-encoded; binary ones block by default, or leave recorded")
    func attachments() async throws {
        let csv = "name,email\nMaria,\(Self.email)\n"
        let b64 = Data(csv.utf8).base64EncodedString()
        let file = try await Self.send(
            Self.chat(
                "",
                content:
                    #"[{"type":"text","text":"summarise"},{"type":"file","file":{"filename":"r.csv","file_data":"data:text/csv;base64,\#(b64)"}}]"#
            ))
        #expect(file.status == 200, "\(file.answer)")
        #expect(!file.sent.contains(b64))
        let sentBody = try JSONParser.parse(Array(file.sent.utf8))
        let path: [JSONPathComponent] = [
            .key("messages"), .index(0), .key("content"), .index(1), .key("file"), .key("file_data"),
        ]
        let sentURL = try #require(sentBody[path: path]?.stringValue)
        #expect(sentURL.hasPrefix("data:text/csv;base64,"))
        let decoded = String(decoding: Data(base64Encoded: String(sentURL.dropFirst(21))) ?? Data(), as: UTF8.self)
        // "Maria" sits in a column headed `name`: the header makes her a person (issue 19's structure as context).
        #expect(decoded == "name,email\n[PERSON_1],[EMAIL_ADDRESS_1]\n", "\(decoded)")

        // Anthropic documents: `source.type: text`, and base64 text/plain (read here without an upstream).
        try await GovernanceTests.withGate { _ in
        } run: { gate, _, _ in
            for source in [
                #"{"type":"text","media_type":"text/plain","data":"SSN \#(Self.ssn)"}"#,
                #"{"type":"base64","media_type":"text/plain","data":"\#(Data("SSN \(Self.ssn)".utf8).base64EncodedString())"}"#,
            ] {
                let json =
                    #"{"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":\#(source)}]}]}"#
                let request = try ChatWire.anthropicMessages.extract(try JSONParser.parse(Array(json.utf8)))
                #expect(request.unscreened.isEmpty, "\(request.unscreened)")
                let result = try gate.screen(slots: request.slots)
                let sent = request.rewritten(with: result.outgoingTexts).serialized()
                #expect(
                    !sent.contains(Self.ssn) && !sent.contains(Data(Self.ssn.utf8).base64EncodedString()), "\(sent)")
                #expect(result.findings.contains { $0.finding.entity == "US_SSN" })
            }
        }

        let png = "data:image/png;base64," + Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).base64EncodedString()
        let image = Self.chat(
            "", content: #"[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"\#(png)"}}]"#)
        let blocked = try await Self.send(image)
        #expect(blocked.status == 403 && blocked.sent.isEmpty && blocked.answer.contains("cannot be screened"))
        let allowed = try await Self.send(image) { $0.unscreenedParts = .allowAndRecord }
        #expect(allowed.status == 200)
        #expect(allowed.log.contains(#""screened_all":false"#) && allowed.log.contains("image/png, 7 bytes"))
        #expect(allowed.log.contains(#"{"type":"ATTACHMENT image/png","hmac":"#), "no keyed fingerprint of the image")
    }

    @Test("a record pasted as base64 in the prompt is read; a finding in it blocks, plain base64 noise does not")
    func base64InText() async throws {
        let record = Data("name: Maria, ssn: \(Self.ssn), mail \(Self.email)".utf8).base64EncodedString()
        let r = try await Self.send(Self.chat("", content: "\"decode this: \(record) please\""))
        #expect(r.status == 403 && r.sent.isEmpty, "\(r.answer)")
        #expect(r.answer.contains("base64 text"))
        #expect(!r.log.contains(Self.ssn) && !r.log.contains(Self.email))
        let noise = Data((0..<48).map { UInt8(($0 * 97 + 13) % 256) }).base64EncodedString()
        let fine = try await Self.send(
            Self.chat(
                "", content: "\"the checksum is \(noise) and the commit 4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39\""))
        #expect(fine.status == 200, "\(fine.answer)")
    }

    @Test("monitor mode does not let a value where no placeholder fits leave")
    func monitorKeepsFixedBlocks() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/policy.yaml"
            try "policy: p\nversion: \"1\"\nmode: monitor\n".write(toFile: path, atomically: true, encoding: .utf8)
            let r = try await Self.send(Self.chat(#","metadata":{"\#(Self.email)":"x"}"#)) { configuration in
                configuration.policies = try DepartmentPolicies.load(path: path, packs: configuration.packs)
            }
            #expect(r.status == 403 && r.sent.isEmpty)
        }
    }
}
