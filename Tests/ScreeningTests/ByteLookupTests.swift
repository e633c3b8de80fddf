import TestSupport
import Testing

@testable import Screening

/// The look-ups by bytes that the name and structure path makes instead of string sets: each must answer as the
/// string form it replaces.
@Suite("Screening: word look-ups by bytes answer as the string sets")
struct ByteLookupTests {
    @Test("a word set holds what the set of strings holds, for ASCII keys, canonical equivalents included")
    func wordSet() {
        let strings: Set<String> = ["van", "DE", "prénom", "\u{212A}", "a'b", "", "longer-word.x"]
        let set = WordSet(strings)
        for key in ["van", "Van", "DE", "de", "K", "k", "prenom", "a'b", "", "longer-word.x", "longer-word.", "vann"] {
            let found = Array(key.utf8).withUnsafeBytes { set.contains($0) }
            #expect(found == strings.contains(key), "\(key)")
        }
        // The Kelvin sign is `K` as a string: the set must hold it.
        #expect(Array("K".utf8).withUnsafeBytes { set.contains($0) })
    }

    @Test("a folded key is the folded string, and looks up as it does")
    func foldedKey() {
        let words = [
            "Anna", "josé", "STRASSE", "Straße", "Øyvind", "Ærø", "Zoë", "O'Neill", "Łukasz", "Müller-Lüdenscheidt",
            "abcdefghijklmnopqrstuvwxyz", "Ñ", "", "K\u{301}", "x\u{212A}",
        ]
        let set = FoldedSet(Set(["JOSE", "STRASSE", "ZOE", "ANNA", "O'NEILL", "ØYVIND", "LUKASZ"]))
        for word in words {
            let bytes = Array(word.utf8)
            bytes.withUnsafeBytes { raw in
                let key = FoldedKey(raw, 0, raw.count)
                let folded = Gazetteers.fold(word[...])
                #expect(key.string == folded, "\(word)")
                #expect(set.contains(key) == set.strings.contains(folded), "\(word)")
                #expect(
                    Gazetteers.embedded.givenNames.contains(key) == Gazetteers.embedded.givenNames.contains(folded),
                    "\(word)")
            }
        }
    }

    @Test("a person-name label read on the stack is the label read from its words")
    func personNameLabel() {
        let pieces = [
            "first", "Name", "name", "_", " ", "-", "Last", "nom", "e", "cognome", "file", "Customer", "contact",
            "support", "Prénom", "imię", "x", "2", "NAMES", "emergency", "of", "voornaam", "and", "given", "names.",
        ]
        var random = SplitMix(seed: 0x9E37_79B9_7F4A_7C15)
        var named = 0
        for _ in 0..<20_000 {
            var label = ""
            for _ in 0..<(1 + random.below(6)) { label += pieces[random.below(pieces.count)] }
            Array(label.utf8).withUnsafeBytes { raw in
                let slow = HeaderLabel.personNameLabel(HeaderLabel.words(raw, 0..<raw.count))
                let fast = HeaderLabel.personNameLabel(raw, 0..<raw.count)
                #expect(slow?.label == fast?.label && slow?.role == fast?.role, "\(label.debugDescription)")
                if slow != nil { named += 1 }
            }
        }
        #expect(named > 1_000, "\(named) labels named a person")
    }

    @Test("the place phrase precheck never refuses a name the full test takes for a place")
    func placePrecheck() {
        let pieces = [
            "corner of ", "Washington", " and ", "Main", " streets", "esquina de ", "Alcalá", " y ", "Ecke ", " und ",
            "hoek van ", "the ", "Anna", " ", ", ", "St.", " & ", "intersection", " of ", "Ave", "et ", "Çağ",
        ]
        var random = SplitMix(seed: 0x9E37_79B9_7F4A_7C15)
        var places = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(1 + random.below(8)) { text += pieces[random.below(pieces.count)] }
            let bytes = Array(text.utf8)
            let start = random.below(bytes.count + 1)
            let end = start + random.below(bytes.count - start + 1)
            bytes.withUnsafeBytes { raw in
                let place = PlacePhrases.isPlace(raw, start: start, end: end, precheck: false)
                #expect(PlacePhrases.isPlace(raw, start: start, end: end) == place, "\(text.debugDescription) \(start)")
                if place {
                    places += 1
                    #expect(PlacePhrases.mayBePlace(raw, start: start, end: end), "\(text.debugDescription) \(start)")
                }
            }
        }
        #expect(places > 500, "\(places) places")
    }
}
