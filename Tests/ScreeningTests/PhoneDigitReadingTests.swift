import CPhoneNumber
import TestSupport
import Testing

@testable import Screening

/// A number of digits is graded without libphonenumber's parse (its steps repeated over its metadata, the number
/// patterns matched by position automata): the grades are the library's own, in every region it knows.
@Suite("Screening: digits graded from the metadata as the library grades them")
struct PhoneDigitReadingTests {
    /// Every region code the library knows.
    static let regions: [String] = {
        var codes = [CChar](repeating: 0, count: pg_phone_regions(nil, 0))
        let count = codes.withUnsafeMutableBufferPointer { pg_phone_regions($0.baseAddress, $0.count) }
        let bytes = codes.prefix(count).map { UInt8(bitPattern: $0) }
        return stride(from: 0, to: bytes.count, by: 2).map { String(decoding: bytes[$0..<($0 + 2)], as: UTF8.self) }
    }()

    /// The digit strings the library's metadata suggests for `region` (examples, prefixes, near misses).
    static func samples(_ region: String) -> [String] {
        region.withCString { code in
            var out = [CChar](repeating: 0, count: pg_phone_samples(code, nil, 0))
            let count = out.withUnsafeMutableBufferPointer { pg_phone_samples(code, $0.baseAddress, $0.count) }
            let text = String(decoding: out.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.split(separator: "\n").map(String.init)
        }
    }

    /// Random digit strings of 3 to 18 digits, some after a trunk `0` or an international `00`.
    static func digits(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { index in
            let length = Int.random(in: 3...18, using: &random)
            let body = (0..<length).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
            return index % 3 == 0 ? "0" + body : index % 7 == 0 ? "00" + body : body
        }
    }

    @Test("the library knows some two hundred regions, and has examples for them")
    func regionsAndSamples() {
        #expect(Self.regions.count > 200)
        #expect(Self.regions.contains("DE") && Self.regions.contains("GB") && Self.regions.contains("US"))
        let german = Self.samples("DE")
        #expect(german.count > 50)
        #expect(german.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
    }

    @Test("in every region, a number of digits (after a '+' or not) gets the grade the library's parse gives it")
    func everyRegion() {
        var differing: [String] = []
        var grades: [Validators.Grade: Int] = [:]
        for (index, region) in Self.regions.enumerated() {
            let one = Validators.PhoneRegions([region])
            let digits = Self.samples(region) + Self.digits(count: 40, seed: UInt64(index) + 1)
            // Each also after a '+' (an international number, or digits the library reads again without it).
            for text in digits + digits.map({ "+" + $0 }) {
                let read = Validators.phoneGrade(text[...], regions: one, enough: .valid)
                let parsed = Validators.phoneGrade(text[...], regions: one, enough: .valid, asWritten: true)
                grades[parsed, default: 0] += 1
                if read != parsed { differing.append("\(region) \(text): \(read), library \(parsed)") }
            }
        }
        #expect(differing.isEmpty, "\(differing.count): \(differing.prefix(20))")
        // The samples reach every grade, many times: the comparison covers valid, possible and neither.
        #expect(grades[.valid, default: 0] > 10_000)
        #expect(grades[.plausible, default: 0] > 10_000)
        #expect(grades[.invalid, default: 0] > 10_000)
    }

    @Test("every pattern of the metadata matches a number as ICU matches it, whole or as a prefix")
    func everyPattern() {
        // The metadata is read on the first grade.
        _ = Validators.phoneGrade("030 1234567"[...], regions: Validators.europeanCodes, enough: .valid)
        let count = pg_phone_pattern_count()
        #expect(count > 1_000)
        var random = SplitMix(seed: 23)
        var automata = 0
        var differing: [String] = []
        var matched = 0
        for index in 0..<count {
            automata += Int(pg_phone_pattern_automaton(index))
            var texts: [[CChar]] = []
            for round in 0..<60 {
                var sample = [CChar](repeating: 0, count: 18)
                let length = sample.withUnsafeMutableBufferPointer {
                    pg_phone_pattern_sample(index, random.next(), $0.baseAddress, $0.count)
                }
                var text = Array(sample.prefix(length))
                // Near misses: a digit less, a digit more, one digit changed.
                switch round % 4 {
                case 1: if !text.isEmpty { text.removeLast() }
                case 2: text.append(CChar(0x30 + Int(random.next() % 10)))
                case 3:
                    if !text.isEmpty {
                        text[Int(random.next() % UInt64(text.count))] = CChar(0x30 + Int(random.next() % 10))
                    }
                default: break
                }
                texts.append(text)
            }
            for _ in 0..<30 {
                texts.append((0..<Int(random.next() % 19)).map { _ in CChar(0x30 + Int(random.next() % 10)) })
            }
            for text in texts {
                for whole: Int32 in [0, 1] {
                    let (read, icu) = text.withUnsafeBufferPointer {
                        (
                            pg_phone_pattern_match(index, $0.baseAddress, $0.count, whole, 0),
                            pg_phone_pattern_match(index, $0.baseAddress, $0.count, whole, 1)
                        )
                    }
                    matched += icu == 1 ? 1 : 0
                    if read != icu || read < 0 {
                        let digits = String(decoding: text.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                        differing.append("pattern \(index) \(whole == 1 ? "whole" : "prefix") '\(digits)'")
                    }
                }
            }
        }
        #expect(differing.isEmpty, "\(differing.count): \(differing.prefix(20))")
        // Nearly all patterns are read by an automaton (the rest are plain digits or have capturing groups), and the
        // texts include many that match.
        #expect(automata > count * 9 / 10)
        #expect(matched > count * 20)
        #expect(pg_phone_pattern_match(count, "1", 1, 1, 0) == -1)
        #expect(pg_phone_pattern_match(0, "1a", 2, 1, 0) == -1)
    }
}
