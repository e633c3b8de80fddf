extension Validators {
    /// The checks of identifiers from the Americas (beyond the US ones in `Validators+US.swift`).
    static let americas: [String: Check] = [
        "br-cpf": brCPF,
        "mx-curp": mxCURP,
        "us-dea": usDEA,
    ]

    /// Brazilian CPF: eleven digits, not all the same, the last two mod-11 check digits over the nine before them
    /// (weights 10…2, then 11…2), Receita Federal, Instrução Normativa RFB 2.172/2024.
    static let brCPF: Check = { text in
        let d = digits(of: text)
        guard d.count == 11, Set(d).count > 1 else { return false }
        func check(_ count: Int) -> Int {
            var sum = 0
            for i in 0..<count { sum += d[i] * (count + 1 - i) }
            return sum * 10 % 11 % 10
        }
        return check(9) == d[9] && check(10) == d[10]
    }

    /// Mexican CURP (Clave Única de Registro de Población): four letters, a birth date, H/M (or X), the state, three
    /// consonants, a homoclave and a check digit (10 − Σ vᵢ·(18 − i) mod 10) mod 10 where vᵢ is the character's
    /// place in 0–9, A–N, Ñ, O–Z (RENAPO, Instructivo normativo de la CURP).
    static let mxCURP: Check = { text in
        let c = alphanumerics(of: text)
        guard c.count == 18 else { return false }
        let date = c[4..<10].map { Int($0) - 0x30 }
        guard date.allSatisfy({ (0...9).contains($0) }),
            isDate(day: date[4] * 10 + date[5], month: date[2] * 10 + date[3])
        else { return false }
        var sum = 0
        for (i, byte) in c[0..<17].enumerated() {
            let value: Int
            switch byte {
            case 0x30...0x39: value = Int(byte) - 0x30
            case 0x41...0x4E: value = Int(byte) - 0x41 + 10  // A–N: 10–23; Ñ is 24
            default: value = Int(byte) - 0x41 + 11  // O–Z: 25–36
            }
            sum += value * (18 - i)
        }
        return (10 - sum % 10) % 10 == Int(c[17]) - 0x30
    }

    /// US DEA registration number: two letters (or a letter and 9) and seven digits, the last the units digit of
    /// (d₁ + d₃ + d₅) + 2·(d₂ + d₄ + d₆) (21 CFR 1301; DEA Diversion Control Division).
    static let usDEA: Check = { text in
        let d = digits(of: text).suffix(7)
        guard d.count == 7 else { return false }
        let x = Array(d)
        return (x[0] + x[2] + x[4] + 2 * (x[1] + x[3] + x[5])) % 10 == x[6]
    }
}
