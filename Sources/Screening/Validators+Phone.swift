import CPhoneNumber

/// Phone numbers checked with Google's libphonenumber, which knows the numbering plan of every region: which
/// lengths a number of a region can have, and which ranges are in use.
extension Validators {
    /// How a checker rates a candidate: a number in use, a number of the right length whose range the library does
    /// not list (new ranges, made-up examples), or no number of the regions tried.
    enum Grade: Sendable {
        case valid
        /// Right length for a region the number was tried in, range not listed: a finding only with a word or a
        /// header that names it as a phone number.
        case plausible
        case invalid
    }

    /// A graded check: the matched text in, a grade out.
    typealias GradedCheck = @Sendable (Substring) -> Grade

    /// Regions a national number (trunk `0`, or none) is tried in: those the Europe and UK pack covers and their
    /// neighbours whose numbers residents give. A number valid in any of them is valid, so the order only decides
    /// how soon a valid one is found: the plans that take the most numbers come first (Germany's open plan of 4 to
    /// 15 digits, Italy's, Austria's, Luxembourg's; on the labelled corpus this halves the regions asked per
    /// national candidate, 71,069 to 36,824 parses). A number valid in none is asked in all.
    static let europeanRegions = [
        "DE", "IT", "AT", "LU", "FR", "SE", "GB", "BE", "NL", "NO", "PT", "DK", "FI", "ES", "PL", "CH", "IE",
    ]

    /// Validators graded by libphonenumber, by the name a rule gives as `validator:`.
    static let graded: [String: GradedCheck] = [
        // National formats of Europe and the UK: `020 7946 0958`, `07700 900123`, `079 123 45 67`, `0612345678`.
        // Valid in one of the regions, not merely of a possible length: across seventeen numbering plans almost
        // every length is possible somewhere.
        // A calendar date written with dots or slashes (`02.12.2026`, `19/01/2027`) has the digits of a short
        // number too; it is refused before the library is asked.
        "phone-national": { text in
            !isDate(text) && phoneGrade(text, regions: europeanCodes, enough: .valid) == .valid ? .valid : .invalid
        },
        // International formats: `+44 20 7946 0958`, `0044 20 7946 0958`, `+33 (0)6 04 39 15 00`. The country code
        // names the region; "DE" only tells the library that `00` is the international prefix.
        // A number written with `00` rather than `+` must be valid: `00` and a few digits are also order and
        // account numbers.
        "phone-international": { text in
            let grade = phoneGrade(text, regions: internationalCodes, enough: .valid)
            return grade == .plausible && text.utf8.first == 0x30 ? .invalid : grade
        },
    ]

    /// Graded checks of national numbers: a candidate right after a `+` is the tail of an international number
    /// ("+999 1234 5678" is not the national "999 1234 5678"), so it is refused whatever its digits.
    static let national: Set<String> = ["phone-national"]

    /// Whether `text` is a day, month and four-digit year joined by one separator, `.` or `/` (`02.12.2026`,
    /// `9/1/2027`), with a day and month that exist in either order; a phone number is never written that way.
    static func isDate(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard let separator = bytes.first(where: { $0 == 0x2E || $0 == 0x2F }) else { return false }
        return isDayMonthYear(bytes, separator: separator, yearFirst: false)
    }

    /// Three groups of digits joined by `separator`: a day and a month of one or two digits that exist in either
    /// order, and a four-digit year after them (or, with `yearFirst`, also before them: `2024-06-15`).
    static func isDayMonthYear(_ bytes: [UInt8], separator: UInt8, yearFirst: Bool) -> Bool {
        let parts = bytes.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
        else { return false }
        let dayAndMonth: (ArraySlice<UInt8>, ArraySlice<UInt8>)
        if parts[2].count == 4 {
            dayAndMonth = (parts[0], parts[1])
        } else if yearFirst && parts[0].count == 4 {
            dayAndMonth = (parts[2], parts[1])
        } else {
            return false
        }
        guard dayAndMonth.0.count <= 2, dayAndMonth.1.count <= 2 else { return false }
        func number(_ part: ArraySlice<UInt8>) -> Int { part.reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        let (a, b) = (number(dayAndMonth.0), number(dayAndMonth.1))
        return (1...31).contains(a) && (1...12).contains(b) || (1...12).contains(a) && (1...31).contains(b)
    }

    /// Regions to try a number in, as `pg_phone_grade` takes them: two-letter codes one after the other.
    struct PhoneRegions: Sendable {
        let codes: [CChar]
        var count: Int { codes.count / 2 }

        init(_ regions: [String]) {
            precondition(regions.allSatisfy { $0.utf8.count == 2 }, "region codes have two letters")
            codes = regions.flatMap { $0.utf8.map { CChar(bitPattern: $0) } }
        }
    }

    /// More ASCII digits than any phone number can hold: an international prefix (at most 5), a calling code (3) and a
    /// national significant number (at most 17, libphonenumber's limit), with room to spare.
    static let maximumPhoneDigits = 30

    /// ``europeanRegions`` packed for the library.
    static let europeanCodes = PhoneRegions(europeanRegions)
    /// The region whose rules read an international number: "DE" only says that `00` is the international prefix.
    static let internationalCodes = PhoneRegions(["DE"])

    /// The best grade libphonenumber gives `text` in any of `regions`, asking them in order until one gives `enough`
    /// or better: the answer is `enough` or better exactly when some region's grade is, and below it the best of
    /// all. `asWritten` parses the text as written, not as its digits (for the tests that compare the two readings;
    /// see `pg_phone_grade`).
    static func phoneGrade(_ text: Substring, regions: PhoneRegions, enough: Grade, asWritten: Bool = false) -> Grade {
        // libphonenumber's parse takes time quadratic in the digits (10,000 digits: seconds per region); no number
        // it rates even possible has more than ``maximumPhoneDigits``, so a longer run is refused before it is asked.
        var digits = 0
        for byte in text.utf8 where byte &- 0x30 < 10 {
            digits += 1
            if digits > maximumPhoneDigits { return .invalid }
        }
        let wanted: Int32 =
            switch enough {
            case .valid: 2
            case .plausible: 1
            case .invalid: 0
            }
        func grade(_ text: UnsafeBufferPointer<UInt8>) -> Int32 {
            text.withMemoryRebound(to: CChar.self) { text in
                regions.codes.withUnsafeBufferPointer { codes in
                    pg_phone_grade(
                        text.baseAddress, text.count, codes.baseAddress, regions.count, wanted, asWritten ? 1 : 0)
                }
            }
        }
        let found =
            text.utf8.withContiguousStorageIfAvailable(grade)
            ?? {
                var copy = String(text)
                return copy.withUTF8(grade)
            }()
        switch found {
        case 2: return .valid
        case 1: return .plausible
        default: return .invalid
        }
    }
}
