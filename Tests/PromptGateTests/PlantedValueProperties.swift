import Foundation
import PropertyBased
import TestSupport
import Testing

@testable import JSONCore
@testable import PromptGate
@testable import Providers

/// Whatever shape a request body has, a resident's value planted anywhere in it never leaves as it was written:
/// it is replaced, or the request is blocked.
@Suite("Property: a value planted at a random place in a random body is never forwarded")
struct PlantedValueProperties {
    static let values = ["212-56-7890", "maria.gonzalez@example.org", "4111 1111 1111 1111", "AKIAIOSFODNN7EXAMPLE"]

    /// A random JSON value of at most `depth` levels; one of its strings or keys holds `planted` when `plant` hits.
    static func value(_ depth: Int, _ random: inout SplitMix, _ planted: String, _ plant: inout Int) -> JSONValue {
        let words = ["note", "x", "detail", "value", "id", "description", "enum", "url", "data", "metadata", "role"]
        func text(_ random: inout SplitMix) -> String {
            plant -= 1
            if plant == 0 {
                let around = ["", "see ", "https://example.net/?q=", "data:text/plain,"].randomElement(using: &random)!
                return around + planted + [" now", "", "."].randomElement(using: &random)!
            }
            return (0..<Int.random(in: 1...4, using: &random)).map { _ in words.randomElement(using: &random)! }
                .joined(separator: " ")
        }
        switch depth <= 0 ? Int.random(in: 0...2, using: &random) : Int.random(in: 0...5, using: &random) {
        case 0: return .string(text(&random))
        case 1: return .number(String(Int.random(in: 0...999, using: &random)))
        case 2: return Bool.random(using: &random) ? .bool(true) : .null
        case 3:
            return .array(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth - 1, &random, planted, &plant) })
        default:
            var members: [(key: String, value: JSONValue)] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let key = text(&random)
                if !members.contains(where: { $0.key == key }) {
                    members.append((key, value(depth - 1, &random, planted, &plant)))
                }
            }
            return .object(members)
        }
    }

    @Test("random bodies of every chat protocol, a value planted in a random string or key at a random depth")
    func plantedValueNeverLeaves() async throws {
        try await GovernanceTests.withGate {
            $0.policies = nil
        } run: { gate, _, _ in
            await propertyCheck(count: 300, input: Gen.int(in: 0...Int(Int32.max))) { seed in
                var random = SplitMix(seed: UInt64(seed))
                var chooser = SplitMix(seed: UInt64(seed) ^ 0x5EED_0F_C401CE)
                let planted = Self.values.randomElement(using: &chooser)!
                let wire = [ChatWire.openAIChat, .openAIResponses, .anthropicMessages, .ollamaChat]
                    .randomElement(using: &chooser)!
                // Count the strings and keys of the body first (same seed, same body), then plant in one of them.
                var countdown = Int.max
                var probe = random
                _ = Self.value(4, &probe, planted, &countdown)
                var plant = Int.random(in: 1...max(1, Int.max - countdown), using: &chooser)
                let extra = Self.value(4, &random, planted, &plant)
                let text = plant <= 0 ? "hello" : "write to \(planted)"
                var members: [(key: String, value: JSONValue)] = [("model", .string("m"))]
                switch wire {
                case .openAIResponses: members.append(("input", .string(text)))
                default:
                    members.append(
                        ("messages", .array([.object([("role", .string("user")), ("content", .string(text))])])))
                }
                members.append(("extra", extra))
                let body = JSONValue.object(members)
                do {
                    let request = try wire.extract(body)
                    let result = try gate.screen(slots: request.slots)
                    if result.decision == .blocked { return }
                    let sent = request.rewritten(with: result.outgoingTexts).serialized()
                    #expect(!sent.contains(planted), "seed \(seed): \(planted) left in \(sent)")
                    #expect(!sent.contains(planted.replacingOccurrences(of: "@", with: "%40")), "seed \(seed)")
                } catch {
                    Issue.record("seed \(seed): \(error)")
                }
            }
        }
    }
}
