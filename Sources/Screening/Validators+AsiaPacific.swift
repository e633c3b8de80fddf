extension Validators {
    /// The Asia-Pacific national identifiers' checks, by the name a rule gives as `validator:`.
    static let asiaPacific: [String: Check] = [
        "au-abn": { text in
            var d = digits(of: text)
            guard d.count == 11, d[0] > 0 else { return false }
            d[0] -= 1
            let weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
            return zip(d, weights).map(*).reduce(0, +) % 89 == 0
        },
        "au-acn": { text in
            let d = digits(of: text)
            guard d.count == 9 else { return false }
            let sum = zip(d[0..<8], [8, 7, 6, 5, 4, 3, 2, 1]).map(*).reduce(0, +)
            return (10 - sum % 10) % 10 == d[8]
        },
        "au-tfn": { text in
            let d = digits(of: text)
            guard d.count == 9 else { return false }
            return zip(d, [1, 4, 3, 7, 5, 8, 6, 9, 10]).map(*).reduce(0, +) % 11 == 0
        },
        "au-medicare": { text in
            let d = digits(of: text)
            guard d.count == 10 || d.count == 11, (2...6).contains(d[0]) else { return false }
            return zip(d[0..<8], [1, 3, 7, 9, 1, 3, 7, 9]).map(*).reduce(0, +) % 10 == d[8]
        },
        "in-aadhaar": { text in
            let d = digits(of: text)
            return d.count == 12 && d[0] >= 2 && verhoeff(d)
        },
        "sg-nric": sgNRIC,
        "kr-rrn": { text in
            let d = digits(of: text)
            guard d.count == 13, isDate(day: number(d[4..<6]), month: number(d[2..<4])) else { return false }
            return (1...4).contains(d[6])  // born 1900–2099; 5–8: foreigners' registration numbers (FRN)
        },
        "th-tnin": { text in
            let d = digits(of: text)
            guard d.count == 13, (1...8).contains(d[0]) else { return false }
            var sum = 0
            for i in 0..<12 { sum += d[i] * (13 - i) }
            return (11 - sum % 11) % 10 == d[12]
        },
    ]

    /// The Verhoeff check (dihedral group D5), used by India's Aadhaar (UIDAI).
    static func verhoeff(_ digits: [Int]) -> Bool {
        let multiplication: [[Int]] = [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
            [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
            [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
            [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        ]
        let permutation: [[Int]] = [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
            [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
            [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
        ]
        var check = 0
        for (i, digit) in digits.reversed().enumerated() {
            check = multiplication[check][permutation[i % 8][digit]]
        }
        return check == 0
    }

    /// Singapore NRIC/FIN `S1234567D`: the prefix (S, T citizens and permanent residents; F, G, M foreigners) and
    /// the check letter over Σ wᵢdᵢ (weights 2 7 6 5 4 3 2; +4 for T and G, +3 for M) mod 11 (ICA).
    static let sgNRIC: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 9, c[1..<8].allSatisfy({ $0 <= 0x39 }) else { return false }
        let d = c[1..<8].map { Int($0) - 0x30 }
        var sum = zip(d, [2, 7, 6, 5, 4, 3, 2]).map(*).reduce(0, +)
        let table: String
        switch c[0] {
        case 0x53: table = "JZIHGFEDCBA"
        case 0x54: (sum, table) = (sum + 4, "JZIHGFEDCBA")
        case 0x46: table = "XWUTRQPNMLK"
        case 0x47: (sum, table) = (sum + 4, "XWUTRQPNMLK")
        case 0x4D: (sum, table) = (sum + 3, "KLJNPQRTUWX")
        default: return false
        }
        let index = c[0] == 0x4D ? 10 - sum % 11 : sum % 11
        return Array(table.utf8)[index] == c[8]
    }
}
