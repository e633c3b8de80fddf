import JSONCore

extension DisclosureBundle {
    /// The opened texts' file name.
    public static let textsFile = "texts.jsonl"

    /// The sealed texts of the proven entries, opened with `ring`, one line per entry that has any, in log order:
    /// `{"seq":12,"prompt":"…","response":"…"}`, a text erased by retention as `{"erased":"<RFC 3339>"}`, one that
    /// cannot be opened as `{"unreadable":"<why>"}`. Nil when no entry holds a sealed text.
    ///
    /// The proofs cover the sealed bytes in `entries.jsonl`, not these texts: they are the city's reading of them.
    public func openedTexts(ring: KeyRing) -> [UInt8]? {
        var out: [UInt8] = []
        for proof in proofs {
            guard let entry = try? JSONParser.parse(proof.entry), case .object(let members) = entry else { continue }
            let sealed = members.filter { SealedText.fields.contains($0.key) && SealedText.keyID(of: $0.value) != nil }
            guard !sealed.isEmpty else { continue }
            let opened = SealedText.openedLine(entry, ring: ring)
            var line: [(key: String, value: JSONValue)] = [("seq", .int(proof.index))]
            for member in sealed {
                guard let value = opened[member.key] else { continue }
                line.append((member.key, value))
            }
            out += JSONValue.object(line).serializedBytes() + [0x0A]
        }
        return out.isEmpty ? nil : out
    }
}
