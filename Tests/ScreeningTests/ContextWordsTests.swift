import Foundation
import TestSupport
import Testing

@testable import Screening

@Suite("Screening: context words around a candidate")
struct ContextWordsTests {
    /// The plain reading: each word in list order, looked for at every position of the window.
    static func naive(_ words: [String], _ bytes: [UInt8], _ lower: Int, _ upper: Int) -> String? {
        func folded(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 0x20 : b }
        func isWord(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
        }
        for word in words {
            let needle = Array(word.utf8)
            guard !needle.isEmpty, needle.count <= upper - lower else { continue }
            for i in lower...(upper - needle.count)
            where (0..<needle.count).allSatisfy({ folded(bytes[i + $0]) == needle[$0] })
                && (i == lower || !isWord(bytes[i - 1]))
                && (i + needle.count == upper || !isWord(bytes[i + needle.count]))
            {
                return word
            }
        }
        return nil
    }

    @Test("each rule's words and negative words are found as reading each word everywhere finds them")
    func sameAsNaive() throws {
        let lists = ScreeningTests.packs.flatMap(\.rules).compactMap(\.context).flatMap { [$0.words, $0.negative] }
            .filter { !$0.isEmpty }
        let prepared = lists.map(ContextWords.init)
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Benchmarks/eval/corpus.jsonl"))
        var texts: [[UInt8]] = []
        for line in data.split(separator: 0x0A).prefix(60) {
            let object = try JSONSerialization.jsonObject(with: line) as? [String: Any]
            texts.append(Array(try #require(object?["text"] as? String).utf8))
        }
        texts += [Array("Date of Birth: DOB dob. born-on, geboren op; né le".utf8), Array("ipaddress ip address".utf8)]
        var generator = SplitMix(seed: 7)
        var found = 0
        for text in texts where text.count > 2 {
            for _ in 0..<8 {
                let a = Int(generator.next() % UInt64(text.count))
                let b = Int(generator.next() % UInt64(text.count))
                let (lower, upper) = (min(a, b), max(a, b) + 1)
                for (words, context) in zip(lists, prepared) {
                    let expected = Self.naive(words, text, lower, upper)
                    let got = text.withUnsafeBytes { context.first(in: $0, from: lower, to: upper) }
                    #expect(got == expected, "\(words) in \(String(decoding: text[lower..<upper], as: UTF8.self))")
                    if expected != nil { found += 1 }
                }
            }
        }
        #expect(found > 100)
    }
}
