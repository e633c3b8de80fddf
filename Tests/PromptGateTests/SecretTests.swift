import Foundation
import TestSupport
import Testing

@testable import AuditLog
@testable import JSONCore
@testable import PromptGate
@testable import Screening

/// A secret never leaves and never lands in an entry: not in monitor mode, not beside what its rule matched.
@Suite("Gate: secrets block in every mode, and no entry keeps the text around them")
struct SecretTests {
    /// The shipped packs, compiled once for the scanner-level checks.
    static let screener: Screener = {
        do { return try Screener(packs: GuidelineLoader.embedded()) } catch {
            fatalError("the shipped packs must compile: \(error)")
        }
    }()
    static let pemBody = "MIIEowIBAAKCAQEAq7BFUpkGp3+XQ0cnzb2hGfJ5ySKwmR0kQ1pkNoPemBodyLineOne"
    static let pem = """
        -----BEGIN RSA PRIVATE KEY-----
        \(pemBody)
        Zm9vYmFyYmF6cXV4UGVtQm9keUxpbmVUd29JbXBvcnRhbnRTZWNyZXQ=
        -----END RSA PRIVATE KEY-----
        """
    static let awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    @Test("the whole PEM block is one finding, from BEGIN to END; without its END, through its base64 lines")
    func pemSpan() throws {
        let text = "Fix this:\n\(Self.pem)\nthanks"
        let finding = try #require(try Self.screener.scan(text).first { $0.entity == "PRIVATE_KEY" })
        #expect(finding.value == Self.pem)
        // A 4096-bit key is ~3 KB, far longer than a confirmation window: found whole, END line included.
        let long =
            "-----BEGIN RSA PRIVATE KEY-----\n"
            + (0..<50).map { _ in String(repeating: "QUJDRE", count: 11) }.joined(separator: "\n")
            + "\n-----END RSA PRIVATE KEY-----"
        let whole = try #require(
            try Self.screener.scan("key:\n\(long)\nok").first { $0.entity == "PRIVATE_KEY" })
        #expect(whole.value == long, "\(whole.value.suffix(40))")
        let truncated =
            "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\nAAAAEbm9uZQAAAAAAAAAB\n"
        let open = try #require(try Self.screener.scan(truncated).first { $0.entity == "PRIVATE_KEY" })
        #expect(open.value.hasSuffix("AAAAEbm9uZQAAAAAAAAAB"), "\(open.value)")
    }

    @Test("an AWS secret access key is found by its name and beside its access key id, the pair as one span")
    func awsPair() throws {
        let pair = "AKIAIOSFODNN7EXAMPLE,\(Self.awsSecret)"
        let found = try #require(try Self.screener.scan("creds: \(pair)").first)
        #expect(found.value == pair && found.category == .credentials)
        let named = try #require(try Self.screener.scan("aws_secret_access_key = \(Self.awsSecret)").first)
        #expect(named.value.hasSuffix(Self.awsSecret))
    }

    @Test("monitor mode blocks a secret, sends nothing, and the entry keeps no text of the prompt")
    func monitorBlocksSecrets() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/policy.yaml"
            try
                "policy: p\nversion: \"1\"\nmode: monitor\ndepartments:\n  - id: x\n    overrides: {private-key: warn}\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            try await GovernanceTests.withGate({ configuration in
                configuration.policies = try DepartmentPolicies.load(path: path, packs: configuration.packs)
            }) { gate, recorder, data in
                for prompt in [
                    "Why does this fail?\n\(Self.pem)", "aws_secret_access_key = \(Self.awsSecret) jane@example.org",
                ] {
                    let response = await gate.openAIChatCompletions(
                        body: GateTests.chatBody(prompt), context: RequestContext(department: "x"))
                    #expect(response.status == 403)
                }
                #expect(await recorder.bodies.isEmpty, "a secret left in monitor mode")
                let log = try await GateTests.logText(gate, data)
                for secret in [
                    Self.pemBody, "Zm9vYmFyYmF6cXV4", Self.awsSecret, "jane@example.org", "Why does this fail",
                ] {
                    #expect(!log.contains(secret), "the log holds \(secret)")
                }
                #expect(log.contains("the prompt's text is not kept: it held a secret"))
                #expect(log.contains(#""rule":"private-key""#) && log.contains(#""rule":"aws-secret-key""#))
            }
        }
    }

    @Test("a pasted PromptGate key blocks, and the entry names its owner, never the key")
    func pastedProxyKey() async throws {
        let key = UserDirectory.newKey()
        try await GovernanceTests.withGate { configuration in
            configuration.users = UserDirectory(users: [
                (ProxyUser(id: "bob", department: nil), UserDirectory.hash(key))
            ])
        } run: { gate, recorder, data in
            let response = await gate.openAIChatCompletions(
                body: GateTests.chatBody("use my colleague's key \(key) please"),
                context: RequestContext(actor: "alice"))
            #expect(response.status == 403)
            #expect(await recorder.bodies.isEmpty)
            let log = try await GateTests.logText(gate, data)
            #expect(!log.contains(key) && !log.contains(String(key.dropFirst(4).prefix(20))))
            #expect(log.contains("a valid PromptGate key of user 'bob' was pasted"))
            // A key of the same form that is nobody's still blocks, with no owner named.
            let unknown = await gate.openAIChatCompletions(
                body: GateTests.chatBody("pgk_" + String(repeating: "A", count: 43)),
                context: RequestContext(actor: "alice"))
            #expect(unknown.status == 403)
        }
    }
}
