/// Check-digit and range validators a rule names by `validator:`. Each takes the candidate text exactly as matched
/// and says whether it is a real identifier of that kind (sources: `GUIDELINE-SOURCES.md`, python-stdnum).
public enum Validators {
    /// A validator: the matched text in, a verdict out.
    public typealias Check = @Sendable (Substring) -> Bool

    static let all: [String: Check] = [
        "luhn": { luhn(digits(of: $0)) },
        "email-address": emailAddress,
        "payment-card": paymentCard,
        "us-ssn": usSSN,
        "nanp-phone": nanpPhone,
        "ca-sin": { d in let x = digits(of: d); return x.count == 9 && x[0] != 0 && x[0] != 8 && luhn(x) },
        "iban": iban,
        "nl-bsn": nlBSN,
        "uk-nhs": ukNHS,
        "es-dni": esDNI,
    ]

    /// The validator registered under `name`, if any.
    public static func named(_ name: String) -> Check? { all[name] }

    /// Every validator name, sorted.
    public static var names: [String] { all.keys.sorted() }

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

    /// An email address whose domain ends in a real-looking TLD, not a file extension (`logo@2x.png`).
    static let emailAddress: Check = { text in
        guard let dot = text.lastIndex(of: ".") else { return false }
        return !fileExtensions.contains(text[text.index(after: dot)...].lowercased())
    }

    /// US SSN `AAA-GG-SSSS`: area not 000, 666 or 900–999; group not 00; serial not 0000.
    static let usSSN: Check = { text in
        let d = digits(of: text)
        guard d.count == 9 else { return false }
        let area = number(d[0..<3]), group = number(d[3..<5]), serial = number(d[5..<9])
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// A NANP number: 10 digits (or 11 with a leading 1); area code and exchange start with 2–9, area code's
    /// second digit is not 9 (unassigned).
    static let nanpPhone: Check = { text in
        var d = digits(of: text)
        if d.count == 11 && d[0] == 1 { d.removeFirst() }
        guard d.count == 10 else { return false }
        return d[0] >= 2 && d[1] != 9 && d[3] >= 2
    }

    /// A payment card: a known issuer prefix and length, and the Luhn check.
    static let paymentCard: Check = { text in
        let d = digits(of: text)
        guard luhn(d) else { return false }
        let prefix2 = number(d.prefix(2)), prefix3 = number(d.prefix(3)), prefix4 = number(d.prefix(4))
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

    /// IBAN: country letters, two check digits, BBAN; the mod-97 check equals 1; known country lengths.
    static let iban: Check = { text in
        let chars = Array(text.uppercased().utf8.filter { $0 != 0x20 })
        let lengths: [String: Int] = [
            "NL": 18, "BE": 16, "DE": 22, "GB": 22, "ES": 24, "FR": 27, "IT": 27, "CH": 21, "AT": 20, "IE": 22,
            "LU": 20, "PT": 25, "DK": 18, "FI": 18, "NO": 15, "SE": 24, "PL": 28,
        ]
        guard chars.count >= 15, chars.count <= 34 else { return false }
        let country = String(decoding: chars.prefix(2), as: UTF8.self)
        if let expected = lengths[country], expected != chars.count { return false }
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
        var chars = Array(text.uppercased().filter { $0 != "-" && $0 != " " })
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
}
