extension Validators {
    /// The check of a number that a label names as a phone number (see `phone-labelled` in the universal pack).
    static let labelledPhone: [String: Check] = [
        "phone-possible": phonePossible
    ]

    /// Regions a labelled number is tried in: the European ones of the national rule, North America, and the other
    /// regions whose residents the packs cover (Brazil, Mexico, Australia, India, Singapore, Korea, Thailand).
    static let labelledPhoneRegions = europeanRegions + ["US", "CA", "BR", "MX", "AU", "IN", "SG", "KR", "TH"]
    /// ``labelledPhoneRegions`` packed for the library.
    static let labelledPhoneCodes = PhoneRegions(labelledPhoneRegions)

    /// A number a phone label names: seven to fifteen digits that libphonenumber rates at least a possible length
    /// for one of ``labelledPhoneRegions``, in use or not. A number in a range that is not issued (a mistyped digit,
    /// a new range, a made-up test value) is still the number the resident gave under "phone"; the rules without a
    /// label keep asking for an issued range. Refused whatever the length: a calendar date (`2024-06-15`,
    /// `15.06.2024`, `06/15/2024`), three zeros first, and four dotted groups without a space (an IPv4 address or a version).
    static let phonePossible: Check = { text in
        let count = text.utf8.reduce(0) { $0 + ($1 >= 0x30 && $1 <= 0x39 ? 1 : 0) }
        guard (7...15).contains(count), !isDate(text), !isDashedDate(text) else { return false }
        // Three zeros first is no number of any plan ("0000 123 456"); the library would still count its length.
        if digits(of: text).prefix(3) == [0, 0, 0] { return false }
        if text.utf8.filter({ $0 == 0x2E }).count == 3 && !text.utf8.contains(0x20) { return false }
        return phoneGrade(text, regions: labelledPhoneCodes, enough: .plausible) != .invalid
    }

    /// Whether `text` is a date written with dashes: `2024-06-15` or `15-06-2024` (year four digits, month 1 to 12,
    /// day 1 to 31, in either of the other two places).
    static func isDashedDate(_ text: Substring) -> Bool {
        isDayMonthYear(Array(text.utf8), separator: 0x2D, yearFirst: true)
    }
}
