import Foundation

extension Validators {
    /// The validator names of the form `entropy-N` (`entropy-3.5`): the secret in a candidate must have at least N
    /// bits of Shannon entropy per character, as gitleaks' `entropy` field asks.
    ///
    /// `generic-secret` is gitleaks' generic-api-key check: entropy 3.5, and not made of letters and `_.-` alone (a
    /// word or an identifier, `token: refresh_interval`, is no secret), nor one of the ``namedFormats``. A hexadecimal secret of 16 or more digits
    /// with letters and digits in it needs 3.0: its alphabet holds at most 4 bits a character, and a random
    /// 32-digit hex key has about 3.5, so gitleaks' 3.5 lets half of them through.
    static func entropyCheck(named name: String) -> Check? {
        if name == "generic-secret" {
            return { text in
                let secret = secret(in: text)
                let word = secret.utf8.allSatisfy { byte in
                    (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "_.-".utf8.contains(byte)
                }
                guard !word, !namedFormats.contains(where: { secret.hasPrefix($0) }) else { return false }
                return shannonEntropy(secret) >= (isHexKey(secret) ? 3.0 : 3.5)
            }
        }
        guard name.hasPrefix("entropy-"), let threshold = Double(name.dropFirst("entropy-".count)), threshold > 0
        else { return nil }
        return { text in shannonEntropy(secret(in: text)) >= threshold }
    }

    /// The secret in a candidate such as `api_key = "9f8e…"`: the run of token characters (letters, digits,
    /// `+/_.~-`, then any `=` padding) at its end, after the key name and separator, quotes and spaces dropped.
    static func secret(in text: Substring) -> Substring {
        let utf8 = text.utf8
        var end = utf8.endIndex
        // Gitleaks' patterns end with the character after the secret: a quote, a space, `;`, or an escaped `\n`.
        while end > utf8.startIndex {
            let last = utf8[utf8.index(before: end)]
            if " \t\r\n\"'`;,)]}>".utf8.contains(last) {
                end = utf8.index(before: end)
            } else if last == UInt8(ascii: "n") || last == UInt8(ascii: "r"),
                utf8.distance(from: utf8.startIndex, to: end) >= 2,
                utf8[utf8.index(end, offsetBy: -2)] == UInt8(ascii: "\\")
            {
                end = utf8.index(end, offsetBy: -2)
            } else {
                break
            }
        }
        var start = end
        while start > utf8.startIndex, utf8[utf8.index(before: start)] == UInt8(ascii: "=") {
            start = utf8.index(before: start)
        }
        while start > utf8.startIndex {
            let byte = utf8[utf8.index(before: start)]
            let token =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "+/_.~-".utf8.contains(byte)
            guard token else { break }
            start = utf8.index(before: start)
        }
        return text[start..<end]
    }

    /// The beginnings of secrets that a rule of their own names (AWS key ids, Google API keys, GitHub, GitLab and
    /// Slack tokens, Stripe and OpenAI keys, JWTs, PromptGate's keys): the generic rule leaves them to it, as
    /// gitleaks drops a generic finding that a specific rule also made.
    static let namedFormats: [String] = [
        "AKIA", "ASIA", "ABIA", "ACCA", "A3T", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",
        "glpat-", "xox", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "sk-", "eyJ", "pgk_",
    ]

    /// Sixteen or more hexadecimal digits, letters and digits both among them.
    static func isHexKey(_ text: Substring) -> Bool {
        var letters = false
        var digits = false
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39: digits = true
            case 0x41...0x46, 0x61...0x66: letters = true
            default: return false
            }
        }
        return text.utf8.count >= 16 && letters && digits
    }

    /// Shannon entropy in bits per character of `text`'s bytes: −Σ p·log₂ p over the byte frequencies.
    static func shannonEntropy(_ text: Substring) -> Double {
        guard !text.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in text.utf8 { counts[Int(byte)] += 1 }
        let total = Double(text.utf8.count)
        return counts.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}
