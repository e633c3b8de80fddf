import Foundation
import TestSupport
import Testing

@testable import Screening

/// The credentials pack converted from gitleaks' default rules (`guidelines/packs/credentials-gitleaks.yaml`) and
/// the entropy check its generic rules use.
@Suite("Screening: gitleaks' credential rules and the entropy check")
struct GitleaksPackTests {
    static let screener = ScreeningTests.screener
    static let gitleaks = ScreeningTests.packs.first { $0.id == "credentials-gitleaks" }

    @Test("the pack holds gitleaks' rules, all blocking credentials, and the screener compiles them")
    func pack() throws {
        let pack = try #require(Self.gitleaks)
        #expect(pack.rules.count >= 180)
        #expect(pack.rules.allSatisfy { $0.category == .credentials && $0.action == .block })
        #expect(pack.rules.contains { $0.id == "generic-api-key" && $0.validator == "generic-secret" })
        #expect(pack.rules.filter { $0.validator?.hasPrefix("entropy-") ?? false }.count >= 100)
    }

    /// The forms the unseen corpus caught PromptGate missing (issue 19): each must block.
    static let secrets: [String] = [
        "stripe key sk_live_51HxQ2bLkfT9aPzR3m8WvY7cD",
        "config: api_key = \"9f8e7d6c5b4a39281706f5e4d3c2b1a0\"",
        "curl -H 'X-API-Key: 3fa85f6457174562b3fc2c963f66afa6' https://api.example.org/v1",
        "X-API-Key: 3fa85f6457174562b3fc2c963f66afa6",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ1x8Lm3vA",
        "export GITLAB_TOKEN=glpat-x9Kq2mWv7RtY3bNc8LpZ",
    ]

    @Test("Stripe keys, hex keys after api_key, X-API-Key headers and AWS secret keys block", arguments: secrets)
    func blocks(_ text: String) throws {
        let findings = try Self.screener.scan(text)
        #expect(findings.contains { $0.category == .credentials && $0.action == .block }, "\(text): \(findings)")
    }

    @Test(
        "words, placeholders and low-entropy values after a key name are not secrets",
        arguments: [
            "api_key = aaaaaaaaaaaaaaaaaaaaaaaa", "token: refresh_interval_seconds", "the access key is in the vault",
            "password: <see the vault>", "X-API-Key: YOUR_API_KEY_HERE",
            // A git commit id, a SHA-256 and a UUID are what prompts about code hold: none is a credential.
            "fixed in commit 4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39, see the log",
            "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "request 123e4567-e89b-12d3-a456-426614174000 failed",
        ])
    func notSecrets(_ text: String) throws {
        let ids = Set(Self.gitleaks?.rules.map(\.id) ?? [])
        let found = try Self.screener.scan(text).filter { ids.contains($0.ruleID) }
        #expect(found.isEmpty, "\(text): \(found.map(\.ruleID))")
    }

    @Test("Shannon entropy in bits per character")
    func entropy() {
        #expect(Validators.shannonEntropy("aaaa") == 0)
        #expect(Validators.shannonEntropy("abab") == 1)
        #expect(Validators.shannonEntropy("abcd") == 2)
        #expect(abs(Validators.shannonEntropy("0123456789abcdef") - 4) < 1e-9)
    }

    @Test("the secret is the token at the end of the match, after the key name, quotes and separators")
    func secretPart() {
        #expect(Validators.secret(in: "api_key = \"abc123\"") == "abc123")
        #expect(Validators.secret(in: "token: dGVzdA==") == "dGVzdA==")
        #expect(Validators.secret(in: "sk_live_abc;") == "sk_live_abc")
        #expect(Validators.secret(in: "key=\"x9y8z7\\n") == "x9y8z7")
        let check = Validators.named("entropy-3")
        #expect(check?("secret = \"a1b2c3d4e5f6\"") == true)
        #expect(check?("secret = \"aaaaaaaaaaaa\"") == false)
        #expect(Validators.named("entropy-x") == nil && Validators.named("entropy-0") == nil)
        #expect(Validators.exists("entropy-4.5") && Validators.exists("generic-secret"))
        let generic = Validators.named("generic-secret")
        #expect(generic?("api_key: 3fa85f6457174562b3fc2c963f66afa6") == true)  // hex, entropy 3.46
        #expect(generic?("api_key: 0000000000000000000000000000000a") == false)
        #expect(generic?("api_key: refresh_interval_seconds") == false)
    }

    /// Rules added for issue 19: the new packs and the new rules of the United States pack.
    static let newRules: Set<String> = {
        let packs: Set<String> = ["europe-national", "asia-pacific", "latin-america", "credentials-gitleaks"]
        var ids = Set(ScreeningTests.packs.filter { packs.contains($0.id) }.flatMap(\.rules).map(\.id))
        ids.formUnion(["us-bank-account", "us-dea-number", "us-mbi"])
        return ids
    }()

    @Test("no new rule fires on the project's own prose (README, docs, guidelines)")
    func prose() throws {
        let url = URL(fileURLWithPath: repositoryRoot).appendingPathComponent("Benchmarks/eval/prose.jsonl")
        let data = try Data(contentsOf: url)
        var fired: [String] = []
        var documents = 0
        for line in data.split(separator: 0x0A) {
            let object = try JSONSerialization.jsonObject(with: line) as? [String: Any]
            let text = try #require(object?["text"] as? String)
            documents += 1
            for finding in try Self.screener.scan(text) where Self.newRules.contains(finding.ruleID) {
                fired.append("\(finding.ruleID): \(finding.value.prefix(40))")
            }
        }
        #expect(documents > 5)
        #expect(fired.isEmpty, "\(fired.count) findings: \(fired.joined(separator: "; "))")
    }
}
