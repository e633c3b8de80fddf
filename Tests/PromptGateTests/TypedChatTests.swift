import Foundation
import Screening
import TestSupport
import Testing

@testable import PromptGate

@Suite("Typed API: chat and chatStream through the whole pipeline")
struct TypedChatTests {
    static let email = "maria.lopez@example.org"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    @Test("chat: the value leaves as a placeholder, comes back restored, and the reply says what happened")
    func plain() async throws {
        try await GovernanceTests.withGate {
            $0.policies = nil
        } run: { gate, recorder, directory in
            let reply = try await gate.chat(model: "m", prompt: "Write to \(Self.email) about the permit")
            #expect(reply.text == "You said: Write to \(Self.email) about the permit")
            #expect(reply.decision == .redacted)
            #expect(reply.findings.map(\.entity) == ["EMAIL_ADDRESS"])
            #expect(reply.findings.allSatisfy { !$0.citation.isEmpty && !"\($0)".contains(Self.email) })
            let sent = await recorder.bodies
            #expect(sent.count == 1 && !sent[0].contains(Self.email) && sent[0].contains("[EMAIL_ADDRESS_1]"))
            await gate.flush()
            let sequence = try #require(reply.entrySequence)
            let log = try String(contentsOfFile: directory + "/audit.log", encoding: .utf8)
            let line = try #require(log.split(separator: "\n").first { $0.contains("\"seq\":\(sequence),") })
            #expect(line.contains(reply.requestID) && line.contains("request.screened"))
        }
    }

    @Test("chatStream: deltas are restored text, decision and entry known before the first piece")
    func streamed() async throws {
        try await GovernanceTests.withGate {
            $0.policies = nil
        } run: { gate, recorder, _ in
            let stream = try await gate.chatStream(
                model: "m", messages: [.system("Be brief."), .user("Call \(Self.email) today")])
            #expect(stream.decision == .redacted && stream.entrySequence != nil)
            var pieces: [String] = []
            for try await piece in stream { pieces.append(piece) }
            #expect(pieces.count > 1)
            #expect(pieces.joined() == "You said: Call \(Self.email) today")
            #expect(await !recorder.bodies.joined().contains(Self.email))
        }
    }

    @Test("a blocked prompt throws ChatBlocked with the rules and guidelines, and nothing is sent")
    func blocked() async throws {
        try await GovernanceTests.withGate {
            $0.policies = nil
        } run: { gate, recorder, _ in
            let error = await #expect(throws: ChatBlocked.self) {
                _ = try await gate.chat(model: "m", prompt: "Why is aws_secret_access_key = \(Self.secret) refused?")
            }
            let blocked = try #require(error)
            #expect(blocked.findings.contains { $0.category == .credentials && $0.action == .block })
            #expect(!blocked.citations.isEmpty && blocked.message.contains("nothing was sent"))
            #expect(blocked.entrySequence != nil)
            #expect(!"\(blocked) \(blocked.findings)".contains(Self.secret))
            await #expect(throws: ChatBlocked.self) {
                _ = try await gate.chatStream(model: "m", messages: [.user("aws_secret_access_key = \(Self.secret)")])
            }
            #expect(await recorder.bodies.isEmpty)
        }
    }

    @Test("an unreachable upstream throws ChatFailed with the status the proxy would answer")
    func unreachable() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = GateConfiguration(
                upstreamBaseURL: "http://127.0.0.1:\(closedPort())/v1", packs: try GuidelineLoader.embedded(),
                dataDirectory: directory, logOrigin: "test.example/typed")
            let (gate, _) = try await Gate.start(configuration)
            let error = await #expect(throws: ChatFailed.self) {
                _ = try await gate.chat(model: "m", prompt: "hello")
            }
            #expect(error?.status == 502)
            try await gate.shutdown()
        }
    }
}
