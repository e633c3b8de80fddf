/// Untrusted text (prompts, notes, model names, user ids from the audit log) made safe to print on a terminal.
///
/// Anything that could end a line, move the cursor, send the terminal a command or reorder what is shown is replaced
/// by a visible escape in Swift's spelling: `\n`, `\r`, `\t`, and `\u{1B}` for the rest — C0 controls, DEL, C1
/// controls (U+0080–U+009F), line and paragraph separators (U+2028, U+2029) and every Unicode format character
/// (category Cf: bidi overrides and isolates U+202A–U+202E and U+2066–U+2069, zero-width characters, tags, …).
/// A backslash is doubled, so text cannot pass itself off as an escape.
public enum TerminalText {
    /// `text` with every unsafe character replaced by a visible escape.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { append(scalar, quoting: false, to: &out) }
        return out
    }

    /// `text` escaped and in double quotes (a `"` inside shown as `\"`). When `limit` is given and the text's UTF-8
    /// is longer, the text is cut at the last whole character within `limit` bytes and the cut is marked after the
    /// closing quote, where the text cannot forge it: `"…"…[cut, 1234 more bytes]`.
    public static func quoted(_ text: String, limit: Int? = nil) -> String {
        var out = "\""
        var kept = 0
        var cutBytes = 0
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            if let limit, cutBytes > 0 || kept + size > limit {
                cutBytes += size
                continue
            }
            kept += size
            append(scalar, quoting: true, to: &out)
        }
        out += "\""
        if cutBytes > 0 { out += "…[cut, \(cutBytes) more bytes]" }
        return out
    }

    /// Whether a scalar must be shown as an escape rather than as itself.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: return true
            default: return false
            }
        }
    }

    private static func append(_ scalar: Unicode.Scalar, quoting: Bool, to out: inout String) {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"" where quoting: out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
}
