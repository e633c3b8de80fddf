import AuditLog
import Testing

@testable import PromptGate

@Suite("Witness policy files (C2SP tlog-policy)")
struct WitnessPolicyTests {
    static func key(_ name: String, _ seed: UInt8) -> String {
        (try! CosignerKey(name: name, seed: Array(repeating: seed, count: 32))).verifierKey.text
    }

    static let log = (try! LogSigningKey(name: "city.example/pg", seed: Array(repeating: 1, count: 32))).verifierKey

    static let twoLevel = """
        # The spec's example, with keys.
        log \(log.text) https://city.example/log

        witness X1 \(key("x1.example/w", 11)) http://127.0.0.1:1
        witness X2 \(key("x2.example/w", 12))
        witness X3 \(key("x3.example/w", 13))
        group X-witnesses 2 X1 X2 X3
        \twitness Y1 \(key("y1.example/w", 21))
        witness Y2 \(key("y2.example/w", 22))
        group Y-witnesses any Y1 Y2
        group X-and-Y all X-witnesses Y-witnesses
        quorum X-and-Y
        """

    @Test("nested groups: 2 of the X witnesses and one Y witness")
    func nested() throws {
        let policy = try WitnessPolicy.parse(Self.twoLevel)
        #expect(policy.logs.map(\.key) == [Self.log])
        #expect(policy.witnesses.map(\.name) == ["X1", "X2", "X3", "Y1", "Y2"])
        #expect(policy.witnesses[0].url == "http://127.0.0.1:1" && policy.witnesses[1].url == nil)
        #expect(policy.isSatisfied(by: [0, 2, 4]))
        #expect(!policy.isSatisfied(by: [0, 1, 2]))
        #expect(!policy.isSatisfied(by: [0, 3, 4]))
        #expect(policy.quorumDescription == "2 of (2 of (X1, X2, X3), 1 of (Y1, Y2))")
        #expect(try WitnessPolicy.parse("quorum none\n").isSatisfied(by: []))
    }

    @Test("mistakes are refused at their line")
    func mistakes() {
        let w = "witness A \(Self.key("a.example/w", 1))\n"
        let cases: [(String, Int?, String)] = [
            (w, nil, "no quorum line"),
            (w + "quorum B\n", 2, "not a witness or group defined above"),
            (w + "group G 2 A\nquorum G\n", 2, "threshold"),
            (w + "group G any A A\nquorum G\n", 2, "listed twice"),
            (w + "witness A2 \(Self.key("a.example/w", 1))\n", 2, "listed twice"),
            (w + "witness A \(Self.key("b.example/w", 2))\n", 2, "defined twice"),
            ("witness L \(Self.log.text)\nquorum L\n", 1, "not a witness cosigner key"),
            (w + "quorum A\nquorum A\n", 3, "exactly one quorum"),
            (w + "quorum A\ncosigner A\n", 3, "unknown line"),
        ]
        for (text, line, message) in cases {
            do {
                _ = try WitnessPolicy.parse(text, file: "w.policy")
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.line == line, "\(error)")
                #expect(error.description.contains(message), "\(error)")
            }
        }
    }
}
