import Foundation

/// Check-digit and range validators a rule names by `validator:`. Each takes the candidate text exactly as matched
/// and says whether it is a real identifier of that kind (sources: `GUIDELINE-SOURCES.md`, python-stdnum).
///
/// One further name is a recogniser rather than a check: `person-name` reads the text around capitalised words and
/// finds the names in it (see ``Gazetteers``); it is listed in ``names`` too.
public enum Validators {
    /// A validator: the matched text in, a verdict out.
    public typealias Check = @Sendable (Substring) -> Bool

    static let all: [String: Check] = base.merging(europe) { a, _ in a }.merging(asiaPacific) { a, _ in a }
        .merging(americas) { a, _ in a }.merging(labelledPhone) { a, _ in a }.merging(assignedPassword) { a, _ in a }

    static let base: [String: Check] = [
        "luhn": { luhn(digits(of: $0)) },
        "email-address": emailAddress,
        "payment-card": paymentCard,
        "us-ssn": usSSN,
        "us-itin": usITIN,
        "nanp-phone": nanpPhone,
        "ca-sin": { d in
            let x = digits(of: d)
            return x.count == 9 && x[0] != 0 && x[0] != 8 && luhn(x)
        },
        "iban": iban,
        "nl-bsn": nlBSN,
        "uk-nhs": ukNHS,
        "es-dni": esDNI,
        "de-tax-id": deTaxID,
        "ca-ohip": { d in
            let x = digits(of: d)
            return x.count == 10 && luhn(x)
        },
        "ipv4": ipv4,
        "ipv6": ipv6,
        "date": date,
        // A national number: a trunk 0 then a non-zero digit, 9 to 12 digits in all; or a Spanish number, which
        // has no trunk prefix (9 digits starting with 6 to 9).
        "phone-national": { text in
            let d = digits(of: text)
            if d.count == 9 && (6...9).contains(d[0]) { return true }
            return (9...12).contains(d.count) && d.first == 0 && d.dropFirst().first != 0
        },
    ]

    /// Validators that narrow a candidate to the spans inside it, rather than accept or refuse it whole.
    static let recognizers: Set<String> = ["person-name"]

    /// The validator registered under `name`, if any.
    public static func named(_ name: String) -> Check? { all[name] ?? entropyCheck(named: name) }

    /// Whether `name` is a validator or a recogniser a rule may name.
    public static func exists(_ name: String) -> Bool { named(name) != nil || recognizers.contains(name) }

    /// Every validator and recogniser name, sorted.
    public static var names: [String] { (Array(all.keys) + recognizers).sorted() }

    static func digits(of text: Substring) -> [Int] {
        text.utf8.compactMap { $0 >= 0x30 && $0 <= 0x39 ? Int($0 - 0x30) : nil }
    }

    /// The Luhn (mod 10) check used by payment cards and Canadian SINs.
    public static func luhn(_ digits: [Int]) -> Bool {
        guard digits.count >= 2 else { return false }
        var sum = 0
        for (i, digit) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func number(_ digits: ArraySlice<Int>) -> Int { digits.reduce(0) { $0 * 10 + $1 } }

    /// File extensions that look like top-level domains in names such as `icon@2x.png`.
    static let fileExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "pdf", "js", "ts", "css", "json",
        "xml", "yaml", "yml", "txt", "csv", "zip", "gz", "mp3", "mp4", "mov", "wav", "heic", "swift", "py", "rb",
    ]

    static let longestExtension = fileExtensions.map(\.utf8.count).max() ?? 0

    /// An email address whose domain ends in a real-looking TLD, not a file extension (`logo@2x.png`).
    static let emailAddress: Check = { text in
        let utf8 = text.utf8
        guard let dot = utf8.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let suffix = utf8[utf8.index(after: dot)...]
        guard suffix.count <= longestExtension else { return true }
        return !fileExtensions.contains(
            String(
                decoding: suffix.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 },
                as: UTF8.self))
    }

    /// US SSN `AAA-GG-SSSS`: area not 000, 666 or 900–999; group not 00; serial not 0000.
    static let usSSN: Check = { text in
        let d = digits(of: text)
        guard d.count == 9 else { return false }
        let area = number(d[0..<3])
        let group = number(d[3..<5])
        let serial = number(d[5..<9])
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// A NANP number: 10 digits (or 11 with a leading 1); area code and exchange start with 2–9, area code's
    /// second digit is not 9 (unassigned).
    static let nanpPhone: Check = { text in
        let number = text.prefix { $0 != "x" && $0 != "e" }  // without an extension (x123, ext. 123)
        var d = digits(of: number)
        if d.count == 13 && d.starts(with: [0, 0, 1]) { d.removeFirst(3) }  // 001: the international prefix
        if d.count == 11 && d[0] == 1 { d.removeFirst() }
        guard d.count == 10 else { return false }
        return d[0] >= 2 && d[1] != 9 && d[3] >= 2
    }

    /// A payment card: a known issuer prefix and length, and the Luhn check. Maestro (12–19 digits: 5018, 5020,
    /// 5038, 56–58, 5893, 6304, 6390, 6759, 6761–6763, 0604) and JCB's 15-digit 1800 and 2131 ranges included.
    static let paymentCard: Check = { text in
        let d = digits(of: text)
        guard luhn(d) else { return false }
        let prefix2 = number(d.prefix(2))
        let prefix3 = number(d.prefix(3))
        let prefix4 = number(d.prefix(4))
        // Maestro, and Dankort (5019).
        let maestro: Set<Int> = [5018, 5019, 5020, 5038, 5893, 6304, 6390, 6759, 6761, 6762, 6763, 604]
        if (12...19).contains(d.count) && (maestro.contains(prefix4) || (56...58).contains(prefix2)) { return true }
        if d.count == 15 && (prefix4 == 1800 || prefix4 == 2131) { return true }
        switch d.count {
        case 13, 19: return d[0] == 4
        case 14: return (300...305).contains(prefix3) || prefix2 == 36 || prefix2 == 38 || prefix2 == 39
        case 15: return prefix2 == 34 || prefix2 == 37
        case 16:
            return d[0] == 4 || (51...55).contains(prefix2) || (2221...2720).contains(prefix4) || prefix4 == 6011
                || (644...649).contains(prefix3) || prefix2 == 65 || (3528...3589).contains(prefix4)
        default: return false
        }
    }

    /// The lengths of SWIFT's IBAN registry (as Presidio's iban_patterns give them), by the country code's two
    /// bytes: a known country's IBAN of another length is a part of a longer one, or no IBAN. Built once: a
    /// dictionary literal in the check was built again for every candidate (1 % of a dense scan).
    static let ibanLengths: [UInt16: Int] = {
        let lengths: [String: Int] = [
            "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
            "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
            "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
            "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
            "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
            "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
            "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TL": 23,
            "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
        ]
        return Dictionary(
            uniqueKeysWithValues: lengths.map { country, length in
                let bytes = Array(country.utf8)
                return (UInt16(bytes[0]) << 8 | UInt16(bytes[1]), length)
            })
    }()

    /// IBAN: country letters, two check digits, BBAN; the mod-97 check equals 1; known country lengths.
    static let iban: Check = { text in
        // Spaces or dashes between the groups.
        let chars = Array(text.uppercased().utf8.filter { $0 != 0x20 && $0 != 0x2D })
        guard chars.count >= 15, chars.count <= 34 else { return false }
        if let expected = ibanLengths[UInt16(chars[0]) << 8 | UInt16(chars[1])], expected != chars.count {
            return false
        }
        var remainder = 0
        for c in chars.dropFirst(4) + chars.prefix(4) {
            switch c {
            case 0x30...0x39: remainder = (remainder * 10 + Int(c - 0x30)) % 97
            case 0x41...0x5A: remainder = (remainder * 100 + Int(c - 0x41 + 10)) % 97
            default: return false
            }
        }
        return remainder == 1
    }

    /// Dutch BSN: 9 digits (8 padded), (Σ (9−i)·dᵢ for i 0…7 − d₈) mod 11 = 0, not all zeros.
    static let nlBSN: Check = { text in
        var d = digits(of: text)
        if d.count == 8 { d.insert(0, at: 0) }
        guard d.count == 9, d.contains(where: { $0 != 0 }) else { return false }
        var sum = 0
        for i in 0..<8 { sum += (9 - i) * d[i] }
        sum -= d[8]
        return sum % 11 == 0
    }

    /// UK NHS number: 10 digits; Σ (11 − position)·dᵢ over the first nine, check = 11 − (sum mod 11) (11 → 0, 10
    /// invalid) equals the last digit.
    static let ukNHS: Check = { text in
        let d = digits(of: text)
        guard d.count == 10 else { return false }
        var sum = 0
        for i in 0..<9 { sum += (10 - i) * d[i] }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == d[9]
    }

    /// Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): letter = table[number mod 23].
    static let esDNI: Check = { text in
        let letters = Array("TRWAGMYFPDXBNJZSQVHLCKE")
        var chars = Array(text.uppercased().filter { $0 != "-" && $0 != " " && $0 != "." })
        if chars.count == 8, chars[0].isNumber { chars.insert("0", at: 0) }  // a DNI written without its leading 0
        guard chars.count == 9, let last = chars.last else { return false }
        switch chars[0] {
        case "X": chars[0] = "0"
        case "Y": chars[0] = "1"
        case "Z": chars[0] = "2"
        default: break
        }
        guard let value = Int(String(chars[0..<8])) else { return false }
        return letters[value % 23] == last
    }

    /// German tax identification number (Steuer-ID): 11 digits, no leading 0; among the first ten exactly one digit
    /// occurs two or three times; the last is the ISO 7064 MOD 11,10 check digit.
    static let deTaxID: Check = { text in
        let d = digits(of: text)
        guard d.count == 11, d[0] != 0 else { return false }
        var counts = [Int](repeating: 0, count: 10)
        for x in d[0..<10] { counts[x] += 1 }
        let repeated = counts.filter { $0 > 1 }
        guard repeated.count == 1, repeated[0] <= 3 else { return false }
        var product = 10
        for x in d[0..<10] {
            var sum = (x + product) % 10
            if sum == 0 { sum = 10 }
            product = (sum * 2) % 11
        }
        var check = 11 - product
        if check == 10 { check = 0 }
        return check == d[10]
    }

    /// Dotted-quad IPv4: four numbers 0–255, no leading zeros.
    static let ipv4: Check = { text in
        // Four parts of one to three digits, each at most 255, none with a leading zero; read byte by byte.
        var parts = 0
        var value = 0
        var length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard length > 0 else { return false }
                parts += 1
                (value, length) = (0, 0)
            } else {
                guard byte >= 0x30 && byte <= 0x39, length < 3, !(length == 1 && value == 0) else { return false }
                value = value * 10 + Int(byte - 0x30)
                length += 1
                guard value <= 255 else { return false }
            }
        }
        return parts == 3 && length > 0
    }

    /// An IPv6 address in any RFC 4291 text form, as `inet_pton` reads it.
    static let ipv6: Check = { text in
        var address = in6_addr()
        return String(text).withCString { inet_pton(AF_INET6, $0, &address) } == 1
    }

    static let monthNames: [String: Int] = {
        let names: [[String]] = [
            ["jan", "january", "janvier", "januari", "januar", "enero", "ene", "jänner"],
            ["feb", "february", "février", "fevrier", "februari", "februar", "febrero"],
            ["mar", "march", "mars", "maart", "märz", "marz", "marzo", "mrt"],
            ["apr", "april", "avril", "abril", "abr"],
            ["may", "mai", "mei", "mayo"],
            ["jun", "june", "juin", "juni", "junio"],
            ["jul", "july", "juillet", "juli", "julio"],
            ["aug", "august", "août", "aout", "augustus", "agosto", "ago"],
            ["sep", "sept", "september", "septembre", "septiembre"],
            ["oct", "october", "octobre", "oktober", "octubre", "okt"],
            ["nov", "november", "novembre", "noviembre"],
            ["dec", "december", "décembre", "decembre", "dezember", "diciembre", "dic", "dez"],
        ]
        var table: [String: Int] = [:]
        for (index, list) in names.enumerated() { for name in list { table[name] = index + 1 } }
        return table
    }()

    /// A calendar date in a plausible birth year (1900 to this year): numeric (`1985-03-15`, `03/15/1985`,
    /// `15.03.1985`) or with a month name in English, French, Dutch, German or Spanish (`15 de marzo de 1985`).
    static let date: Check = { text in
        let (numbers, month) = dateWords(text)
        let thisYear = currentYear()
        guard let yearIndex = numbers.firstIndex(where: { $0 >= 1000 }), (1900...thisYear).contains(numbers[yearIndex])
        else { return false }
        var rest = numbers
        rest.remove(at: yearIndex)
        if let month { return rest.count == 1 && (1...31).contains(rest[0]) && (1...12).contains(month) }
        guard rest.count == 2 else { return false }
        let (a, b) = (rest[0], rest[1])
        return ((1...12).contains(a) && (1...31).contains(b)) || ((1...12).contains(b) && (1...31).contains(a))
    }

    /// The numbers of a date and the month its month name gives, if any: the text lower-cased and cut into words
    /// of letters and digits. ASCII text (nearly every candidate) is cut byte by byte; other text by `Character`.
    static func dateWords(_ text: Substring) -> (numbers: [Int], month: Int?) {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return dateWordsByCharacter(text) }
        var numbers: [Int] = []
        var month: Int?
        // A word of up to 15 bytes is held in the string itself: no allocation per word.
        var word = ""
        func read() {
            if let value = Int(word) { numbers.append(value) } else if let m = monthNames[word] { month = m }
            word = ""
        }
        for byte in text.utf8 {
            if byte &- 0x30 < 10 || byte &- 0x61 < 26 {
                word.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte &- 0x41 < 26 {
                word.unicodeScalars.append(Unicode.Scalar(byte + 0x20))
            } else if !word.isEmpty {
                read()
            }
        }
        if !word.isEmpty { read() }
        return (numbers, month)
    }

    /// ``dateWords(_:)`` by `Character`: the path of text that is not all ASCII, and the oracle its tests compare
    /// the byte path with.
    static func dateWordsByCharacter(_ text: Substring) -> (numbers: [Int], month: Int?) {
        var numbers: [Int] = []
        var month: Int?
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            if let value = Int(word) { numbers.append(value) } else if let m = monthNames[String(word)] { month = m }
        }
        return (numbers, month)
    }

    /// The current year (UTC), from the clock alone: a `Calendar` per candidate cost more than the rest of the check.
    /// Days to civil date after Howard Hinnant's `civil_from_days`.
    static func currentYear(now: Date = Date()) -> Int {
        let days = Int((now.timeIntervalSince1970 / 86_400).rounded(.down)) + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // March = 0
        return yearOfEra + era * 400 + (monthIndex >= 10 ? 1 : 0)
    }
}
