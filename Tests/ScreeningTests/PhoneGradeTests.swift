import CPhoneNumber
import TestSupport
import Testing

@testable import Screening

/// The cheaper ways of asking libphonenumber give its answers unchanged: a number of digits and separators is parsed
/// as its digits, the regions are asked in the order that finds a valid number soonest, and the asking stops at the
/// first region that gives enough.
@Suite("Screening: phone grades read as digits and asked in order")
struct PhoneGradeTests {
    /// Numbers in the shapes the phone rules match: a trunk `0` or none, groups of digits joined by a space, dot,
    /// dash or slash, an area code in brackets.
    static func numbers(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix(seed: seed)
        let separators = [" ", ".", "-", "/", "", " - ", ") ", "-"]
        return (0..<count).map { _ in
            var text = ""
            let groups = Int.random(in: 1...5, using: &random)
            for group in 0..<groups {
                var digits = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                    String(Int.random(in: 0...9, using: &random))
                }.joined()
                if group == 0 && Bool.random(using: &random) { digits = "0" + digits }
                if group == 0 && Int.random(in: 0..<4, using: &random) == 0 { digits = "(" + digits + ")" }
                text += (group == 0 ? "" : separators.randomElement(using: &random)!) + digits
            }
            return text
        }
    }

    /// Written numbers of the labelled corpus's shapes, and the forms that must be read as written.
    static let written = [
        "020 7946 0958", "07700 900123", "079 123 45 67", "0612345678", "06 04 39 15 00", "030 1234567",
        "531 660 379", "0000 123 456", "01", "1-2", "12", "(0436)-020769", "0391-500080", "942 36 08 37",
        "3471234567", "823.837.3528", "(757) 106-9104", "139.374.1899", "14 9549-4052", "(08483) 958546",
        "1-340-558-8498", "0044 20 7946 0958", "0031 20 624 1111", "00 33 6 04 39 15 00", "9900 123 4567",
        "0113 496 0000", "0 0 0", "(((0)))", "--0--",
        // An international prefix: "00" and a country code, one parse for the regions whose prefix is "00".
        "001-601-344", "001-644-574-4125", "0034369528", "(00716) 992680", "0021 660916", "001 8196056",
        "000 1234 5678", "00 1 212 555 0134", "0061 2 9876 5432", "0082 2 312 3456", "0055 11 91234 5678", "00",
        "001", "0011 44 20 7946 0958",
        // After one '+': read as its digits after the '+'.
        "+44 20 7946 0958", "+31(0)35-3645276", "+ 44 (0) 20-7946.0958", "+0049 30 1234567", "+999 1234 5678",
        "+(44) 20 7946 0958", "+800 1234 5678", "+12",
        // Read as written: two '+', an extension, letters, a comma, a '#', a tab, other digits.
        "++44 20 7946 0958", "(+44) 20 7946 0958", "587-791-6853 x813", "(942) 848-5931 ext. 736",
        "296.762.5981x898", "0800 FLOWERS", "020 7946 0958,,123", "020 7946 0958#", "020\t7946 0958",
        "٠٢٠ ٧٩٤٦ ٠٩٥٨", "０２０ ７９４６ ０９５８",
    ]

    @Test("a number of digits and separators gets the grade of its written form in every region")
    func digitsReadAsWritten() {
        let texts = Self.written + Self.numbers(count: 400, seed: 11)
        var differing: [String] = []
        for region in Validators.labelledPhoneRegions {
            let one = Validators.PhoneRegions([region])
            for text in texts {
                let fast = Validators.phoneGrade(text[...], regions: one, enough: .valid)
                let written = Validators.phoneGrade(text[...], regions: one, enough: .valid, asWritten: true)
                if fast != written { differing.append("\(region) \(text)") }
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(20))")
    }

    @Test("the grade over several regions is the best of each region's, whatever their order")
    func bestOfRegions() {
        let regions = Validators.labelledPhoneRegions
        for text in Self.written + Self.numbers(count: 150, seed: 19) {
            let each = regions.map {
                Validators.phoneGrade(text[...], regions: Validators.PhoneRegions([$0]), enough: .valid)
            }
            let best: Validators.Grade =
                each.contains(.valid) ? .valid : each.contains(.plausible) ? .plausible : .invalid
            #expect(Validators.phoneGrade(text[...], regions: Validators.labelledPhoneCodes, enough: .valid) == best)
            let reversed = Validators.PhoneRegions(regions.reversed())
            #expect(Validators.phoneGrade(text[...], regions: reversed, enough: .valid) == best, "\(text)")
            // Asked until one is possible: possible or better exactly when the best is.
            let possible = Validators.phoneGrade(text[...], regions: Validators.labelledPhoneCodes, enough: .plausible)
            #expect((possible == .invalid) == (best == .invalid), "\(text)")
            // The national rule's regions are the first of the labelled ones, in the same order.
            let european = Validators.phoneGrade(text[...], regions: Validators.europeanCodes, enough: .valid)
            #expect((european == .valid) == each.prefix(Validators.europeanRegions.count).contains(.valid))
        }
    }

    @Test("a number after \"00\" gets in every pair of regions the better of its two grades, prefix \"00\" or not")
    func internationalPrefix() {
        let texts = Self.written.filter { $0.filter(\.isNumber).hasPrefix("00") }
        #expect(texts.count >= 15)
        let regions = Validators.labelledPhoneRegions
        var differing: [String] = []
        for text in texts {
            let alone = regions.map {
                Validators.phoneGrade(text[...], regions: Validators.PhoneRegions([$0]), enough: .valid)
            }
            for (i, first) in regions.enumerated() {
                for (j, second) in regions.enumerated() where i != j {
                    let pair = Validators.phoneGrade(
                        text[...], regions: Validators.PhoneRegions([first, second]), enough: .valid)
                    let better: Validators.Grade =
                        alone[i] == .valid || alone[j] == .valid
                        ? .valid : alone[i] == .plausible || alone[j] == .plausible ? .plausible : .invalid
                    if pair != better { differing.append("\(first) \(second) \(text)") }
                }
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(20))")
    }

    /// The library's parse takes time quadratic in a text's digits (10,000 digits: over 3 s per region), so these
    /// stay short of that; the phone rules' patterns bound their candidates to a few dozen bytes.
    @Test(
        "hostile texts: long digit runs, separators only, nothing, other scripts",
        arguments: [
            String(repeating: "9", count: 120), String(repeating: "0", count: 60), String(repeating: "12 ", count: 40),
            String(repeating: "-", count: 500), "", " ", "()",
            String(repeating: "٣", count: 40), "0\u{0}20 7946 0958", "020 7946 0958\u{200B}",
        ])
    func hostile(text: String) {
        for enough in [Validators.Grade.valid, .plausible] {
            let fast = Validators.phoneGrade(text[...], regions: Validators.labelledPhoneCodes, enough: enough)
            let written = Validators.phoneGrade(
                text[...], regions: Validators.labelledPhoneCodes, enough: enough, asWritten: true)
            #expect(fast == written)
        }
        if !text.contains("7946") {
            #expect(Validators.phoneGrade(text[...], regions: Validators.europeanCodes, enough: .valid) != .valid)
        }
    }

    @Test("a run of more digits than a phone number holds is refused without asking the library, as it would refuse it")
    func tooManyDigits() {
        let limit = Validators.maximumPhoneDigits
        for count in Array((limit + 1)...(limit + 6)) + [40, 48, 64] {
            let digits = String((0..<count).map { Character(String(($0 * 7 + 3) % 10)) })
            for text in [
                digits, "00" + digits, "0" + digits, digits.enumerated().map { "\($1)" }.joined(separator: " "),
            ] {
                // The library's own answer, every region asked, as written and as digits.
                for asWritten: Int32 in [0, 1] {
                    let answer = Validators.labelledPhoneCodes.codes.withUnsafeBufferPointer { codes in
                        text.utf8CString.withUnsafeBufferPointer { text in
                            pg_phone_grade(
                                text.baseAddress, text.count - 1, codes.baseAddress,
                                Validators.labelledPhoneCodes.count,
                                1, asWritten)
                        }
                    }
                    #expect(answer == 0, "\(text.utf8.count) bytes")
                }
                #expect(
                    Validators.phoneGrade(text[...], regions: Validators.labelledPhoneCodes, enough: .valid) == .invalid
                )
            }
        }
        // Without the refusal this one takes seconds per region (the parse is quadratic in the digits).
        let endless = String(repeating: "4", count: 10_000)
        #expect(Validators.phoneGrade(endless[...], regions: Validators.labelledPhoneCodes, enough: .valid) == .invalid)
    }

    @Test("a substring is graded on its own bytes, not its whole string's")
    func substring() {
        let line = "call 020 7946 0958 or 0000 123 456"
        let first = line.dropFirst(5).prefix(13)
        let second = line.suffix(12)
        #expect(Validators.phoneGrade(first, regions: Validators.europeanCodes, enough: .valid) == .valid)
        #expect(Validators.phoneGrade(second, regions: Validators.europeanCodes, enough: .valid) != .valid)
        #expect(
            Validators.phoneGrade(second, regions: Validators.europeanCodes, enough: .valid)
                == Validators.phoneGrade(String(second)[...], regions: Validators.europeanCodes, enough: .valid))
    }
}
