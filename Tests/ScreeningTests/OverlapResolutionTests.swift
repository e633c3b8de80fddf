import TestSupport
import Testing

@testable import PromptGate
@testable import Screening

/// Overlap resolution cut into clusters of overlapping candidates keeps what taking every candidate in one order
/// keeps: the longest, then the highest priority, then the earliest, each unless a kept one covers one of its bytes.
@Suite("Screening: overlapping findings resolved cluster by cluster")
struct OverlapResolutionTests {
    /// The rule written plainly: every candidate in one order, each compared with every kept one.
    static func reference(_ candidates: [Finding]) -> [Finding] {
        let ordered = candidates.indices.sorted { i, j in
            let (a, b) = (candidates[i], candidates[j])
            if a.length != b.length { return a.length > b.length }
            if a.priority != b.priority { return a.priority > b.priority }
            if a.start != b.start { return a.start < b.start }
            if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
            return i < j
        }
        var kept: [Int] = []
        for index in ordered {
            let c = candidates[index]
            if kept.allSatisfy({ candidates[$0].end <= c.start || c.end <= candidates[$0].start }) {
                kept.append(index)
            }
        }
        return kept.sorted { candidates[$0].start < candidates[$1].start }.map { candidates[$0] }
    }

    static func finding(rule: String, start: Int, end: Int, priority: Int) -> Finding {
        Finding(
            ruleID: rule, entity: rule.uppercased(), category: .personalData, action: .redact,
            redaction: .placeholder, start: start, end: end, value: "v\(start)-\(end)", confidence: 0.6,
            reason: "test", message: "", source: RuleSource(title: "test", url: "https://example.org"),
            priority: priority)
    }

    @Test("random candidates: the same findings, in the same order, as the plain rule", arguments: [3, 29, 71, 113])
    func random(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for round in 0..<300 {
            // Dense (many overlaps), sparse (mostly alone) and ties (same spans under several rules).
            let count = Int(random.next() % 40)
            let spread = round % 3 == 0 ? 30 : round % 3 == 1 ? 400 : 12
            let candidates = (0..<count).map { _ in
                let start = Int(random.next() % UInt64(spread))
                let length = 1 + Int(random.next() % 9)
                return Self.finding(
                    rule: ["a", "b", "c"][Int(random.next() % 3)], start: start, end: start + length,
                    priority: Int(random.next() % 3))
            }
            let resolved = Screener.resolveOverlaps(candidates)
            #expect(resolved == Self.reference(candidates), "seed \(seed) round \(round)")
        }
    }

    @Test("the screener's candidates order their rules as the rule ids do, as findings do")
    func ruleKeys() throws {
        let rules = try Screener(packs: GuidelineLoader.embedded()).rules
        let keys = Screener.ruleKeys(rules)
        #expect(rules.count > 100)
        #expect(keys.sorted() == Array(rules.indices))
        #expect(rules.indices.sorted { keys[$0] < keys[$1] }.map { rules[$0].id } == rules.map(\.id).sorted())
    }

    @Test("spans that touch do not overlap; one that covers two others wins only when longer")
    func edges() {
        let touching = [
            Self.finding(rule: "a", start: 0, end: 5, priority: 0),
            Self.finding(rule: "a", start: 5, end: 9, priority: 0),
        ]
        #expect(Screener.resolveOverlaps(touching) == touching)
        let covering = Self.finding(rule: "b", start: 2, end: 8, priority: 0)
        #expect(Screener.resolveOverlaps(touching + [covering]) == [covering])
        let chain = (0..<50).map { Self.finding(rule: "a", start: $0 * 3, end: $0 * 3 + 4, priority: 0) }
        #expect(Screener.resolveOverlaps(chain) == Self.reference(chain))
        #expect(Screener.resolveOverlaps(chain).count == 25)
    }
}
