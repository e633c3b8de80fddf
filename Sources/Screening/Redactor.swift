/// How a redacted text is rewritten: which findings were replaced, and the text that may leave.
public struct Redaction: Sendable {
    public var text: String
    /// Findings whose value was replaced by a placeholder.
    public var replaced: [Finding]
}

/// Replaces the values of `redact` findings in each finding's ``RedactionStyle`` (placeholder, mask, keyed pseudonym
/// or removal). Findings of other actions leave the text alone
/// (a `block` stops the whole request before anything is sent; `warn` and `log` only record).
public enum Redactor {
    /// Rewrites `text` (whose findings are `findings`, byte offsets into its UTF-8) using and extending `vault`.
    public static func redact(_ text: String, findings: [Finding], vault: inout PlaceholderVault) -> Redaction {
        let targets = findings.filter { $0.action == .redact }.sorted { $0.start < $1.start }
        guard !targets.isEmpty else { return Redaction(text: text, replaced: []) }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var cursor = 0
        for finding in targets where finding.start >= cursor && finding.end <= bytes.count {
            out.append(contentsOf: bytes[cursor..<finding.start])
            switch finding.redaction {
            case .placeholder:
                out.append(contentsOf: vault.placeholder(for: finding.value, entity: finding.entity).utf8)
            case .pseudonym: out.append(contentsOf: vault.pseudonym(for: finding.value, entity: finding.entity).utf8)
            case .mask: out.append(contentsOf: mask(finding.value).utf8)
            case .remove: break
            }
            cursor = finding.end
        }
        out.append(contentsOf: bytes[cursor...])
        return Redaction(text: String(decoding: out, as: UTF8.self), replaced: targets)
    }

    /// Every letter and digit but the last four replaced by `*`; separators kept (`***-**-6789`).
    public static func mask(_ value: String) -> String {
        var keep = 4
        var out: [Character] = []
        for character in value.reversed() {
            if character.isLetter || character.isNumber {
                out.append(keep > 0 ? character : "*")
                keep -= 1
            } else {
                out.append(character)
            }
        }
        return String(out.reversed())
    }
}
