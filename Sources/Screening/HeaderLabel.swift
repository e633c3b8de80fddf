/// A column header, key or form label (`nhs_number`, `firstName`, `"Last name"`, `DOB`) in the one form the
/// rules' context words are compared with: lower-case words separated by spaces, followed by the words run together
/// and by the common abbreviations spelled out. `NHS_No` reads as "nhs no nhsno nhs number", `steuerId` as
/// "steuer id steuerid", `DOB` as "dob date of birth".
enum HeaderLabel {
    /// Abbreviations of header words and what they stand for.
    static let expansions: [String: String] = [
        "no": "number", "nr": "number", "num": "number", "nbr": "number", "nmbr": "number", "nummer": "number",
        "dob": "date of birth", "bday": "birthday", "tel": "phone", "ph": "phone", "phn": "phone", "mob": "mobile",
        "fname": "first name", "lname": "last name", "addr": "address", "ip": "ip address",
    ]

    /// The words of `bytes[range]`: split at anything that is not a letter or digit (any byte ≥ 0x80 counts as a
    /// letter) and between a lower-case and an upper-case ASCII letter (`firstName`), in lower case.
    static func words(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        var previousLower = false
        for i in range {
            let b = bytes[i]
            let upper = b >= 0x41 && b <= 0x5A
            let lower = b >= 0x61 && b <= 0x7A
            let letter = upper || lower || (b >= 0x30 && b <= 0x39) || b >= 0x80
            if !letter || (upper && previousLower) {
                if !word.isEmpty { words.append(word) }
                word = []
            }
            if letter { word.append(upper ? b + 0x20 : b) }
            previousLower = lower
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// The label's normalised text (see the type's description).
    static func normalized(_ words: [[UInt8]]) -> [UInt8] {
        var text = Array(words.joined(separator: [0x20]))
        guard !words.isEmpty else { return text }
        if words.count > 1 {
            text.append(0x20)
            text += words.joined()
        }
        let expanded = words.map { word in expansions[String(decoding: word, as: UTF8.self)].map { Array($0.utf8) } }
        if expanded.contains(where: { $0 != nil }) {
            text.append(0x20)
            text += zip(words, expanded).map { $1 ?? $0 }.joined(separator: [0x20])
        }
        return text
    }

    /// A rule's context words in the same form as a normalised label: lower case, `-` and `_` as spaces.
    static func normalizedWords(_ words: [String]) -> [String] {
        words.map { word in
            String(
                decoding: word.utf8.map { b in
                    b == 0x2D || b == 0x5F ? 0x20 : (b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
                }, as: UTF8.self)
        }
    }

    /// Labels of a column or field that holds a person's name, in the languages residents write in, as their
    /// words run together (`first_name`, `First Name` and `firstName` are all "firstname").
    static let nameLabels: Set<String> = [
        "firstname", "firstnames", "lastname", "surname", "surnames", "givenname", "givennames", "forename",
        "forenames", "familyname", "fullname", "name", "names", "middlename", "maidenname", "contactname",
        "contactperson", "personname", "patientname", "residentname", "applicantname", "customername", "clientname",
        "employeename", "tenantname", "callername", "ownername", "voornaam", "voornamen", "achternaam", "naam",
        "volledigenaam", "geslachtsnaam", "contactpersoon", "nom", "prenom", "prénom", "prénoms", "nomdefamille",
        "nomcomplet", "nombre", "nombres", "nombrecompleto", "apellido", "apellidos", "primerapellido",
        "segundoapellido", "vorname", "vornamen", "nachname", "familienname", "vollständigername", "ansprechpartner",
        "cognome", "nome", "nomecompleto", "nominativo", "sobrenome", "imie", "imię", "imiona", "nazwisko",
    ]

    /// Words a name label is made of ("Nome e cognome", "imie_nazwisko", "Nom et prénom", "nombre y apellidos").
    static let nameWords: Set<String> = [
        "name", "names", "first", "last", "given", "family", "full", "middle", "surname", "forename", "naam",
        "voornaam", "achternaam", "nom", "prenom", "prénom", "nombre", "apellido", "apellidos", "vorname", "nachname",
        "cognome", "nome", "imie", "imię", "nazwisko", "sobrenome",
    ]
    static let nameConnectors: Set<String> = ["e", "y", "et", "und", "en", "and", "i", "de", "of"]

    /// Labels that name a person by role: their values are names only when they look like a full name (two words
    /// or more), since a role can also hold an organisation or an address.
    static let roleLabels: Set<String> = [
        "customer", "client", "contact", "resident", "patient", "applicant", "tenant", "caller", "person", "employee",
        "cliente", "klant", "kunde", "klient", "paciente", "bewoner", "aanvrager", "supportcontact",
        "emergencycontact", "contactperson",
    ]

    /// First words that make "… name" something other than a person's name.
    static let notPersonNamePrefixes: Set<String> = [
        "file", "user", "host", "street", "company", "product", "business", "org", "organisation", "organization",
        "department", "dept", "project", "app", "application", "domain", "server", "table", "column", "field",
        "display", "key", "bucket", "db", "database", "service", "brand", "city", "country", "place", "event",
        "school", "team", "group", "role", "package", "module", "class", "function", "method", "branch", "device",
        "site", "venue", "building", "pet", "account", "screen", "code", "short", "long", "type", "item", "task",
        "job", "queue", "topic", "channel", "region", "zone", "state", "town", "village", "route", "station",
        "facility", "park", "program", "programme", "course", "tag", "label", "model", "vendor", "provider",
        "agency", "office", "unit", "folder", "directory", "image", "container", "cluster", "node", "metric",
        "variable", "var", "param", "parameter", "attribute", "resource", "bank", "plan", "policy", "rule",
    ]

    /// Whether the label names a person's name: one of ``nameLabels``; words of ``nameWords`` joined by
    /// ``nameConnectors``; or "… name" after a word that is not one of ``notPersonNamePrefixes`` ("emergency contact
    /// name", not "file name"). Returns the label's words run together; a role label (``roleLabels``) comes back
    /// with `role` set.
    static func personNameLabel(_ words: [[UInt8]]) -> (label: String, role: Bool)? {
        guard !words.isEmpty, words.count <= 4 else { return nil }
        let joined = String(decoding: words.joined(), as: UTF8.self)
        if nameLabels.contains(joined) { return (joined, false) }
        if roleLabels.contains(joined) { return (joined, true) }
        let texts = words.map { String(decoding: $0, as: UTF8.self) }
        if texts.allSatisfy({ nameWords.contains($0) || nameConnectors.contains($0) })
            && texts.contains(where: { nameWords.contains($0) })
        {
            return (joined, false)
        }
        guard words.count > 1, texts[texts.count - 1] == "name" || texts[texts.count - 1] == "names" else {
            return nil
        }
        return texts.dropLast().contains { notPersonNamePrefixes.contains($0) } ? nil : (joined, false)
    }

    /// ``personNameLabel(_:)`` of the words of `bytes[range]` (see ``words(_:_:)``), read on the stack: nothing is
    /// allocated and no string made unless the label names a person's name. A label with bytes ≥ 0x80 (whose
    /// words compare as strings) or longer than 256 bytes takes the string path.
    static func personNameLabel(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> (label: String, role: Bool)? {
        guard range.count <= 256 else { return personNameLabel(words(bytes, range)) }
        for i in range where bytes[i] >= 0x80 { return personNameLabel(words(bytes, range)) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, range.count)) { letters in
            // The words run together in `letters`; `ends[k]` is where word k ends (at most four are kept).
            var ends: (Int, Int, Int, Int) = (0, 0, 0, 0)
            var wordCount = 0
            var count = 0
            var inWord = false
            var previousLower = false
            for i in range {
                let b = bytes[i]
                let upper = b >= 0x41 && b <= 0x5A
                let lower = b >= 0x61 && b <= 0x7A
                let letter = upper || lower || (b >= 0x30 && b <= 0x39)
                if inWord && (!letter || (upper && previousLower)) {
                    guard wordCount < 4 else { return nil }
                    Self.set(&ends, wordCount, count)
                    wordCount += 1
                    inWord = false
                }
                if letter {
                    // A fifth word makes the label too long, as the string path says.
                    if !inWord && wordCount == 4 { return nil }
                    letters[count] = upper ? b + 0x20 : b
                    count += 1
                    inWord = true
                }
                previousLower = lower
            }
            if inWord {
                Self.set(&ends, wordCount, count)
                wordCount += 1
            }
            guard wordCount > 0 else { return nil }
            let all = UnsafeRawBufferPointer(start: letters.baseAddress, count: count)
            func word(_ k: Int) -> UnsafeRawBufferPointer {
                let start = k == 0 ? 0 : Self.get(ends, k - 1)
                return UnsafeRawBufferPointer(rebasing: all[start..<Self.get(ends, k)])
            }
            func label() -> String { String(decoding: all, as: UTF8.self) }
            if nameLabelSet.contains(all) { return (label(), false) }
            if roleLabelSet.contains(all) { return (label(), true) }
            var allNameWords = true
            var someNameWord = false
            for k in 0..<wordCount {
                let isNameWord = nameWordSet.contains(word(k))
                someNameWord = someNameWord || isNameWord
                if !isNameWord && !nameConnectorSet.contains(word(k)) {
                    allNameWords = false
                    break
                }
            }
            if allNameWords && someNameWord { return (label(), false) }
            guard wordCount > 1, finalNameWordSet.contains(word(wordCount - 1)) else { return nil }
            for k in 0..<(wordCount - 1) where notPersonNamePrefixSet.contains(word(k)) { return nil }
            return (label(), false)
        }
    }

    @inline(__always)
    private static func set(_ ends: inout (Int, Int, Int, Int), _ k: Int, _ value: Int) {
        switch k {
        case 0: ends.0 = value
        case 1: ends.1 = value
        case 2: ends.2 = value
        default: ends.3 = value
        }
    }

    @inline(__always)
    private static func get(_ ends: (Int, Int, Int, Int), _ k: Int) -> Int {
        switch k {
        case 0: ends.0
        case 1: ends.1
        case 2: ends.2
        default: ends.3
        }
    }

    private static let nameLabelSet = WordSet(nameLabels)
    private static let roleLabelSet = WordSet(roleLabels)
    private static let nameWordSet = WordSet(nameWords)
    private static let nameConnectorSet = WordSet(nameConnectors)
    private static let finalNameWordSet = WordSet(["name", "names"])
    private static let notPersonNamePrefixSet = WordSet(notPersonNamePrefixes)
}
