/// Finds person names in the text around capitalised words that the pattern database reported. Names have no check
/// digit, so the recogniser combines shape (capitalised words, initials, particles such as `van der`), the
/// gazetteers (a known given name starts a name; a known surname raises confidence), titles (`Mr.`, `Mme`,
/// `dhr.`, `Sra.`), greetings (`Dear`, `Beste`, `Hola`) and role words (`resident`, `applicant`, `bewoner`).
///
/// It reads only the windows the pattern database reports around capitalised words, so it stays linear in the text.
struct PersonNameRecognizer: Sendable {
    let gazetteers: Gazetteers
    /// The gazetteers' sets of words, for look-ups by a token's folded bytes.
    private var notNameWords: FoldedSet { gazetteers.notNameWordSet }
    private var ambiguousGivenNames: FoldedSet { gazetteers.ambiguousGivenNameSet }

    /// A name found, in byte offsets of the scanned text.
    struct Span: Equatable {
        var start: Int
        var end: Int
        var confidence: Double
        var reason: String
    }

    static let titles: Set<String> = [
        "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "MME", "MLLE", "HERR", "FRAU", "SR", "SRA", "SRTA", "DHR",
        "MEVR", "MW", "MEVROUW", "SIR", "DAME", "MONSIEUR", "MADAME", "MADEMOISELLE", "SENOR", "SENORA", "SENORITA",
        "DON",
        "DONA", "DOKTER", "DOCTOR", "DOCTEUR",
    ]
    static let greetings: Set<String> = [
        "DEAR", "HI", "HELLO", "HEY", "BESTE", "GEACHTE", "HALLO", "LIEBE", "LIEBER", "BONJOUR", "CHER", "CHERE",
        "HOLA", "ESTIMADO", "ESTIMADA", "QUERIDO", "QUERIDA", "THANKS", "MERCI", "GRACIAS", "DANKE", "BEDANKT",
    ]
    /// Words that introduce a person in case notes and tickets, in the five languages.
    static let roles: Set<String> = [
        "CLIENT", "RESIDENT", "APPLICANT", "CALLER", "TENANT", "LANDLORD", "CONTACT", "USER", "COMPLAINANT",
        "PATIENT", "CLIENTE", "BEWONER", "AANVRAGER", "MELDER", "GEBRUIKER", "HUURDER",
        "USUARIO", "USUARIA", "VECINO", "VECINA", "SOLICITANTE", "INQUILINO", "INQUILINA", "DEMANDEUR", "DEMANDEUSE",
        "HABITANT", "HABITANTE", "USAGER", "LOCATAIRE", "ANTRAGSTELLER", "ANTRAGSTELLERIN", "BEWOHNER",
        "BEWOHNERIN", "BENUTZER", "BENUTZERIN", "MIETER", "MIETERIN", "BURGER", "BURGERIN",
    ]
    /// Capitalised words after a greeting that are not a person ("Dear Sir", "Hi Team").
    static let notAddressees: Set<String> = [
        "SIR", "MADAM", "SIRS", "TEAM", "ALL", "EVERYONE", "COLLEAGUES", "COLLEAGUE", "FRIENDS", "MAYOR",
        "COUNCILLOR", "COUNCILMEMBER", "HEER", "HEREN", "DAMES", "MEVROUW", "COLLEGA", "COLLEGA'S", "ALLEMAAL",
        "MONSIEUR", "MADAME", "TOUS", "EQUIPE", "COLLEGUES", "SENOR", "SENORA", "SENORES", "TODOS", "EQUIPO",
        "COMPANEROS", "HERR", "FRAU", "DAMEN", "HERREN", "KOLLEGEN", "KOLLEGINNEN", "ZUSAMMEN", "WORLD", "THERE",
    ]
    /// Surnames that are also words which never continue a name elsewhere ("Arthur Hall", but "Town Hall").
    static let surnameLikeNotNameWords: Set<String> = [
        "HALL", "PARK", "LANE", "GREEN", "HOUSE", "CHURCH", "BRIDGE", "HILL", "BANK", "BEACH", "LAKE", "COURT",
        "TOWER", "VALLEY", "GARDEN", "GARDENS", "MARKET",
    ]
    /// Words that name a street, square or estate before a person's name in addresses ("Rua Ana Costa", "Residencial
    /// Emanuelly Borges", "Via Giuseppe Verdi", "plac Jana III Sobieskiego"): a name right after one of them, or
    /// after one of them and particles ("Pátio de da Costa"), is part of a place name. Folded (no accents).
    static let placeWords: Set<String> = [
        // Portuguese (Brazil)
        "RUA", "AVENIDA", "PRACA", "PRAIA", "VIADUTO", "FAVELA", "MORRO", "RECANTO", "ESPLANADA", "RAMPA", "VALE",
        "LAGO", "TRAVESSA", "RODOVIA", "ALAMEDA", "ESTRADA", "LADEIRA", "LARGO", "VILA", "VIELA", "QUADRA", "SETOR",
        "LAGOA", "CONJUNTO", "FEIRA", "LOTEAMENTO", "PASSARELA", "VEREDA", "TRECHO", "NUCLEO", "PARQUE", "CHACARA",
        "COLONIA", "CONDOMINIO", "SITIO", "FAZENDA", "JARDIM", "RESIDENCIAL", "DISTRITO", "TREVO", "AEROPORTO",
        "ESTACAO", "PATIO", "AREA", "RODOANEL", "ACESSO",
        // Spanish, Italian, French, Polish
        "CALLE", "PASEO", "PLAZA", "CAMINO", "RONDA", "RAMBLA", "TRAVESIA", "CANADA", "GLORIETA", "CARRETERA",
        "URBANIZACION", "PASAJE", "CALLEJON", "VIA", "VIALE", "PIAZZA", "PIAZZALE", "CORSO", "VICOLO", "BORGO",
        "CONTRADA", "STRADA", "ROTONDA", "RUE", "AVENUE", "BOULEVARD", "ALLEE", "CHEMIN", "IMPASSE", "QUAI",
        "PASSAGE", "PLACE", "ULICA", "UL", "ALEJA", "AL", "PLAC", "PL", "OSIEDLE", "OS",
    ]
    /// Verbs that follow a person's given name at the start of a sentence ("Richard is", "Andrew had given",
    /// "Veljko shouted"), in the corpus languages; a known given name alone before one of them is a name.
    static let verbsAfterName: Set<String> = [
        "is", "was", "has", "had", "will", "would", "can", "could", "should", "said", "says", "told", "asked",
        "shouted", "replied", "wrote", "called", "lives", "lived", "works", "worked", "went", "gave", "wants",
        "wanted", "thinks", "thought", "knows", "knew", "ist", "war", "hat", "hatte", "sagte", "wohnt", "heeft",
        "woont", "zei", "est", "était", "habite", "dit", "es", "era", "vive", "dijo", "è", "ha", "abita", "disse",
        "jest", "był", "była", "mieszka", "powiedział", "powiedziała", "mora", "falou",
    ]
    /// Words after which "Surname, Given" names a person in records and logs ("lookup … for Jungfer, Margarete").
    static let wordsBeforeInvertedName: Set<String> = ["for", "für", "voor", "pour", "para", "per", "dla"]
    /// Dutch and German particles: a capitalised word, one of these, and a capitalised word form a name
    /// ("Casper van Clootwijck", "Anna von Berg") whether or not the gazetteers know it.
    static let surnameParticles: Set<String> = ["van", "von", "ten", "ter", "zu", "vom"]
    static let particles: Set<String> = [
        "van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "dos", "das", "la", "le", "ten", "ter",
        "zu", "vom", "y", "bin", "al", "het", "'t",
    ]

    private struct Token {
        var start: Int
        /// End of the token's bytes, trailing punctuation included.
        var end: Int
        var shape: Shape
        /// Whether the token is a capitalised word, an initial, a particle or a title in lower case: only these
        /// have a text (`bytes[start..<coreEnd]`) and a folded key (empty for the others).
        var hasText: Bool
        var key: FoldedKey
        var isParticle: Bool

        /// The token's text (see ``hasText``).
        func text(_ bytes: UnsafeRawBufferPointer) -> Substring {
            hasText
                ? Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<coreEnd]), as: UTF8.self))
                : ""
        }

        /// End of the word without trailing `.`, `'s` or `’s`.
        var coreEnd: Int { shape.coreEnd }
        /// The token ended in a full stop that is not an initial's: a name cannot continue past it.
        var endsSentence: Bool { shape.endsWithDot && !shape.isInitial }
        var isInitial: Bool { shape.isInitial }
        var isWord: Bool { shape.isWord }
        /// Starts with a lower-case letter (a word in mid-sentence).
        var isLower: Bool { shape.lowerStart }
    }

    /// The names in `bytes[start..<end]`, a window of text around capitalised words. The window is cut into runs
    /// of words joined by single spaces (any other character ends a run) and each run is read on its own.
    func names(in bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> [Span] {
        var found: [Span] = []
        let runs = Self.runs(bytes, start: start, end: end)
        for (index, run) in runs.enumerated() where run.contains(where: { $0.isWord }) {
            if let span = fieldName(run, bytes) ?? cellName(runs, index, bytes) {
                found.append(span)
                continue
            }
            if let surname = invertedName(runs, index, bytes) {
                found += [
                    surname, Span(start: run[0].start, end: run[0].coreEnd, confidence: 0.7, reason: surname.reason),
                ]
                continue
            }
            if let span = speakerOrAddressee(run, bytes) {
                found.append(span)
                continue
            }
            found += names(in: run, bytes)
        }
        return found.filter { !Self.partOfPlace(bytes, $0) }
    }

    /// Whether a name found is part of an address rather than a person: it comes right after a street word
    /// (``placeWords``, with particles between), or it is a Brazilian town before its state (`… 88585-122 Lima de
    /// Fernandes / RS`).
    static func partOfPlace(_ bytes: UnsafeRawBufferPointer, _ span: Span) -> Bool {
        // The whole text, not only the window: the words around a name may lie outside it.
        // Backwards over spaces, particles and at most one street word.
        var index = span.start
        for _ in 0..<3 {
            var wordEnd = index
            while wordEnd > 0 && bytes[wordEnd - 1] == 0x20 { wordEnd -= 1 }
            guard wordEnd < index else { break }
            var wordStart = wordEnd
            while wordStart > 0 && isTokenByte(bytes[wordStart - 1]) && bytes[wordStart - 1] != 0x2D {
                wordStart -= 1
            }
            guard wordStart < wordEnd else { break }
            var ascii = true
            for k in wordStart..<wordEnd where bytes[k] >= 0x80 { ascii = false }
            if ascii {
                // The same, by the bytes: an ASCII word's last character is its last byte.
                let end = bytes[wordEnd - 1] == 0x2E ? wordEnd - 1 : wordEnd
                if particleSet.contains(bytes, wordStart..<end) {
                    index = wordStart
                    continue
                }
                if placeWordSet.contains(FoldedKey(bytes, wordStart, end)) { return true }
                break
            }
            var word = Substring(String(decoding: bytes[wordStart..<wordEnd], as: UTF8.self))
            if word.hasSuffix(".") { word = word.dropLast() }
            if particles.contains(String(word)) {
                index = wordStart
                continue
            }
            if placeWords.contains(Gazetteers.fold(word)) { return true }
            break
        }
        // Forwards: " / UF" (two capital letters).
        let end = bytes.count
        var next = span.end
        while next < end && bytes[next] == 0x20 { next += 1 }
        guard next + 1 < end, bytes[next] == 0x2F else { return false }
        next += 1
        while next < end && bytes[next] == 0x20 { next += 1 }
        let isUpper = { (b: UInt8) in b >= 0x41 && b <= 0x5A }
        return next + 2 <= end && isUpper(bytes[next]) && isUpper(bytes[next + 1])
            && (next + 2 == end || !isTokenByte(bytes[next + 2]))
    }

    /// A name that is a whole field's value after a label that says it holds one (`Last name: Dulewicz`,
    /// `"first_name": "Telse"`, `nachname=Oderwald`): capitalised words up to the end of the field.
    private func fieldName(_ run: [Token], _ bytes: UnsafeRawBufferPointer) -> Span? {
        // The label first: it is read from the bytes and rules out almost every run before a word is folded.
        guard run[0].isWord, let label = Self.nameLabel(bytes, run[0].start) else { return nil }
        let key = run[0].key
        guard !Self.titleSet.contains(key), !notNameWords.contains(key),
            let (last, knownSurname) = extend(run, from: 0), last == run.count - 1,
            Self.endsCell(bytes, run[last].end)
        else { return nil }
        // A bare "name" also names products, files and teams: there the value needs a known given name or surname.
        if Self.bareNameLabels.contains(label) && !knownSurname && !knownGivenName(run[0]) { return nil }
        return Span(
            start: run[0].start, end: run[last].coreEnd, confidence: 0.75,
            reason: "the value of a field labelled as a name")
    }

    /// A name alone in a table cell (CSV, TSV, pipe tables, SQL values): a single capitalised word in a cell next
    /// to another on the same line, one of them a known given name (`Cook,Ariana`; `'Anna', 'Dulewicz'`).
    private func cellName(_ runs: [[Token]], _ index: Int, _ bytes: UnsafeRawBufferPointer) -> Span? {
        let run = runs[index]
        guard run.count == 1, nameWordCell(run, bytes) else { return nil }
        let known = knownGivenName(run[0])
        for neighbour in [index - 1, index + 1] where neighbour >= 0 && neighbour < runs.count {
            let other = runs[neighbour]
            let (left, right) = neighbour < index ? (other, run) : (run, other)
            guard other.count == 1, nameWordCell(other, bytes),
                Self.oneDelimiterBetween(bytes, left[left.count - 1].end, right[0].start),
                known || knownGivenName(other[0])
            else { continue }
            return Span(
                start: run[0].start, end: run[0].coreEnd, confidence: known ? 0.65 : 0.55,
                reason: known
                    ? "a known given name in a cell next to a capitalised word"
                    : "a capitalised word in a cell next to a known given name")
        }
        return nil
    }

    /// "Last, First" at the end of a longer stretch of text (`lookup … for Jones, Michael`): a known given name
    /// alone before the end of its field, right after a capitalised known surname and one comma. Returns the
    /// surname's span; the given name is the run itself. Each is a name of its own.
    private func invertedName(_ runs: [[Token]], _ index: Int, _ bytes: UnsafeRawBufferPointer) -> Span? {
        guard index > 0, runs[index].count == 1, let surname = runs[index - 1].last else { return nil }
        let given = runs[index][0]
        // The comma between them first: it rules out almost every pair of runs before anything is folded.
        guard surname.coreEnd < bytes.count, bytes[surname.coreEnd] == 0x2C,
            Self.oneDelimiterBetween(bytes, surname.coreEnd, given.start)
        else { return nil }
        let key = surname.key
        // An unknown surname is taken after "for" and its kin ("lookup … for Hertrampf, Simona"), read from the bytes:
        // the window may start at the surname.
        var wordStart = surname.start - 1
        while wordStart > 0
            && (bytes[wordStart - 1] >= 0x80 || (bytes[wordStart - 1] >= 0x61 && bytes[wordStart - 1] <= 0x7A))
        {
            wordStart -= 1
        }
        let afterFor =
            surname.start >= 2 && bytes[surname.start - 1] == 0x20 && wordStart < surname.start - 1
            && (wordStart == 0 || !Self.isTokenByte(bytes[wordStart - 1]))
            && Self.wordsBeforeInvertedNameSet.contains(bytes, wordStart..<(surname.start - 1))
        guard given.isWord, !given.endsSentence, knownGivenName(given), Self.endsCell(bytes, given.end),
            surname.isWord, surname.shape.upperStart, !surname.endsSentence,
            afterFor || gazetteers.surnames.contains(key),
            !notNameWords.contains(key), !Self.titleSet.contains(key), !Self.roleSet.contains(key),
            !Self.greetingSet.contains(key), bytes[surname.coreEnd] == 0x2C,
            Self.oneDelimiterBetween(bytes, surname.coreEnd, given.start)
        else { return nil }
        return Span(
            start: surname.start, end: surname.coreEnd, confidence: 0.7,
            reason: gazetteers.surnames.contains(key)
                ? "a known surname, a comma and a known given name"
                : "a capitalised word after 'for', a comma and a known given name")
    }

    /// A known given name alone that opens a line of dialogue (`Joseph: Remember me`), is addressed after a comma at
    /// the end of a question or exclamation (`Remember me, Emily?`), or starts its run before a verb (`Richard is a
    /// very sympathetic man`, `Veljko shouted`).
    private func speakerOrAddressee(_ run: [Token], _ bytes: UnsafeRawBufferPointer) -> Span? {
        guard run[0].isWord, !run[0].endsSentence else { return nil }
        let token = run[0]
        let after = token.coreEnd
        guard after < bytes.count else { return nil }
        // Which of the three it would be is read from the bytes; only then is the word looked up.
        let span: Span
        if run.count > 1, run[1].isLower,
            Self.verbsAfterNameSet.contains(bytes, run[1].start..<run[1].coreEnd)
        {
            span = Span(start: token.start, end: after, confidence: 0.6, reason: "a known given name before a verb")
        } else if run.count == 1, after + 2 < bytes.count, bytes[after] == 0x3A, bytes[after + 1] == 0x20,
            token.start == 0 || bytes[token.start - 1] == 0x0A,
            (bytes[after + 2] >= 0x41 && bytes[after + 2] <= 0x5A) || bytes[after + 2] == 0xC3
        {
            // "Name: Text" with a capital after the colon: a line of dialogue, not a label ("Tel: (0117) …").
            span = Span(
                start: token.start, end: after, confidence: 0.6,
                reason: "a known given name that opens a line of dialogue")
        } else if run.count == 1, bytes[after] == 0x3F || bytes[after] == 0x21, token.start >= 2,
            bytes[token.start - 1] == 0x20, bytes[token.start - 2] == 0x2C
        {
            span = Span(
                start: token.start, end: after, confidence: 0.6, reason: "a known given name addressed after a comma")
        } else {
            return nil
        }
        return knownGivenName(token) ? span : nil
    }

    /// A known given name that is not also an everyday word.
    private func knownGivenName(_ token: Token) -> Bool {
        gazetteers.givenNames.contains(token.key) && !ambiguousGivenNames.contains(token.key)
    }

    /// A cell holding one capitalised word that may be part of a name.
    private func nameWordCell(_ run: [Token], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard run[0].isWord && !run[0].endsSentence && isCell(run, bytes) else { return false }
        let key = run[0].key
        return !notNameWords.contains(key) && !Self.titleSet.contains(key) && !Self.greetingSet.contains(key)
            && !Self.roleSet.contains(key)
    }

    private func isCell(_ run: [Token], _ bytes: UnsafeRawBufferPointer) -> Bool {
        Self.startsCell(bytes, run[0].start) && Self.endsCell(bytes, run[run.count - 1].end)
    }

    /// Bytes that separate cells and fields: `,` `;` `|` tab, line breaks, quotes and brackets.
    static func isCellDelimiter(_ b: UInt8) -> Bool {
        b == 0x2C || b == 0x3B || b == 0x7C || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x22 || b == 0x27
            || b == 0x28 || b == 0x29 || b == 0x5B || b == 0x5D || b == 0x7B || b == 0x7D || b == 0x3D
    }

    /// Whether a cell starts at `index`: the text starts there, or a delimiter comes before it (a space or two
    /// and one quote may stand between; `=` counts, for `key=value`).
    static func startsCell(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        var i = index
        var spaces = 0
        while i > 0 && bytes[i - 1] == 0x20 && spaces < 2 {
            i -= 1
            spaces += 1
        }
        return i == 0 || isCellDelimiter(bytes[i - 1])
    }

    /// Whether a cell ends at `index` (the end of a token): the text ends there, or a delimiter follows (after at
    /// most two spaces).
    static func endsCell(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        var i = index
        var spaces = 0
        while i < bytes.count && bytes[i] == 0x20 && spaces < 2 {
            i += 1
            spaces += 1
        }
        return i == bytes.count || (isCellDelimiter(bytes[i]) && bytes[i] != 0x3D && bytes[i] != 0x28)
    }

    /// Whether `bytes[from..<to]` holds exactly one cell separator (`,` `;` `|` tab), with only spaces and quotes
    /// around it.
    static func oneDelimiterBetween(_ bytes: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Bool {
        guard from < to, to - from <= 6 else { return false }
        var separators = 0
        for i in from..<to {
            switch bytes[i] {
            case 0x2C, 0x3B, 0x7C, 0x09: separators += 1
            case 0x20, 0x22, 0x27: continue
            default: return false
            }
        }
        return separators == 1
    }

    /// Labels of fields that hold a person's name, folded and without spaces, hyphens or underscores, in the
    /// languages of the packs (and Italian, Polish and Portuguese).
    static let nameLabels: Set<String> = [
        "NAME", "FULLNAME", "FIRSTNAME", "GIVENNAME", "GIVENNAMES", "FORENAME", "FORENAMES", "LASTNAME", "SURNAME",
        "FAMILYNAME", "MIDDLENAME", "MAIDENNAME", "FNAME", "LNAME", "CONTACTNAME", "CUSTOMERNAME", "CLIENTNAME",
        "PATIENTNAME", "RESIDENTNAME", "APPLICANTNAME", "TENANTNAME", "EMPLOYEENAME", "OWNERNAME",
        "VORNAME", "NACHNAME", "FAMILIENNAME", "GEBURTSNAME", "VORUNDNACHNAME", "VOORNAAM", "VOORNAMEN",
        "ACHTERNAAM", "NAAM", "ROEPNAAM", "GESLACHTSNAAM", "PRENOM", "PRENOMS", "NOM", "NOMDEFAMILLE", "NOMCOMPLET",
        "NOMDUSAGE", "NOMDENAISSANCE", "NOMBRE", "NOMBRES", "APELLIDO", "APELLIDOS", "PRIMERAPELLIDO",
        "SEGUNDOAPELLIDO", "NOMBRECOMPLETO", "NOMBREYAPELLIDOS", "NOME", "COGNOME", "NOMINATIVO", "NOMEECOGNOME",
        "NOMECOMPLETO", "IMIE", "IMIONA", "NAZWISKO", "IMIEINAZWISKO", "SOBRENOME", "PRIMEIRONOME",
    ]

    /// Whether the text before `index` ends in a field label that says the field holds a name, and its separator
    /// (`Last name: `, `"first_name": "`, `nachname=`). The label is the whole field key: it starts a line or follows
    /// a delimiter, has at most four words, and folded without spaces, `_`, `-` or `.` is one of ``nameLabels``.
    static func followsNameLabel(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        nameLabel(bytes, index) != nil
    }

    /// Labels that say only "name", in the packs' languages: a product, file or team has one too.
    static let bareNameLabels: Set<String> = ["NAME", "NAAM", "NOM", "NOMBRE", "NOME"]

    /// The folded label (see ``followsNameLabel(_:_:)``) before `index`, if it names a person's name.
    static func nameLabel(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> String? {
        var i = index
        var skipped = 0
        while i > 0 && skipped < 3 && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09 || bytes[i - 1] == 0x22) {
            i -= 1
            skipped += 1
        }
        guard i > 0, bytes[i - 1] == 0x3A || bytes[i - 1] == 0x3D else { return nil }
        i -= 1
        if i > 0 && bytes[i - 1] == 0x22 { i -= 1 }
        while i > 0 && bytes[i - 1] == 0x20 { i -= 1 }
        let labelEnd = i
        var words = 1
        while i > 0 && labelEnd - i < 32 {
            let b = bytes[i - 1]
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80
            if b == 0x20 || b == 0x5F || b == 0x2D || b == 0x2E {
                words += 1
            } else if !letter {
                break
            }
            i -= 1
        }
        guard i < labelEnd, words <= 4, i == 0 || isCellDelimiter(bytes[i - 1]) || bytes[i - 1] == 0x20 && i == 1
        else { return nil }
        // An ASCII label (at most 32 bytes) is folded and looked up on the stack; only a label found is a string.
        var ascii = true
        for k in i..<labelEnd where bytes[k] >= 0x80 { ascii = false }
        if ascii {
            var folded: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &folded) { buffer in
                var count = 0
                for k in i..<labelEnd where bytes[k] != 0x20 && bytes[k] != 0x5F && bytes[k] != 0x2D && bytes[k] != 0x2E
                {
                    let b = bytes[k]
                    buffer[count] = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
                    count += 1
                }
                let label = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                return nameLabelSet.contains(label) ? String(decoding: label, as: UTF8.self) : nil
            }
        }
        var letters: [UInt8] = []
        for k in i..<labelEnd where bytes[k] != 0x20 && bytes[k] != 0x5F && bytes[k] != 0x2D && bytes[k] != 0x2E {
            letters.append(bytes[k])
        }
        let label = Gazetteers.fold(String(decoding: letters, as: UTF8.self)[...])
        return nameLabels.contains(label) ? label : nil
    }

    private func names(in tokens: [Token], _ bytes: UnsafeRawBufferPointer) -> [Span] {
        var found: [Span] = []
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            guard token.hasText else {
                i += 1
                continue
            }
            let key = token.key
            if (Self.titleSet.contains(key) && !token.isParticle) || (token.isInitial && key.is("M")) {
                // "dhr. van der Berg", "Mr. O'Neil", and with initials "dhr. J. de Vries" (an initial alone is not
                // enough: the run must reach a word).
                if let (last, _) = extend(tokens, from: i + 1, afterTitle: true),
                    tokens[i + 1].isWord || tokens[i + 1].isParticle || tokens[i + 1].isInitial
                {
                    found.append(
                        Span(
                            start: tokens[i + 1].start, end: tokens[last].coreEnd, confidence: 0.85,
                            reason: "follows the title '\(token.text(bytes))'"))
                    i = last + 1
                    continue
                }
            }
            // A greeting or role word that ends a sentence ("Thanks. Please …") introduces nobody.
            if token.isWord, !token.endsSentence, Self.greetingSet.contains(key) || Self.roleSet.contains(key),
                i + 1 < tokens.count,
                tokens[i + 1].isWord
            {
                let next = tokens[i + 1].key
                let known = gazetteers.givenNames.contains(next) && !ambiguousGivenNames.contains(next)
                let extended = extend(tokens, from: i + 2)
                // After a greeting a single capitalised word is a name; after a role word it takes two.
                if !notNameWords.contains(next), !Self.notAddresseeSet.contains(next),
                    !Self.titleSet.contains(next),
                    known || Self.greetingSet.contains(key) || extended != nil
                {
                    let last = extended?.last ?? i + 1
                    found.append(
                        Span(
                            start: tokens[i + 1].start, end: tokens[last].coreEnd, confidence: known ? 0.8 : 0.65,
                            reason:
                                "follows the \(Self.greetingSet.contains(key) ? "greeting" : "word") '\(token.text(bytes))'"
                        )
                    )
                    i = last + 1
                    continue
                }
            }
            if token.isWord, gazetteers.givenNames.contains(key) {
                let ambiguous = ambiguousGivenNames.contains(key)
                // Inside a longer capitalised run ("San José Generative AI") only a known surname makes a name.
                let insideRun = i > 0 && tokens[i - 1].isWord
                if !token.endsSentence, let (last, knownSurname) = extend(tokens, from: i + 1),
                    knownSurname || (!ambiguous && !insideRun)
                {
                    found.append(
                        Span(
                            start: token.start, end: tokens[last].coreEnd, confidence: knownSurname ? 0.9 : 0.75,
                            reason: knownSurname
                                ? "a known given name and surname" : "a known given name before a capitalised word"))
                    i = last + 1
                    continue
                }
                // A lone given name in mid-sentence ("reply to David about").
                if !ambiguous, i > 0, tokens[i - 1].isLower, i + 1 == tokens.count || !tokens[i + 1].isWord {
                    found.append(
                        Span(
                            start: token.start, end: token.coreEnd, confidence: 0.6,
                            reason: "a known given name in mid-sentence"))
                }
            }
            // An unknown given name before a Dutch or German particle and a capitalised word.
            if token.isWord, !token.endsSentence, i + 2 < tokens.count,
                tokens[i + 1].shape.lowerMatch,
                Self.surnameParticleSet.contains(bytes, tokens[i + 1].start..<tokens[i + 1].coreEnd),
                !notNameWords.contains(key), !ambiguousGivenNames.contains(key),
                let (last, _) = extend(tokens, from: i + 1)
            {
                found.append(
                    Span(
                        start: token.start, end: tokens[last].coreEnd, confidence: 0.7,
                        reason: "a capitalised word, the particle '\(tokens[i + 1].text(bytes))' and a surname"))
                i = last + 1
                continue
            }
            i += 1
        }
        return found
    }

    /// Extends a name over up to four more parts (words or initials, with particles between them), stopping at a
    /// word that never continues a name. Returns the last part's index and whether a known surname was seen.
    ///
    /// A word that is both a known surname and a word that never continues a name ("Hall", "Park") is taken as the
    /// surname when it ends the run; after a title the first word is always the name ("Ms. Hall").
    private func extend(_ tokens: [Token], from first: Int, afterTitle: Bool = false) -> (
        last: Int, knownSurname: Bool
    )? {
        var last: Int?
        var knownSurname = false
        var parts = 0
        var j = first
        while j < tokens.count, parts < 4 {
            let token = tokens[j]
            if token.isParticle {
                j += 1
                continue
            }
            guard token.isWord || token.isInitial else { break }
            let key = token.key
            let isSurname = token.isWord && gazetteers.surnames.contains(key)
            if notNameWords.contains(key) && !(afterTitle && j == first) {
                let endsRun = j + 1 == tokens.count || !(tokens[j + 1].isWord || tokens[j + 1].isInitial)
                guard Self.surnameLikeNotNameWordSet.contains(key) && endsRun && parts == 0 else { break }
            }
            if isSurname { knownSurname = true }
            last = j
            parts += 1
            if token.endsSentence { break }
            j += 1
        }
        guard let last, tokens[last].isWord || last > first else { return nil }
        return (last, knownSurname)
    }

    /// Cuts the window into runs of tokens. A token is a maximal sequence of letters (any byte ≥ 0x80 counts as
    /// one), apostrophes, hyphens and full stops; a single space continues the run, anything else ends it.
    private static func runs(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> [[Token]] {
        var runs: [[Token]] = []
        var run: [Token] = []
        var i = start
        while i < end {
            // A quote before a capital is not part of the word: SQL's 'Cook' (but Dutch 't stays a particle).
            if bytes[i] == 0x27 && i + 1 < end && bytes[i + 1] >= 0x41 && bytes[i + 1] <= 0x5A
                && (i == 0 || !isTokenByte(bytes[i - 1]))
            {
                if !run.isEmpty {
                    runs.append(run)
                    run = []
                }
                i += 1
            }
            let tokenStart = i
            while i < end && isTokenByte(bytes[i]) { i += 1 }
            if i > tokenStart, let token = token(bytes, tokenStart, i) { run.append(token) }
            // A single space joins; anything else (or a token that cannot be part of a name) ends the run.
            if i < end && bytes[i] == 0x20 && (i + 1 >= end || bytes[i + 1] != 0x20) && i > tokenStart {
                i += 1
                continue
            }
            if !run.isEmpty {
                runs.append(run)
                run = []
            }
            if i == tokenStart { i += 1 }
        }
        if !run.isEmpty { runs.append(run) }
        return runs
    }

    /// The shape of a token, from its bytes alone.
    struct Shape {
        /// End of the word without trailing `-`, `'`, `.`, `'s` or `’s`.
        var coreEnd: Int
        var endsWithDot: Bool
        var upperStart: Bool
        var lowerStart: Bool
        /// Capitalised, two letters or more, the second in lower case, not glued to digits.
        var isWord: Bool
        /// One capital letter and a full stop.
        var isInitial: Bool
        /// One of ``lowerWords``: a particle or a title written in lower case.
        var lowerMatch: Bool
    }

    /// Reads the token `bytes[tokenStart..<tokenEnd]`; nil when nothing is left once trailing punctuation is cut.
    @inline(__always)
    static func shape(_ bytes: UnsafeRawBufferPointer, _ tokenStart: Int, _ tokenEnd: Int) -> Shape? {
        let (coreEnd, endsWithDot) = core(bytes, tokenStart, tokenEnd)
        guard coreEnd > tokenStart else { return nil }
        let first = bytes[tokenStart]
        let upperStart =
            (first >= 0x41 && first <= 0x5A)
            || (first == 0xC3 && tokenStart + 1 < coreEnd && bytes[tokenStart + 1] >= 0x80
                && bytes[tokenStart + 1] <= 0x9E)
        let lowerStart = (first >= 0x61 && first <= 0x7A) || (first == 0xC3 && !upperStart)
        let length = coreEnd - tokenStart
        // A word's second letter is lower case or an apostrophe ("Maria", "McDonald", "O'Neill"; not "CAs", "PDFs"),
        // and a word is not glued to digits or underscores ("Ed25519", "v2Maria", "Maria_2").
        let second = first == 0xC3 ? tokenStart + 2 : tokenStart + 1
        var secondIsLower = false
        if second < coreEnd {
            let b = bytes[second]
            secondIsLower =
                (b >= 0x61 && b <= 0x7A) || (b == 0xC3 && second + 1 < coreEnd && bytes[second + 1] >= 0x9F)
                || b == 0xC4 || b == 0xC5 || b == 0x27
                || (b == 0xE2 && second + 2 < coreEnd && bytes[second + 2] == 0x99)
        }
        func isGlue(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || b == 0x5F }
        let glued =
            (tokenStart > 0 && isGlue(bytes[tokenStart - 1])) || (tokenEnd < bytes.count && isGlue(bytes[tokenEnd]))
        // Only the few lower-case particles and titles need comparing, byte by byte, without making a string.
        var lowerMatch = false
        if lowerStart && length <= maxLowerWord {
            lowerMatch = lowerWordSet.contains(bytes, tokenStart..<coreEnd)
        }
        return Shape(
            coreEnd: coreEnd, endsWithDot: endsWithDot, upperStart: upperStart, lowerStart: lowerStart,
            isWord: upperStart && length >= 2 && secondIsLower && !glued,
            isInitial: endsWithDot && length == 1 && upperStart,
            lowerMatch: lowerMatch)
    }

    /// Where the token's word ends once a trailing `-`, `'`, `.`, `'s` or `’s` is cut, and whether a full stop was.
    @inline(__always)
    static func core(_ bytes: UnsafeRawBufferPointer, _ tokenStart: Int, _ tokenEnd: Int) -> (
        end: Int, endsWithDot: Bool
    ) {
        var coreEnd = tokenEnd
        var endsWithDot = false
        while coreEnd > tokenStart && (bytes[coreEnd - 1] == 0x2D || bytes[coreEnd - 1] == 0x27) { coreEnd -= 1 }
        if coreEnd > tokenStart && bytes[coreEnd - 1] == 0x2E {
            coreEnd -= 1
            endsWithDot = true
        }
        if coreEnd - tokenStart > 2, bytes[coreEnd - 1] == 0x73 {  // s
            if bytes[coreEnd - 2] == 0x27 {
                coreEnd -= 2
            } else if coreEnd - tokenStart > 4, bytes[coreEnd - 2] == 0x99, bytes[coreEnd - 3] == 0x80,
                bytes[coreEnd - 4] == 0xE2
            {
                coreEnd -= 4
            }
        }
        return (coreEnd, endsWithDot)
    }

    private static func token(_ bytes: UnsafeRawBufferPointer, _ tokenStart: Int, _ tokenEnd: Int) -> Token? {
        guard let shape = shape(bytes, tokenStart, tokenEnd) else { return nil }
        // Most tokens are ordinary lower-case words: only capitalised ones, particles and titles need their key.
        // (A particle or title in lower case is one of ``lowerWords``, so its bytes are ASCII.)
        let hasText = shape.isWord || shape.isInitial || shape.lowerMatch
        return Token(
            start: tokenStart, end: tokenEnd, shape: shape, hasText: hasText,
            key: hasText ? FoldedKey(bytes, tokenStart, shape.coreEnd) : .inline((0, 0, 0), count: 0),
            isParticle: shape.lowerMatch && particleSet.contains(bytes, tokenStart..<shape.coreEnd))
    }

    /// The word lists above, for look-ups by bytes.
    static let titleSet = FoldedSet(titles)
    static let greetingSet = FoldedSet(greetings)
    static let roleSet = FoldedSet(roles)
    static let notAddresseeSet = FoldedSet(notAddressees)
    static let surnameLikeNotNameWordSet = FoldedSet(surnameLikeNotNameWords)
    static let placeWordSet = FoldedSet(placeWords)
    static let nameLabelSet = WordSet(nameLabels)
    static let particleSet = WordSet(particles)
    static let surnameParticleSet = WordSet(surnameParticles)
    static let verbsAfterNameSet = RawWordSet(verbsAfterName)
    static let wordsBeforeInvertedNameSet = RawWordSet(wordsBeforeInvertedName)

    /// The particles and the titles written in lower case ("dhr.", "mevr."), as bytes.
    static let lowerWords: [[UInt8]] = (particles.union(titles.map { $0.lowercased() })).map { Array($0.utf8) }
    private static let maxLowerWord = lowerWords.map(\.count).max() ?? 0
    /// ``lowerWords`` for a look-up by bytes (all of them ASCII, so a byte-for-byte match either way).
    private static let lowerWordSet = WordSet(lowerWords.map { String(decoding: $0, as: UTF8.self) })

    /// Letters (any byte ≥ 0x80 counts), apostrophe, hyphen and full stop.
    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80 || b == 0x27 || b == 0x2D || b == 0x2E
    }
}
