import TestSupport
import Testing

@testable import Screening

/// The prefilter's ends reach confirmation ordered by pattern, then end, whether the list is counted into runs (many
/// ends) or sorted (few ends, many patterns).
@Suite("Screening: prefilter ends ordered by pattern, then end")
struct PrefilterEndOrderTests {
    @Test("few and many ends, over few and many patterns: the pattern and end of a full sort", arguments: [5, 41, 97])
    func ordered(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for round in 0..<200 {
            let patterns = round % 2 == 0 ? 400 : 3
            let count = random.below(round % 4 < 2 ? 40 : 2_000)
            // Ends mostly in the order the engine reports them, some out of it, some repeated.
            var end = 0
            let ends = (0..<count).map { _ in
                end += random.below(3) == 0 ? 0 : 1 + random.below(20)
                let at = random.below(10) == 0 ? random.below(end + 1) : end
                return PatternDatabase.Match(pattern: random.below(patterns), start: at, end: at)
            }
            let ordered = PatternDatabase.byPatternThenEnd(ends, patterns: patterns)
            let expected = ends.sorted { $0.pattern != $1.pattern ? $0.pattern < $1.pattern : $0.end < $1.end }
            #expect(ordered.map(\.pattern) == expected.map(\.pattern), "seed \(seed) round \(round)")
            #expect(ordered.map(\.end) == expected.map(\.end), "seed \(seed) round \(round)")
        }
    }
}
