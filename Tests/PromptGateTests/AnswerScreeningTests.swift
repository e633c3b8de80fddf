import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import AuditLog
@testable import JSONCore
@testable import PromptGate
@testable import Screening

@Suite("Answers are screened: values the prompt did not hold are recorded, warned, redacted or blocked")
struct AnswerScreeningTests {
    static let email = "jane.roe@example.net"
    static let key = "AKIAQWERTYUIOPASDFGH"
    static let keyMarker = "[AWS_ACCESS_KEY redacted by PromptGate]"
    static let emailMarker = "[EMAIL_ADDRESS redacted by PromptGate]"
    static let answer = "Sure. Write to \(email) and use the key \(key) to upload the file."

    static func body(_ prompt: String = "Please draft a short reply.", stream: Bool = false, responses: Bool = false)
        -> [UInt8]
    {
        var members: [(key: String, value: JSONValue)] = [("model", .string("gpt-test")), ("stream", .bool(stream))]
        if responses {
            members.append(("input", .string(prompt)))
        } else {
            members.append(("messages", .array([.object([("role", .string("user")), ("content", .string(prompt))])])))
        }
        return JSONValue.object(members).serializedBytes()
    }

    static func withGate<T: Sendable>(
        configure: (inout GateConfiguration) -> Void = { _ in },
        run body: (Gate, String, AnswerScript) async throws -> T
    ) async throws -> T {
        let recorder = UpstreamRecorder()
        let script = AnswerScript()
        await script.set(answer)
        return try await LiveServer.with(ScriptedUpstream.router(recorder, script)) { upstream in
            try await withTemporaryDirectory { directory in
                var configuration = GateConfiguration(
                    upstreamBaseURL: upstream.baseURL + "/v1", upstreamAPIKey: Secret("city-upstream-key"),
                    packs: try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs"),
                    dataDirectory: directory, logOrigin: "test.example/answers")
                configure(&configuration)
                let (gate, _) = try await Gate.start(configuration)
                do {
                    let result = try await body(gate, directory, script)
                    try await gate.shutdown()
                    return result
                } catch {
                    try? await gate.shutdown()
                    throw error
                }
            }
        }
    }

    /// The response entries of the log, parsed.
    static func responseEntries(_ gate: Gate, _ directory: String) async throws -> (text: String, entries: [JSONValue])
    {
        await gate.flush()
        let text = try await OpenedLog.text(directory, keys: gate.retentionKeys)
        let entries = try await OpenedLog.entries(directory, keys: gate.retentionKeys)
            .filter { $0["event"]?.stringValue?.hasPrefix("response.") == true }
        return (text, entries)
    }

    /// `rule/action/count` of an entry's findings, sorted.
    static func findings(_ entry: JSONValue) -> [String] {
        (entry["findings"]?.arrayValue ?? []).map {
            "\($0["rule"]?.stringValue ?? "")/\($0["action"]?.stringValue ?? "")/\($0["count"]?.intValue ?? 0)"
        }.sorted()
    }

    static func content(_ response: GateResponse) async throws -> String {
        let json = try JSONParser.parse(try await response.collectBody())
        return json["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
    }

    /// The text of an OpenAI chat stream's content deltas, and whether it ended with an in-band error.
    static func streamed(_ response: GateResponse) async throws -> (text: String, error: String?, done: Bool) {
        let raw = String(decoding: try await response.collectBody(), as: UTF8.self)
        var text = ""
        var error: String?
        for data in eventData(raw) where data != "[DONE]" {
            let json = try JSONParser.parse(data)
            if let message = json["error"]?["message"]?.stringValue { error = message }
            for choice in json["choices"]?.arrayValue ?? [] {
                text += choice["delta"]?["content"]?.stringValue ?? ""
            }
        }
        return (text, error, raw.contains("data: [DONE]"))
    }

    @Test("default: an e-mail address the prompt did not hold is delivered, warned and recorded; a key is redacted")
    func defaultBuffered() async throws {
        try await Self.withGate { gate, directory, script in
            let response = await gate.openAIChatCompletions(body: Self.body(), context: RequestContext(actor: "jdoe"))
            #expect(response.status == 200)
            let warnings = response.headers.filter { $0.name.canonicalName == "x-promptgate-warning" }.map(\.value)
            #expect(warnings.contains { $0.contains("EMAIL_ADDRESS") && $0.contains("not in your prompt") })
            #expect(warnings.contains { $0.contains("AWS_ACCESS_KEY") })
            let content = try await Self.content(response)
            #expect(content == "Sure. Write to \(Self.email) and use the key \(Self.keyMarker) to upload the file.")

            let (log, entries) = try await Self.responseEntries(gate, directory)
            let entry = try #require(entries.last)
            #expect(entry["event"]?.stringValue == "response.completed")
            #expect(Self.findings(entry) == ["aws-access-key/redact/1", "email-address/warn/1"])
            #expect(entry["note"]?.stringValue?.contains("the answer held data the prompt did not") == true)
            #expect(entry["fingerprints"]?.arrayValue?.count == 2)
            let kept = try #require(entry["response"]?.stringValue)
            #expect(kept.contains("[EMAIL_ADDRESS_1]") && kept.contains("[AWS_ACCESS_KEY_1]"))
            #expect(!log.contains(Self.email) && !log.contains(Self.key))
        }
    }

    @Test("configured per rule, category and department: redact and block")
    func configured() async throws {
        try await Self.withGate {
            $0.answerActions["email-address"] = .redact
            $0.departmentAnswerActions["legal"] = ["personal-data": .block]
        } run: { gate, directory, script in
            let redacted = await gate.openAIChatCompletions(body: Self.body(), context: RequestContext(actor: "a"))
            #expect(redacted.status == 200)
            let content = try await Self.content(redacted)
            #expect(
                content == "Sure. Write to \(Self.emailMarker) and use the key \(Self.keyMarker) to upload the file.")

            let blocked = await gate.openAIChatCompletions(
                body: Self.body(), context: RequestContext(actor: "b", department: "legal"))
            #expect(blocked.status == 403)
            let error = try JSONParser.parse(try await blocked.collectBody())
            #expect(error["error"]?["code"]?.stringValue == "promptgate_policy_block")
            let message = try #require(error["error"]?["message"]?.stringValue)
            #expect(message.contains("EMAIL_ADDRESS") && !message.contains(Self.email))

            let (log, entries) = try await Self.responseEntries(gate, directory)
            #expect(entries.count == 2)
            #expect(Self.findings(entries[0]) == ["aws-access-key/redact/1", "email-address/redact/1"])
            #expect(entries[1]["event"]?.stringValue == "response.failed")
            #expect(entries[1]["status"]?.intValue == 403)
            #expect(Self.findings(entries[1]) == ["aws-access-key/redact/1", "email-address/block/1"])
            #expect(entries[1]["note"]?.stringValue?.contains("the answer was blocked") == true)
            #expect(!log.contains(Self.email) && !log.contains(Self.key))
        }
    }

    @Test("the policy file sets answer actions for the city and per department; unknown names are refused")
    func fromPolicyFile() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/policy.yaml"
            try """
            policy: p
            version: "1"
            answers: {email-address: redact}
            departments:
              - id: legal
                answers: {personal-data: block}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            let packs = try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs")
            let policies = try DepartmentPolicies.load(path: path, packs: packs)
            try await Self.withGate(configure: { $0.policies = policies }) { gate, _, _ in
                let city = await gate.openAIChatCompletions(body: Self.body(), context: RequestContext(actor: "a"))
                let cityText = try await Self.content(city)
                #expect(cityText.contains(Self.emailMarker))
                let legal = await gate.openAIChatCompletions(
                    body: Self.body(), context: RequestContext(actor: "b", department: "legal"))
                #expect(legal.status == 403)
            }
            try "policy: p\nversion: \"1\"\nanswers:\n  no-such-rule: redact\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: PackError.self) { try DepartmentPolicies.load(path: path, packs: packs) }
            do {
                _ = try DepartmentPolicies.load(path: path, packs: packs)
            } catch {
                #expect("\(error)".hasPrefix(path + ":4"), "\(error)")
            }
        }
    }

    @Test("a credential is never delivered raw, even if configured to warn")
    func credentialFloor() async throws {
        try await Self.withGate {
            $0.answerActions["credentials"] = .warn
        } run: { gate, _, script in
            let response = await gate.openAIChatCompletions(body: Self.body(), context: RequestContext())
            let content = try await Self.content(response)
            #expect(!content.contains(Self.key) && content.contains(Self.keyMarker))
        }
    }

    @Test("values the prompt held come back restored and are not answer findings")
    func promptValues() async throws {
        try await Self.withGate { gate, directory, script in
            // The e-mail address leaves as a placeholder; "diabetes" (a warn rule) leaves as it is and comes back.
            let prompt = "Write to maria.gonzalez@example.org about the permit; she has diabetes."
            await script.set("Draft: {prompt}")
            let response = await gate.openAIChatCompletions(body: Self.body(prompt), context: RequestContext())
            #expect(response.status == 200)
            #expect(try await Self.content(response) == "Draft: " + prompt)
            #expect(!response.headers.contains { $0.name.canonicalName == "x-promptgate-warning" })
            let (_, entries) = try await Self.responseEntries(gate, directory)
            #expect(Self.findings(try #require(entries.last)).isEmpty)

            // Streamed too: the placeholder is cut at every byte and still restored, not flagged.
            await script.set("Draft: {prompt}", cuts: Array(1..<60))
            let streamed = await gate.openAIChatCompletions(
                body: Self.body(prompt, stream: true), context: RequestContext())
            #expect(try await Self.streamed(streamed).text == "Draft: " + prompt)
            let (_, after) = try await Self.responseEntries(gate, directory)
            #expect(Self.findings(try #require(after.last)).isEmpty)
        }
    }

    @Test("streamed: values cut at every chunk boundary are found every time (key redacted, e-mail warned)")
    func everyCut() async throws {
        let expected = "Sure. Write to \(Self.email) and use the key \(Self.keyMarker) to upload the file."
        let count = Self.answer.utf8.count
        try await Self.withGate { gate, directory, script in
            for cut in 1..<count {
                await script.set(Self.answer, cuts: [cut])
                let response = await gate.openAIChatCompletions(
                    body: Self.body(stream: true), context: RequestContext())
                let (text, error, done) = try await Self.streamed(response)
                #expect(text == expected, "cut at \(cut)")
                #expect(error == nil && done)
            }
            // And one byte per chunk.
            await script.set(Self.answer, cuts: Array(1..<count))
            let response = await gate.openAIChatCompletions(body: Self.body(stream: true), context: RequestContext())
            #expect(try await Self.streamed(response).text == expected)

            let (log, entries) = try await Self.responseEntries(gate, directory)
            #expect(entries.count == count)
            for entry in entries {
                #expect(Self.findings(entry) == ["aws-access-key/redact/1", "email-address/warn/1"])
                #expect(entry["response"]?.stringValue?.contains("[AWS_ACCESS_KEY_1]") == true)
            }
            #expect(!log.contains(Self.email) && !log.contains(Self.key))
        }
    }

    @Test("streamed and configured to redact: no cut lets any of the value through")
    func everyCutRedacted() async throws {
        let expected = "Sure. Write to \(Self.emailMarker) and use the key \(Self.keyMarker) to upload the file."
        try await Self.withGate {
            $0.answerActions["personal-data"] = .redact
        } run: { gate, _, script in
            for cut in 1..<Self.answer.utf8.count {
                await script.set(Self.answer, cuts: [cut, cut + 3])
                let response = await gate.openAIChatCompletions(
                    body: Self.body(stream: true), context: RequestContext())
                let text = try await Self.streamed(response).text
                #expect(text == expected, "cut at \(cut)")
            }
        }
    }

    @Test("streamed and configured to block: the text before the value goes out, then the in-band error")
    func blockMidStream() async throws {
        let lead = String(repeating: "Here is some harmless text. ", count: 20)
        let answer = lead + "Write to \(Self.email) now. And more text after it."
        try await Self.withGate {
            $0.answerActions["email-address"] = .block
        } run: { gate, directory, script in
            for cut in [5, lead.utf8.count + 12, lead.utf8.count + 20] {
                await script.set(answer, cuts: [cut])
                let response = await gate.openAIChatCompletions(
                    body: Self.body(stream: true), context: RequestContext())
                let (text, error, done) = try await Self.streamed(response)
                #expect(text.hasPrefix(lead.prefix(lead.utf8.count - 256)))
                #expect(!text.contains(Self.email) && !text.contains("jane") && !text.contains("more text"))
                #expect(error?.contains("withheld") == true)
                #expect(!done)
            }
            let (log, entries) = try await Self.responseEntries(gate, directory)
            for entry in entries {
                #expect(entry["event"]?.stringValue == "response.failed")
                #expect(entry["status"]?.intValue == 403)
                #expect(Self.findings(entry) == ["email-address/block/1"])
            }
            #expect(!log.contains(Self.email))
        }
    }

    @Test("Responses streams: the key is redacted in the deltas and in every whole copy the protocol repeats")
    func responsesRepeats() async throws {
        try await Self.withGate { gate, directory, script in
            await script.set(Self.answer, cuts: [20, 40])
            let response = await gate.openAIResponses(
                body: Self.body(stream: true, responses: true), context: RequestContext())
            let raw = String(decoding: try await response.collectBody(), as: UTF8.self)
            #expect(!raw.contains(Self.key))
            #expect(raw.components(separatedBy: Self.keyMarker).count - 1 >= 4)
            let (log, entries) = try await Self.responseEntries(gate, directory)
            #expect(Self.findings(try #require(entries.last)) == ["aws-access-key/redact/1", "email-address/warn/1"])
            #expect(!log.contains(Self.key) && !log.contains(Self.email))
        }
    }

    @Test("streamed: a key block longer than the hold-back is held from its first byte while it grows")
    func longFinding() async throws {
        let lines = (0..<12).map { i in String(repeating: "QUJD\(i % 10)RUZH", count: 8) }  // 12 × 64 base64 bytes
        let block =
            "-----BEGIN RSA PRIVATE KEY-----\n" + lines.joined(separator: "\n") + "\n-----END RSA PRIVATE KEY-----"
        let answer = "Here is the key:\n" + block + "\nKeep it safe."
        try await Self.withGate { gate, directory, script in
            await script.set(answer, cuts: Array(stride(from: 20, to: answer.utf8.count, by: 20)))
            let response = await gate.openAIChatCompletions(body: Self.body(stream: true), context: RequestContext())
            let (text, _, _) = try await Self.streamed(response)
            #expect(text.hasPrefix("Here is the key:\n[PRIVATE_KEY redacted by PromptGate]"))
            #expect(!lines.contains { text.contains($0) })
            // The same as the whole answer screened at once.
            let whole = try await Self.content(
                await gate.openAIChatCompletions(body: Self.body(), context: RequestContext()))
            #expect(text == whole)
            let (log, entries) = try await Self.responseEntries(gate, directory)
            #expect(entries.map(Self.findings) == [["private-key/redact/1"], ["private-key/redact/1"]])
            #expect(!log.contains(lines[0]) && !log.contains(lines[11]))
        }
    }

    @Test("the hold-back: plain words go at once but for the last four; from a value-like word on, up to 256 bytes")
    func holdBack() async throws {
        try await Self.withGate { gate, _, _ in
            let answers = AnswerScreening(gate: gate, promptTexts: [], vault: PlaceholderVault(), department: nil)
            var screen = AnswerStreamScreen(answers: answers, holdBack: 256)
            let prose = String(repeating: "plain words ", count: 100)
            var out = screen.feed(prose).delivered
            #expect(screen.heldBack == "plain words plain words ".utf8.count)
            // A number (it may be the start of a phone number, or be followed by its context word) is held…
            out += screen.feed("call 617 and then some more words").delivered
            #expect(screen.heldBack == "617 and then some more words".utf8.count)
            // …but never more than 256 bytes back.
            out += screen.feed(prose).delivered
            #expect(screen.heldBack == "plain words plain words ".utf8.count)
            out += screen.finish().delivered
            #expect(out == prose + "call 617 and then some more words" + prose)
        }
    }
}
