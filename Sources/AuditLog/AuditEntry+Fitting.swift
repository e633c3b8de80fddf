import Foundation
import JSONCore

extension AuditEntry {
    /// This entry as one log line of at most `limit` bytes. An entry larger than that (a pasted spreadsheet with
    /// thousands of distinct values, long texts full of escapes) keeps its first fingerprints and the start of its
    /// texts, and says in its note what was not kept, rather than failing the request: a line must also fit in a
    /// C2SP tlog-tiles entry bundle (``EntryBundle/maxEntryBytes``) so that the log can be published.
    func line(seq: Int, time: Date, prev: String, limit: Int) -> [UInt8] {
        var line = jsonObject(seq: seq, time: time, prev: prev).serializedBytes()
        guard line.count > limit else { return line }
        var entry = self
        let fingerprints = fingerprints.count
        let texts = (promptRedacted?.utf8.count ?? 0) + (responseRedacted?.utf8.count ?? 0)
        func measure() -> Int {
            var noted = entry
            let kept = (noted.promptRedacted?.utf8.count ?? 0) + (noted.responseRedacted?.utf8.count ?? 0)
            noted.note =
                ([note].compactMap { $0 } + [
                    "entry cut to fit a \(limit)-byte log line: \(fingerprints - noted.fingerprints.count) of "
                        + "\(fingerprints) fingerprints and \(texts - kept) bytes of text not kept"
                ]).joined(separator: " ")
            line = noted.jsonObject(seq: seq, time: time, prev: prev).serializedBytes()
            return line.count
        }
        // The texts down to half the line first (they are already clipped, and their start says the most), then as
        // many fingerprints as it takes (each value's print stays in the log once it was kept), then the texts again.
        func textBytes() -> Int { (entry.promptRedacted?.utf8.count ?? 0) + (entry.responseRedacted?.utf8.count ?? 0) }
        func halveLongerText() {
            if (entry.promptRedacted?.utf8.count ?? 0) >= (entry.responseRedacted?.utf8.count ?? 0) {
                entry.promptRedacted = Self.half(entry.promptRedacted)
            } else {
                entry.responseRedacted = Self.half(entry.responseRedacted)
            }
        }
        while measure() > limit, textBytes() > limit / 2 { halveLongerText() }
        while case let size = measure(), size > limit, !entry.fingerprints.isEmpty {
            // About what one fingerprint takes as JSON: {"type":"…","hmac":"…"}, and a comma.
            let per = entry.fingerprints[0].hmac.utf8.count + entry.fingerprints[0].type.utf8.count + 24
            entry.fingerprints.removeLast(min(entry.fingerprints.count, (size - limit) / per + 1))
        }
        while measure() > limit, entry.promptRedacted != nil || entry.responseRedacted != nil { halveLongerText() }
        return line
    }

    /// The first half of a text (at a character boundary), or nil when little is left.
    private static func half(_ text: String?) -> String? {
        guard let text, text.utf8.count > 64 else { return nil }
        return String(text.prefix(text.count / 2)) + " [cut]"
    }
}
