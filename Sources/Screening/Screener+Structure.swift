/// How the structure of a text (see ``TableContext``) and the words right next to a value enter the screener's
/// verdicts: a column header or key counts as a context word, a value in a name column is a name, a version word
/// right before a number makes it a look-alike, and a date's birth word belongs to the nearest date.
extension Screener {
    /// The label at `label` normalised (see ``HeaderLabel``): a rule's header words are searched in it like a window
    /// of text, so a column header or key counts as a context word. Nil for no label or one too long to be a label.
    static func normalizedLabel(_ label: Range<Int>, in bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard !label.isEmpty, label.count <= 4 * TableContext.maxLabel else { return nil }
        return HeaderLabel.normalized(HeaderLabel.words(bytes, label))
    }

    /// The word right before `start` (past spaces, tabs, quotes and `: = #`), as a byte range: "version" in
    /// "version 10.2.3.4", "v." in "v. 10.2.3.4", "build" in `"build": "10.2.3.4"` and `build:\t10.2.3.4`.
    static func previousWord(_ bytes: UnsafeRawBufferPointer, before start: Int) -> Range<Int>? {
        var i = start
        var skipped = 0
        while i > 0 && skipped < 4
            && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x3A || bytes[i - 1] == 0x3D || bytes[i - 1] == 0x23
                || bytes[i - 1] == 0x09 || bytes[i - 1] == 0x22 || bytes[i - 1] == 0x27)
        {
            i -= 1
            skipped += 1
        }
        let end = i
        while i > 0 && end - i < 24 && (TableContext.isLetter(bytes[i - 1]) || bytes[i - 1] == 0x2E) { i -= 1 }
        return i < end ? i..<end : nil
    }

    /// Whether the value starting at `start` (a digit) is the tail of a longer number: right after a digit and a
    /// `.`, `/` or `-` ("02.2027" in "19.02.2027", "2.3.4.5" in "1.2.3.4.5"). Such a tail is never a value alone.
    static func continuesNumber(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard start >= 2, start < bytes.count, bytes[start] >= 0x30 && bytes[start] <= 0x39 else { return false }
        let separator = bytes[start - 1]
        let before = bytes[start - 2]
        return (separator == 0x2E || separator == 0x2F || separator == 0x2D) && before >= 0x30 && before <= 0x39
    }

    /// `lower..<upper` cut at the digits nearest the value `start..<end` on either side: a birth word belongs to the
    /// date next to it, not to the next date after another one ("born 1939-09-01, seen on 03/26/2024"). After the
    /// value it also stops at the line's end: a label on the next line names the next line's value
    /// ("due_date: 2024-06-15" above "dob: 1991-08-23"), while one on the line above may name this one
    /// ("Date of birth:" above "1991-08-23").
    static func clippedAtDigits(
        _ bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int, start: Int, end: Int
    ) -> (Int, Int) {
        var lower = lower
        var upper = upper
        var i = start
        while i > lower {
            let b = bytes[i - 1]
            if b >= 0x30 && b <= 0x39 {
                lower = i
                break
            }
            i -= 1
        }
        i = end
        while i < upper {
            let b = bytes[i]
            if (b >= 0x30 && b <= 0x39) || b == 0x0A {
                upper = i
                break
            }
            i += 1
        }
        return (lower, upper)
    }

    /// The leading name in a name cell or field: up to five words (at least `minimumWords`), each capitalised or a
    /// particle (`van`, `de`), joined by single spaces; nil when the cell does not start with one or holds a word that is never a name
    /// ("Parks Department"), or a placeholder ("N/A", "Unknown").
    static func nameInCell(
        _ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>, gazetteers: Gazetteers, minimumWords: Int = 1
    ) -> Range<Int>? {
        var i = cell.lowerBound
        var end: Int?
        var words = 0
        var only: FoldedKey?
        while i < cell.upperBound && words < 5 {
            let start = i
            while i < cell.upperBound && PersonNameRecognizer.isTokenByte(bytes[i]) { i += 1 }
            guard i > start, let shape = PersonNameRecognizer.shape(bytes, start, i) else { break }
            // Each word is looked up by its bytes, folded on the stack (``FoldedKey``): no string is made.
            guard shape.upperStart || particleWords.contains(bytes, start..<shape.coreEnd) else { break }
            let folded = FoldedKey(bytes, start, shape.coreEnd)
            if gazetteers.notNameWordSet.contains(folded) && !gazetteers.surnames.contains(folded)
                && !gazetteers.givenNames.contains(folded)
            {
                return nil
            }
            if shape.upperStart { end = shape.coreEnd }
            only = folded
            words += 1
            guard i < cell.upperBound, bytes[i] == 0x20 else { break }
            i += 1
        }
        guard let end, words >= minimumWords, !(words == 1 && only.map { placeholderSet.contains($0) } ?? false)
        else { return nil }
        return cell.lowerBound..<end
    }

    /// Values a name column holds when it holds no name.
    static let placeholders: Set<String> = [
        "N", "NA", "NONE", "NULL", "NIL", "UNKNOWN", "TBD", "TBC", "TEST", "ANONYMOUS", "REDACTED", "WITHHELD",
        "NAME", "FIRST", "LAST", "SURNAME", "ONBEKEND", "INCONNU", "DESCONOCIDO", "UNBEKANNT", "NV", "ND",
    ]
    /// ``placeholders`` for a look-up by a word's folded bytes.
    static let placeholderSet = FoldedSet(placeholders)
    /// The particles, for a look-up by a word's bytes as written (as the set of strings answers for them).
    static let particleWords = RawWordSet(PersonNameRecognizer.particles)
}

extension Screener {
    /// Whether the date at `start..<end` is a cell of a table without a header whose column holds dates of birth:
    /// at least two other rows within three lines of it have, in the same column of a row with as many cells, a date
    /// too; all of them are at least two years old and together they span ten years or more. A column of events
    /// (created, due, seen) spans a few years and reaches today; a column of lifetimes does not. Only the lines
    /// around the date are read, and only when a cell delimiter touches it.
    static func birthDateColumn(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        guard let cell = tableCell(bytes, start: start, end: end, whole: false),
            let year = birthYear(bytes, cell.row.cells[cell.column])
        else { return false }
        var years = [year]
        forEachCellAround(bytes, cell) { neighbour in
            guard let y = birthYear(bytes, neighbour) else { return false }
            years.append(y)
            return true
        }
        guard years.count >= 3, let first = years.min(), let last = years.max() else { return false }
        return last <= Validators.currentYear() - 2 && last - first >= 10
    }

    /// Validators strong enough that a column of values passing them names itself: a check digit or character
    /// that one number in ten or more fails.
    static let columnValidators: Set<String> = [
        "uk-nhs", "nl-bsn", "de-tax-id", "pl-pesel", "fr-nir", "it-fiscal-code", "be-national-number", "fi-hetu",
        "se-personnummer", "br-cpf",
    ]

    /// What stands in for a rule's required context word when the value at `start..<end` is a whole cell of a table
    /// without a header (nil when nothing does):
    /// - a column of values that pass the rule's check digit (``columnValidators``);
    /// - for a national phone number: a column of numbers written with a trunk `0` (`(0121) 496 0270`,
    ///   `02 30 63 58 37`, `+33 …` too); the value itself must still be a number in use, which the rule checks next;
    /// - for a US passport or driver's licence, which carry no check digit: a column of their shapes only, in a row
    ///   that also holds a capitalised word (a name). Passports are a letter and eight digits (books since 2021) or
    ///   nine digits, and at least one cell of the column is the letter form; licences are the states' forms (a
    ///   letter and seven digits, nine digits, Florida's and Illinois' dashed forms) with at least one letter or
    ///   dashed form and no passport letter form. A column of nine-digit numbers alone says neither.
    static func columnWord(
        entity: String, validator: String?, _ check: Validators.Check?, _ bytes: UnsafeRawBufferPointer,
        start: Int, end: Int
    ) -> String? {
        if let validator, let check, columnValidators.contains(validator) {
            return columnPasses(bytes, start: start, end: end, check) ? "a column of values that pass the check" : nil
        }
        if validator == "phone-national" {
            return columnPasses(bytes, start: start, end: end, isTrunkNumber) ? "a column of phone numbers" : nil
        }
        guard entity == "US_PASSPORT" || entity == "US_DRIVER_LICENSE",
            let cell = tableCell(bytes, start: start, end: end, whole: true)
        else { return nil }
        let passport = entity == "US_PASSPORT"
        var shapes = [IdentifierShape(bytes, trimmed(bytes, cell.row.cells[cell.column]))]
        forEachCellAround(bytes, cell) { neighbour in
            let shape = IdentifierShape(bytes, trimmed(bytes, neighbour))
            guard passport ? shape.isPassport : shape.isLicence else { return false }
            shapes.append(shape)
            return true
        }
        guard shapes.count >= 3, shapes.allSatisfy({ passport ? $0.isPassport : $0.isLicence }),
            passport ? shapes.contains(.letterEight) : shapes.contains(where: \.isLicenceOnly),
            cell.row.cells.indices.contains(where: { $0 != cell.column && isWord(bytes, cell.row.cells[$0]) })
        else { return nil }
        return passport ? "a column of passport numbers" : "a column of driver's licence numbers"
    }

    /// A national phone number's shape: a trunk `0` (after an optional bracket) then a non-zero digit, 9 to 12
    /// digits in all; or a `+` and a country code.
    static let isTrunkNumber: Validators.Check = { text in
        let bytes = Array(text.utf8)
        guard let first = bytes.first(where: { $0 != 0x28 }) else { return false }
        if first == 0x2B { return true }
        let digits = Validators.digits(of: text)
        return first == 0x30 && (9...12).contains(digits.count) && digits[1] != 0
    }

    /// The shapes of US passport and driver's licence numbers a cell can have.
    enum IdentifierShape: Equatable {
        case letterEight, letterSeven, nineDigits, dashed, other

        init(_ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>) {
            let value = Array(bytes[cell])
            func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
            let upperFirst = value.first.map { $0 >= 0x41 && $0 <= 0x5A } ?? false
            let tail = upperFirst ? value.dropFirst() : value[...]
            if tail.allSatisfy(isDigit) {
                switch (upperFirst, tail.count) {
                case (true, 8): self = .letterEight
                case (true, 7): self = .letterSeven
                case (false, 9): self = .nineDigits
                default: self = .other
                }
                return
            }
            // Florida `A123-456-78-901-2` and Illinois `A123-4567-8901`: a letter, then digit groups of these sizes.
            let groups = tail.split(separator: 0x2D, omittingEmptySubsequences: false).map(\.count)
            let digitsOnly = tail.allSatisfy { isDigit($0) || $0 == 0x2D }
            self = upperFirst && digitsOnly && (groups == [3, 3, 2, 3, 1] || groups == [3, 4, 4]) ? .dashed : .other
        }

        var isPassport: Bool { self == .letterEight || self == .nineDigits }
        var isLicence: Bool { self == .letterSeven || self == .nineDigits || self == .dashed }
        var isLicenceOnly: Bool { self == .letterSeven || self == .dashed }
    }

    /// Whether a cell is one or two capitalised words of letters (a name, a town): the row holds something other
    /// than numbers.
    private static func isWord(_ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>) -> Bool {
        let value = trimmed(bytes, cell)
        guard value.count >= 2, value.count <= 40, bytes[value.lowerBound] >= 0x41 && bytes[value.lowerBound] <= 0x5A
        else { return false }
        var spaces = 0
        for i in value {
            let b = bytes[i]
            if b == 0x20 {
                spaces += 1
            } else if !TableContext.isLetter(b) && b != 0x2D && b != 0x27 {
                return false
            }
        }
        return spaces <= 1
    }

    /// Whether the value at `start..<end` is a whole cell of a table without a header whose column holds values
    /// that pass `check`: the cell above and below it, in rows of as many cells within three lines, pass it too, at
    /// least two of them. Only the lines around the value are read, and only when a cell delimiter touches it.
    static func columnPasses(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, _ check: (Substring) -> Bool
    ) -> Bool {
        guard let cell = tableCell(bytes, start: start, end: end, whole: true) else { return false }
        var agreeing = 0
        forEachCellAround(bytes, cell) { neighbour in
            let value = trimmed(bytes, neighbour)
            guard value.count >= 6, value.count <= 24,
                check(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[value]), as: UTF8.self)[...])
            else { return false }
            agreeing += 1
            return true
        }
        return agreeing >= 2
    }

    /// Where a value sits in a table without a header: its row (at most 4 KB, split at the delimiter that touches
    /// the value: `,`, tab or `;`, also across a double quote), the row's start and the value's column. nil when no
    /// delimiter touches it, when the row has fewer than three cells, or (`whole`) when the value is not its whole
    /// cell.
    private static func tableCell(
        _ bytes: UnsafeRawBufferPointer, start: Int, end: Int, whole: Bool
    ) -> TableCell? {
        let before = start > 0 && bytes[start - 1] == 0x22 ? start - 1 : start
        let after = end < bytes.count && bytes[end] == 0x22 ? end + 1 : end
        let left: UInt8 = before > 0 ? bytes[before - 1] : 0
        let right: UInt8 = after < bytes.count ? bytes[after] : 0
        func isDelimiter(_ b: UInt8) -> Bool { b == 0x2C || b == 0x09 || b == 0x3B }
        guard isDelimiter(left) || isDelimiter(right) else { return nil }
        if whole {
            guard before == 0 || isDelimiter(left) || bytes[before - 1] == 0x0A,
                after == bytes.count || isDelimiter(right) || bytes[after] == 0x0A || bytes[after] == 0x0D
            else { return nil }
        }
        let delimiter = isDelimiter(left) ? left : right
        var lineStart = start
        while lineStart > 0 && bytes[lineStart - 1] != 0x0A && start - lineStart < 4_096 { lineStart -= 1 }
        guard lineStart == 0 || bytes[lineStart - 1] == 0x0A else { return nil }
        let row = cells(bytes, from: lineStart, delimiter)
        guard row.cells.count >= 3, let column = row.cells.firstIndex(where: { $0.contains(start) }) else {
            return nil
        }
        return TableCell(delimiter: delimiter, lineStart: lineStart, row: row, column: column)
    }

    /// A value's place in a table without a header (``tableCell(_:start:end:whole:)``).
    private struct TableCell {
        let delimiter: UInt8
        let lineStart: Int
        let row: (cells: [Range<Int>], end: Int)
        let column: Int
    }

    /// Calls `body` with the cell in the same column of the rows around `cell`'s: up to three lines above it
    /// (nearest first), then up to three below; in each direction it stops at a row with another number of cells
    /// or when `body` returns false.
    private static func forEachCellAround(
        _ bytes: UnsafeRawBufferPointer, _ cell: TableCell, _ body: (Range<Int>) -> Bool
    ) {
        var upper = cell.lineStart
        for _ in 0..<3 {
            guard upper > 0 else { break }
            var previous = upper - 1
            while previous > 0 && bytes[previous - 1] != 0x0A && upper - previous < 4_096 { previous -= 1 }
            let row = cells(bytes, from: previous, cell.delimiter)
            guard row.cells.count == cell.row.cells.count, body(row.cells[cell.column]) else { break }
            upper = previous
        }
        var next = cell.row.end + 1
        for _ in 0..<3 {
            guard next < bytes.count else { break }
            let row = cells(bytes, from: next, cell.delimiter)
            guard row.cells.count == cell.row.cells.count, body(row.cells[cell.column]) else { break }
            next = row.end + 1
        }
    }

    /// The cells of the line starting at `from` (at most 4 KB), split at `delimiter` outside double quotes, and
    /// where the line ends.
    private static func cells(
        _ bytes: UnsafeRawBufferPointer, from: Int, _ delimiter: UInt8
    ) -> (cells: [Range<Int>], end: Int) {
        var cells: [Range<Int>] = []
        var cellStart = from
        var quoted = false
        var i = from
        while i < bytes.count && bytes[i] != 0x0A && i - from < 4_096 {
            if bytes[i] == 0x22 {
                quoted.toggle()
            } else if bytes[i] == delimiter && !quoted {
                cells.append(cellStart..<i)
                cellStart = i + 1
            }
            i += 1
        }
        cells.append(cellStart..<i)
        return (cells, i)
    }

    /// A cell without the spaces and double quotes around it (and a line's `\r`).
    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>) -> Range<Int> {
        var lower = cell.lowerBound
        var upper = cell.upperBound
        while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x22) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x22 || bytes[upper - 1] == 0x0D) {
            upper -= 1
        }
        return lower..<upper
    }

    /// The year of a cell that is a date (spaces and quotes around it allowed), when it passes the `date` check.
    private static func birthYear(_ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>) -> Int? {
        let value = trimmed(bytes, cell)
        guard value.count >= 8, value.count <= 20 else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[value]), as: UTF8.self)
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x2F }),
            Validators.date(text[...])
        else { return nil }
        var best: Int?
        for part in text.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" }) where part.count == 4 {
            best = Int(part)
        }
        return best
    }
}
