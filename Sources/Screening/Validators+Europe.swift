extension Validators {
    /// The European national identifiers' checks, by the name a rule gives as `validator:`.
    static let europe: [String: Check] = [
        "uk-nino": ukNINO,
        "uk-driving-licence": ukDrivingLicence,
        "it-fiscal-code": itFiscalCode,
        "it-vat": { text in
            let d = digits(of: text)
            return d.count == 11 && d.contains { $0 != 0 } && luhn(d)
        },
        "pl-pesel": plPESEL,
        "fi-hetu": fiHETU,
        "se-personnummer": sePersonnummer,
        "fr-nir": frNIR,
        "be-national-number": beNationalNumber,
        "pt-nif": ptNIF,
        "dk-cpr": { text in
            let d = digits(of: text)
            return d.count == 10 && isDate(day: number(d[0..<2]), month: number(d[2..<4]))
        },
        "de-health-insurance": deHealthInsurance,
        "de-social-security": deSocialSecurity,
    ]

    /// Upper-case ASCII letters and digits of `text`, separators dropped.
    static func alphanumerics(of text: Substring) -> [UInt8] {
        text.utf8.compactMap { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5A: return byte
            case 0x61...0x7A: return byte - 0x20
            default: return nil
            }
        }
    }

    /// A day and month that can be a calendar date (29 February included).
    static func isDate(day: Int, month: Int) -> Bool {
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(month) && (1...days[month - 1]).contains(day)
    }

    /// UK National Insurance number: two prefix letters (first not D, F, I, Q, U, V; second not D, F, I, O, Q, U,
    /// V; not BG, GB, KN, NK, NT, TN, ZZ), six digits, a suffix A–D (HMRC, National Insurance Manual NIM39110).
    static let ukNINO: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 9, let suffix = c.last, (0x41...0x44).contains(suffix) else { return false }
        let prefix = String(decoding: c.prefix(2), as: UTF8.self)
        guard !"DFIQUV".utf8.contains(c[0]), !"DFIOQUV".utf8.contains(c[1]),
            !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(prefix)
        else { return false }
        return c[0] >= 0x41 && c[1] >= 0x41 && c[2..<8].allSatisfy { $0 <= 0x39 }
    }

    /// UK (DVLA) driving licence number: five surname characters (letters padded with 9s, not all 9s), the decade
    /// digit, the month (51–62 for women), the day and the year digit, two initials, then check characters.
    static let ukDrivingLicence: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 16 else { return false }
        let surname = c[0..<5]
        guard let firstNine = surname.firstIndex(of: 0x39) ?? Optional(5), firstNine > 0,
            surname[..<firstNine].allSatisfy({ $0 >= 0x41 }), surname[firstNine...].allSatisfy({ $0 == 0x39 })
        else { return false }
        let d = c[5..<11].map { Int($0) - 0x30 }
        guard d.allSatisfy({ (0...9).contains($0) }) else { return false }
        var month = d[1] * 10 + d[2]
        if month > 50 { month -= 50 }
        return isDate(day: d[3] * 10 + d[4], month: month)
    }

    /// Italian codice fiscale: its 16th character is the check character over the first 15 (odd positions by
    /// one table, even by their value), Agenzia delle Entrate, DM 23/12/1976.
    static let itFiscalCode: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 16 else { return false }
        let odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
        var sum = 0
        for (i, byte) in c[0..<15].enumerated() {
            let value = byte <= 0x39 ? Int(byte) - 0x30 : Int(byte) - 0x41
            sum += i % 2 == 0 ? odd[value] : value
        }
        return Int(c[15]) - 0x41 == sum % 26
    }

    /// Polish PESEL: eleven digits, a birth date (the month carries the century: +80 1800s, +20 2000s, +40
    /// 2100s, +60 2200s) and the check digit (10 − Σ wᵢdᵢ mod 10) mod 10 with weights 1 3 7 9 1 3 7 9 1 3.
    static let plPESEL: Check = { text in
        let d = digits(of: text)
        guard d.count == 11 else { return false }
        let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
        let sum = zip(d, weights).map(*).reduce(0, +)
        guard (10 - sum % 10) % 10 == d[10] else { return false }
        return isDate(day: number(d[4..<6]), month: number(d[2..<4]) % 20)
    }

    /// Finnish henkilötunnus `DDMMYYCZZZQ`: a date, a century sign (+, -, A–F, U–Y), an individual number and a
    /// check character: "0123456789ABCDEFHJKLMNPRSTUVWXY"[DDMMYYZZZ mod 31] (Digital and Population Data Services
    /// Agency).
    static let fiHETU: Check = { text in
        let c = Array(text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 })
        guard c.count == 11 else { return false }
        let number = c[0..<6] + c[7..<10]
        guard number.allSatisfy({ (0x30...0x39).contains($0) }),
            "+-ABCDEFUVWXY".utf8.contains(c[6])
        else { return false }
        let d = number.map { Int($0) - 0x30 }
        guard isDate(day: d[0] * 10 + d[1], month: d[2] * 10 + d[3]) else { return false }
        let value = d.reduce(0) { $0 * 10 + $1 }
        return Array("0123456789ABCDEFHJKLMNPRSTUVWXY".utf8)[value % 31] == c[10]
    }

    /// Swedish personnummer (or samordningsnummer, day + 60): `YYMMDD-NNNC` or with the century, the Luhn check
    /// over the ten digits (Skatteverket, SKV 704).
    static let sePersonnummer: Check = { text in
        var d = digits(of: text)
        if d.count == 12 {
            guard [18, 19, 20].contains(number(d[0..<2])) else { return false }
            d.removeFirst(2)
        }
        guard d.count == 10, luhn(d) else { return false }
        var day = number(d[4..<6])
        if day > 60 { day -= 60 }
        return isDate(day: day, month: number(d[2..<4]))
    }

    /// French NIR (numéro de sécurité sociale): sex 1/2 (3, 4, 7, 8 for provisional numbers), year, month (01–12,
    /// 20–42 or 50–99 where unknown), département (2A/2B for Corsica), commune, order number, and the key
    /// 97 − (the 13 digits mod 97) (Ameli; INSEE).
    static let frNIR: Check = { text in
        var c = alphanumerics(of: text)
        guard c.count == 15 else { return false }
        var offset = 0
        if c[5] == 0x32 && (c[6] == 0x41 || c[6] == 0x42) {
            offset = c[6] == 0x41 ? 1_000_000 : 2_000_000
            c[6] = 0x30
        }
        guard c.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        let d = c.map { Int($0) - 0x30 }
        guard [1, 2, 3, 4, 7, 8].contains(d[0]) else { return false }
        let month = number(d[3..<5])
        guard (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month) else { return false }
        let body = number(d[0..<13]) - offset
        return 97 - body % 97 == number(d[13..<15])
    }

    /// Belgian national register number `YY.MM.DD-SSS.CC`: CC = 97 − (YYMMDDSSS mod 97), with a 2 before the nine
    /// digits for people born from 2000 (FPS Home Affairs, National Register). Month and day may be 0 (unknown) or
    /// raised by 20 or 40 (bis numbers).
    static let beNationalNumber: Check = { text in
        let d = digits(of: text)
        guard d.count == 11 else { return false }
        let body = number(d[0..<9])
        let check = number(d[9..<11])
        let month = number(d[2..<4]) % 20
        guard month <= 12, number(d[4..<6]) <= 31 else { return false }
        return 97 - body % 97 == check || 97 - (2_000_000_000 + body) % 97 == check
    }

    /// Portuguese NIF (número de identificação fiscal): nine digits, the first 1, 2, 3, 5, 6, 8 or 9, the last
    /// 11 − (Σ (9 − i)·dᵢ mod 11), 0 where that is 10 or 11 (Autoridade Tributária).
    static let ptNIF: Check = { text in
        let d = digits(of: text)
        guard d.count == 9, [1, 2, 3, 5, 6, 8, 9].contains(d[0]) else { return false }
        var sum = 0
        for i in 0..<8 { sum += (9 - i) * d[i] }
        let check = 11 - sum % 11
        return (check >= 10 ? 0 : check) == d[8]
    }

    /// German health insurance number (Krankenversichertennummer): a letter and nine digits, the last a Luhn-style
    /// check over the letter's two-digit number (A = 01) and the first eight digits (GKV-Spitzenverband).
    static let deHealthInsurance: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 10, c[0] >= 0x41, c[1...].allSatisfy({ $0 <= 0x39 }) else { return false }
        let letter = Int(c[0]) - 0x40
        let d = [letter / 10, letter % 10] + c[1..<9].map { Int($0) - 0x30 }
        var sum = 0
        for (i, x) in d.enumerated() {
            let product = x * (i % 2 == 0 ? 1 : 2)
            sum += product / 10 + product % 10
        }
        return sum % 10 == Int(c[9]) - 0x30
    }

    /// German pension insurance number (Rentenversicherungsnummer) `AA DDMMYY L SS C`: area, birth date (the day
    /// + 50 where a number was taken), the surname's initial, a serial and a check digit: Σ of the digit sums of dᵢ·wᵢ (weights 2 1 2 5 7 1 2 1 2 1 2 1,
    /// the letter as two digits) mod 10 (Deutsche Rentenversicherung).
    static let deSocialSecurity: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 12, c[8] >= 0x41, c[0..<8].allSatisfy({ $0 <= 0x39 }), c[9...].allSatisfy({ $0 <= 0x39 })
        else { return false }
        let n = c.map { Int($0) - 0x30 }
        let day = n[2] * 10 + n[3]
        guard isDate(day: day > 50 ? day - 50 : day, month: n[4] * 10 + n[5]) else { return false }
        let letter = Int(c[8]) - 0x40
        let d = Array(n[0..<8]) + [letter / 10, letter % 10] + Array(n[9..<11])
        let weights = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]
        let sum = zip(d, weights).map { ($0 * $1) / 10 + ($0 * $1) % 10 }.reduce(0, +)
        return sum % 10 == n[11]
    }
}
