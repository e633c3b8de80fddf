import Foundation

/// What the structure of a text says about its values: the header of the column a cell is in (CSV, TSV, `;`- and
/// pipe-separated and Markdown tables, the column list of an SQL `INSERT`), or the key or label in front of a value
/// (`"nhs": "…"` in JSON, `nhs: …` in YAML, `NHS_NUMBER=…` in a `.env` file, `Last name: …` in a form,
/// `<dob>…</dob>`). A header names every cell under it, however many rows down.
///
/// Built in one pass over the text when a scan starts: tables are found by their header line (two or more cells
/// that read as labels, followed by a line with the same separator) and keep only their extent and header cells,
/// so memory grows with the number of tables, not of rows. A value's column is found when it is asked for, by
/// reading its own row. Values under a person-name header (`first_name`, `Nachname`, `Last name:`) are collected
/// in the same pass, for the name rule.
struct TableContext {
    /// A table: its rows, their separator and the header cells that name its columns.
    struct Table {
        /// The first byte of the first row under the header, and the end of the last row.
        var start: Int
        var end: Int
        var delimiter: UInt8
        /// The quote that protects separators inside a cell: `"` in CSV, `'` in SQL.
        var quote: UInt8
        /// Each column's header, as a byte range of the text.
        var headers: [Range<Int>]
        /// For an SQL `INSERT`, where each parenthesised row starts (after its `(`); empty for line-based tables.
        var rowStarts: [Int] = []
    }

    /// Where a value sits: the label that names it, and for a table cell the row it is in (context words are
    /// looked for in that row and not across rows).
    struct Place {
        var label: Range<Int>
        var row: Range<Int>?
    }

    /// A value under a person-name label, with that label's words run together ("firstname"). Under a role label
    /// ("customer", "contact") only a full name counts.
    struct NameCell {
        var span: Range<Int>
        var label: String
        var role = false
    }

    private(set) var tables: [Table] = []
    private(set) var nameCells: [NameCell] = []

    /// Longest label read, in bytes; the longest distance looked back from a value for its key.
    static let maxLabel = 48

    /// Reads the structure of `bytes`; collects the values under person-name labels when `names` is true.
    ///
    /// One pass over the lines: most lines of prose are dismissed by their first few bytes (a header's first cell
    /// is a short label; a key's value a capitalised name; an SQL statement starts its line with `INSERT INTO`).
    /// `plain` reads each line byte by byte, for the test that the sixteen-byte scans of ``lineFacts(_:from:plain:)``
    /// and ``nextKeyByte(_:from:to:plain:)`` read the same structure.
    init(_ bytes: UnsafeRawBufferPointer, names: Bool, plain: Bool = false) {
        let count = bytes.count
        var lineStart = 0
        var table: Table?
        var nameColumns: [Int: (label: String, role: Bool)] = [:]
        while lineStart < count {
            // A line's end, first separator and first key byte, found in one pass over it, sixteen bytes at a time:
            // most lines of prose have no separator near their start (all ``header(_:_:precheck:)`` reads) and no
            // key's byte (all ``keyedNames(_:_:first:plain:)`` reads).
            let lineEnd: Int
            var separatorInHead = true
            var keyByte = true
            var facts: LineFacts?
            if table == nil {
                let found = Self.lineFacts(bytes, from: lineStart, plain: plain)
                lineEnd = found.end
                separatorInHead = found.separatorInHead
                keyByte = found.key < lineEnd
                facts = found
            } else {
                lineEnd = Self.lineEnd(bytes, from: lineStart)
            }
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = lineStart..<contentEnd
            if var current = table {
                // A row with one cell has no separator: the table goes on if the next line has one.
                if Self.contains(bytes, line, current.delimiter)
                    || (!line.isEmpty && Self.nextLineContains(bytes, after: lineEnd, current.delimiter))
                {
                    current.end = contentEnd
                    table = current
                    if names && !nameColumns.isEmpty {
                        for (column, cell) in Self.cells(bytes, line, current.delimiter, current.quote).enumerated() {
                            if let name = nameColumns[column] {
                                nameCells.append(NameCell(span: cell, label: name.label, role: name.role))
                            }
                        }
                    }
                    lineStart = lineEnd + 1
                    continue
                }
                tables.append(current)
                table = nil
            }
            // `INSERT INTO t (a, b) VALUES (…), (…)`: its rows are its own table, not lines.
            if let statementEnd = sqlInsert(bytes, line: line, names: names) {
                lineStart = statementEnd + 1
                continue
            }
            if separatorInHead, let (delimiter, headers) = Self.header(bytes, line, headChecked: facts != nil) {
                // The first row may have one cell (no separator): then the row after it must have one.
                let next = lineEnd < count ? Self.lineEnd(bytes, from: lineEnd + 1) : count
                if Self.nextLineContains(bytes, after: lineEnd, delimiter)
                    || (next > lineEnd + 1 && Self.nextLineContains(bytes, after: next, delimiter))
                {
                    table = Table(
                        start: lineEnd + 1, end: lineEnd + 1, delimiter: delimiter, quote: 0x22, headers: headers)
                    nameColumns = names ? Self.nameColumns(bytes, headers) : [:]
                    lineStart = lineEnd + 1
                    continue
                }
            }
            if names && keyByte {
                // The line's first key byte: it has no other before it.
                keyedNames(
                    bytes, line, first: facts.map { min($0.key, line.upperBound) }, plain: plain)
            }
            lineStart = lineEnd + 1
        }
        if let table { tables.append(table) }
        if tables.count > 1 { tables.sort { $0.start < $1.start } }
        nameCells.sort { $0.span.lowerBound < $1.span.lowerBound }
    }

    /// The columns whose headers name a person's name.
    private static func nameColumns(
        _ bytes: UnsafeRawBufferPointer, _ headers: [Range<Int>]
    ) -> [Int: (label: String, role: Bool)] {
        var columns: [Int: (label: String, role: Bool)] = [:]
        for (column, header) in headers.enumerated() {
            if let name = HeaderLabel.personNameLabel(bytes, header) { columns[column] = name }
        }
        return columns
    }

    /// Where the line starting at `start` ends: its line break, or the end of the text.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, 0x0A, bytes.count - start)
        else { return bytes.count }
        return base.distance(to: UnsafeRawPointer(found))
    }

    // MARK: - Looking a value up

    /// The label of the value at `start..<end`: its column's header, or the key or label just before it.
    func place(of start: Int, _ end: Int, in bytes: UnsafeRawBufferPointer) -> Place? {
        if let table = table(containing: start) {
            let rowStart: Int
            let rowEnd: Int
            if table.rowStarts.isEmpty {
                var i = start
                while i > table.start && bytes[i - 1] != 0x0A { i -= 1 }
                var j = end
                while j < table.end && bytes[j] != 0x0A { j += 1 }
                (rowStart, rowEnd) = (i, j)
            } else {
                var low = 0
                var high = table.rowStarts.count
                while low < high {
                    let mid = (low + high) / 2
                    if table.rowStarts[mid] <= start { low = mid + 1 } else { high = mid }
                }
                guard low > 0 else { return nil }
                rowStart = table.rowStarts[low - 1]
                rowEnd = low < table.rowStarts.count ? table.rowStarts[low] : table.end
            }
            let column = Self.column(bytes, from: rowStart, to: start, table.delimiter, table.quote)
            guard column < table.headers.count else { return Place(label: start..<start, row: rowStart..<rowEnd) }
            return Place(label: table.headers[column], row: rowStart..<rowEnd)
        }
        return Self.key(before: start, in: bytes).map { Place(label: $0, row: nil) }
    }

    /// The table whose rows hold `offset`, by binary search over the tables' starts.
    private func table(containing offset: Int) -> Table? {
        var low = 0
        var high = tables.count
        while low < high {
            let mid = (low + high) / 2
            if tables[mid].start <= offset { low = mid + 1 } else { high = mid }
        }
        guard low > 0, offset < tables[low - 1].end else { return nil }
        return tables[low - 1]
    }

    /// The key or label written just before `start` on its line: `key: `, `key=`, `"key": "`, `<key>`. Nil when
    /// the value does not follow one directly.
    static func key(before start: Int, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let floor = max(0, start - 4 * maxLabel)
        var i = start - 1
        while i >= floor
            && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x22 || bytes[i] == 0x27 || bytes[i] == 0x5B)
        {
            i -= 1
        }
        guard i >= floor else { return nil }
        if bytes[i] == 0x3E {  // `<tag>value`
            let end = i
            i -= 1
            while i >= floor && bytes[i] != 0x3C && bytes[i] != 0x0A && end - i <= maxLabel { i -= 1 }
            guard i >= floor, bytes[i] == 0x3C else { return nil }
            var nameEnd = i + 1
            while nameEnd < end && bytes[nameEnd] != 0x20 && bytes[nameEnd] != 0x2F { nameEnd += 1 }
            return i + 1 < nameEnd && isLetter(bytes[i + 1]) ? (i + 1)..<nameEnd : nil
        }
        // `key: value`, `key=value`, and a form's `key - value` (a dash between spaces).
        let dash = bytes[i] == 0x2D && i > floor && bytes[i - 1] == 0x20 && start > i + 1 && bytes[i + 1] == 0x20
        guard bytes[i] == 0x3A || bytes[i] == 0x3D || dash else { return nil }
        // `key=value` in a log line: the key is the one token before `=` (`2026 lookup nhs_no=…` is keyed
        // `nhs_no`); a form's label before `:` or ` - ` may be several words ("Date of birth:").
        let oneToken = bytes[i] == 0x3D
        i -= 1
        while i >= floor && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x22 || bytes[i] == 0x27) { i -= 1 }
        let end = i + 1
        var words = 0
        while i >= floor && end - i <= maxLabel && isLabelByte(bytes[i]) && !(oneToken && bytes[i] == 0x20) {
            // `User(first_name=…`: a bracket glued to a word opens a call's arguments, not part of the key.
            if bytes[i] == 0x28 && i > 0 && isLetter(bytes[i - 1]) { break }
            if bytes[i] == 0x20 && i + 1 < end && bytes[i + 1] != 0x20 {
                words += 1
                if words == 4 { break }
            }
            i -= 1
        }
        var begin = i + 1
        // A YAML list item or a bullet: `- name: …`, `* DOB: …`; words before the label that do not start with a
        // letter (a time stamp, a line number) are not part of it.
        while begin < end && !isLetter(bytes[begin]) {
            if bytes[begin] == 0x20 || bytes[begin] == 0x2D || bytes[begin] == 0x2A {
                begin += 1
            } else {
                while begin < end && bytes[begin] != 0x20 { begin += 1 }
            }
        }
        return begin < end ? begin..<end : nil
    }

    // MARK: - The pass

    /// The line's separator and header cells, when it reads as a header: two or more cells, each a label (a letter
    /// first; letters, digits, spaces, `_ - . # / ( )`; at most four words and ``maxLabel`` bytes).
    /// `precheck` false skips ``mayBeHeader(_:_:)``, for the test that it never refuses a header; `headChecked`
    /// says the caller knows a separator stands within the first label's length.
    static func header(
        _ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, precheck: Bool = true, headChecked: Bool = false
    ) -> (UInt8, [Range<Int>])? {
        guard line.count >= 3 else { return nil }
        // A separator within the first label's length, found with memchr: most lines of prose have none.
        let head = line.lowerBound..<min(line.upperBound, line.lowerBound + maxLabel + 4)
        guard
            headChecked || contains(bytes, head, 0x2C) || contains(bytes, head, 0x09) || contains(bytes, head, 0x7C)
                || contains(bytes, head, 0x3B)
        else { return nil }
        // The first cell first: a sentence is dismissed by its first words.
        var i = line.lowerBound
        while i < line.upperBound && (bytes[i] == 0x20 || bytes[i] == 0x7C || bytes[i] == 0x22) { i += 1 }
        guard i < line.upperBound, isLetter(bytes[i]) else { return nil }
        let first = i
        var spaces = 0
        while i < line.upperBound {
            let b = bytes[i]
            // Label bytes first (most bytes of a first cell); the bytes that end the cell are none of them.
            guard isLabelByte(b) else {
                if b == 0x2C || b == 0x09 || b == 0x7C || b == 0x3B || b == 0x22 { break }
                return nil
            }
            guard i - first <= maxLabel else { return nil }
            if b == 0x20 {
                spaces += 1
                guard spaces < 5 else { return nil }
            }
            i += 1
        }
        guard i < line.upperBound, !precheck || Self.mayBeHeader(bytes, line) else { return nil }
        var tabs = 0
        var pipes = 0
        var commas = 0
        var semicolons = 0
        var quoted = false
        for i in line {
            switch bytes[i] {
            case 0x22: quoted.toggle()
            case 0x09 where !quoted: tabs += 1
            case 0x7C where !quoted: pipes += 1
            case 0x2C where !quoted: commas += 1
            case 0x3B where !quoted: semicolons += 1
            default: break
            }
        }
        let delimiter: UInt8
        if tabs > 0 {
            delimiter = 0x09
        } else if pipes >= 2 || (pipes == 1 && bytes[line.lowerBound] == 0x7C) {
            delimiter = 0x7C
        } else if semicolons > 0 && semicolons >= commas {
            delimiter = 0x3B
        } else if commas > 0 {
            delimiter = 0x2C
        } else {
            return nil
        }
        // Every cell is checked before any is kept: most lines with a separator are sentences, and fail at their
        // second cell.
        var labels = 0
        var cellCount = 0
        let failed = forEachCell(bytes, line, delimiter, 0x22) { cell in
            cellCount += 1
            if cell.isEmpty { return true }
            labels += 1
            return isLabel(bytes, cell)
        }
        guard !failed, labels >= 2 else { return nil }
        var cells: [Range<Int>] = []
        cells.reserveCapacity(cellCount)
        _ = forEachCell(bytes, line, delimiter, 0x22) { cell in
            cells.append(cell)
            return true
        }
        return (delimiter, cells)
    }

    /// A test every header line passes, made in one pass that stops early: most lines with a separator near their
    /// start are sentences, and this rules them out before the separators are counted and the cells cut.
    ///
    /// Whichever separator the line's cells are cut at, each stretch between any two separators (`,` tab `|` `;`)
    /// lies inside one cell, and the bytes of a stretch that trimming does not remove are in that cell's label. So
    /// no header has, within a stretch: a byte that is neither a label byte nor one trimming removes; a quote,
    /// bracket or backtick between two such bytes; more than ``maxLabel`` bytes from the first such byte to the
    /// last; or four spaces between such bytes.
    static func mayBeHeader(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) -> Bool {
        var coreStart = -1
        var spaces = 0
        var pendingSpaces = 0
        var pendingEdge = false
        for k in line {
            // Spaces, label bytes, separators and the bytes trimming removes are four disjoint kinds: the common
            // ones are told first.
            let b = bytes[k]
            if b == 0x20 {
                if coreStart >= 0 { pendingSpaces += 1 }
                continue
            }
            guard isLabelByte(b) else {
                if b == 0x2C || b == 0x09 || b == 0x7C || b == 0x3B {
                    coreStart = -1
                    spaces = 0
                    pendingSpaces = 0
                    pendingEdge = false
                    continue
                }
                if b == 0x22 || b == 0x27 || b == 0x60 || b == 0x5B || b == 0x5D {
                    if coreStart >= 0 { pendingEdge = true }
                    continue
                }
                return false
            }
            guard !pendingEdge else { return false }
            if coreStart < 0 {
                coreStart = k
            } else {
                spaces += pendingSpaces
                guard k - coreStart < maxLabel, spaces < 4 else { return false }
            }
            pendingSpaces = 0
        }
        return true
    }

    /// Whether a cell reads as a column label: a letter first, label bytes only, at most three spaces, and at most
    /// four digits (`address2`, `sha256`, `2024 total`; a data row's `W59819768` or `AB123456C` is a value).
    private static func isLabel(_ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>) -> Bool {
        guard cell.count <= maxLabel, isLetter(bytes[cell.lowerBound]) else { return false }
        var spaces = 0
        var digits = 0
        for i in cell {
            let b = bytes[i]
            guard isLabelByte(b) else { return false }
            if b == 0x20 { spaces += 1 }
            if b >= 0x30 && b <= 0x39 { digits += 1 }
        }
        return spaces < 4 && digits <= 4
    }

    /// Whether the line after the line break at `lineEnd` holds `byte`.
    private static func nextLineContains(_ bytes: UnsafeRawBufferPointer, after lineEnd: Int, _ byte: UInt8) -> Bool {
        guard lineEnd < bytes.count else { return false }
        return contains(bytes, (lineEnd + 1)..<Self.lineEnd(bytes, from: lineEnd + 1), byte)
    }

    /// Whether `bytes[range]` holds `byte`.
    private static func contains(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ byte: UInt8) -> Bool {
        guard !range.isEmpty, let base = bytes.baseAddress else { return false }
        return memchr(base + range.lowerBound, Int32(byte), range.count) != nil
    }

    /// The cells of a row, each without the spaces and quotes around it. Separators inside quotes do not count;
    /// a doubled quote inside a quoted cell is one quote. Empty cells are dropped unless `keepEmpty` (a header's
    /// columns must keep their positions; a row's are counted by ``column(_:from:to:_:_:)``).
    static func cells(
        _ bytes: UnsafeRawBufferPointer, _ row: Range<Int>, _ delimiter: UInt8, _ quote: UInt8,
        keepEmpty: Bool = true
    ) -> [Range<Int>] {
        var cells: [Range<Int>] = []
        _ = forEachCell(bytes, row, delimiter, quote) { cell in
            if keepEmpty || !cell.isEmpty { cells.append(cell) }
            return true
        }
        return cells
    }

    /// Calls `body` with each cell of a row as ``cells(_:_:_:_:keepEmpty:)`` cuts them (empty ones included) until
    /// it returns false; returns whether it did.
    @inline(__always)
    private static func forEachCell(
        _ bytes: UnsafeRawBufferPointer, _ row: Range<Int>, _ delimiter: UInt8, _ quote: UInt8,
        _ body: (Range<Int>) -> Bool
    ) -> Bool {
        var cellStart = row.lowerBound
        var quoted = false
        var i = row.lowerBound
        while i <= row.upperBound {
            if i < row.upperBound && bytes[i] == quote {
                quoted.toggle()
            } else if i == row.upperBound || (!quoted && bytes[i] == delimiter) {
                guard body(trimmed(bytes, cellStart..<i, quote)) else { return true }
                cellStart = i + 1
            }
            i += 1
        }
        return false
    }

    /// The column `offset` is in: the separators outside quotes between the row's start and it.
    static func column(
        _ bytes: UnsafeRawBufferPointer, from rowStart: Int, to offset: Int, _ delimiter: UInt8, _ quote: UInt8
    ) -> Int {
        var column = 0
        var quoted = false
        for i in rowStart..<offset {
            if bytes[i] == quote {
                quoted.toggle()
            } else if !quoted && bytes[i] == delimiter {
                column += 1
            }
        }
        return column
    }

    /// `range` without spaces, tabs and quotes (and SQL's backticks and brackets) at either end.
    static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ quote: UInt8) -> Range<Int> {
        var (start, end) = (range.lowerBound, range.upperBound)
        func isEdge(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == quote || b == 0x22 || b == 0x27 || b == 0x60 || b == 0x5B || b == 0x5D
        }
        while start < end && isEdge(bytes[start]) { start += 1 }
        while end > start && isEdge(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    /// Values after person-name keys on one line: `Last name: Smith`, `"first_name": "Anna"`, `NAME=Anna Smith`.
    /// The value runs to the next quote, separator or end of line.
    /// `first`, when given, is where the line's first `:`, `=` or `-` is (its end for none).
    private mutating func keyedNames(
        _ bytes: UnsafeRawBufferPointer, _ line: Range<Int>, first: Int? = nil, plain: Bool
    ) {
        // Only the line's `:`, `=` and `-` are visited: the bytes between them are not read one by one.
        var i = line.lowerBound
        var next = first ?? Self.nextKeyByte(bytes, from: i, to: line.upperBound, plain: plain)
        while true {
            if next < i { next = Self.nextKeyByte(bytes, from: i, to: line.upperBound, plain: plain) }
            i = next
            guard i < line.upperBound else { return }
            let b = bytes[i]
            i += 1
            let spacedDash = b == 0x2D && i >= 2 && bytes[i - 2] == 0x20 && i < line.upperBound && bytes[i] == 0x20
            guard b == 0x3A || b == 0x3D || spacedDash else { continue }
            var valueStart = i
            while valueStart < line.upperBound && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) {
                valueStart += 1
            }
            var quote: UInt8 = 0
            if valueStart < line.upperBound && (bytes[valueStart] == 0x22 || bytes[valueStart] == 0x27) {
                quote = bytes[valueStart]
                valueStart += 1
            }
            // A name starts with a capital (or a particle: "van Dijk"); most keys' values do not.
            guard valueStart < line.upperBound, Self.isLetter(bytes[valueStart]),
                bytes[valueStart] < 0x61 || Self.startsParticle(bytes, valueStart, line.upperBound),
                let key = Self.key(before: valueStart, in: bytes),
                let name = HeaderLabel.personNameLabel(bytes, key)
            else { continue }
            var valueEnd = valueStart
            while valueEnd < line.upperBound {
                let c = bytes[valueEnd]
                if quote != 0
                    ? c == quote : (c == 0x2C || c == 0x3B || c == 0x7C || c == 0x09 || c == 0x7D || c == 0x3C)
                {
                    break
                }
                valueEnd += 1
            }
            let value = Self.trimmed(bytes, valueStart..<valueEnd, quote == 0 ? 0x22 : quote)
            if !value.isEmpty { nameCells.append(NameCell(span: value, label: name.label, role: name.role)) }
            i = valueEnd
        }
    }

    /// SQL `INSERT INTO t (a, b) VALUES (…), (…)` starting `line`: the column list is the header, each
    /// parenthesised group a row. Returns where the statement's last row ends, or nil when the line starts no such
    /// statement.
    private mutating func sqlInsert(_ bytes: UnsafeRawBufferPointer, line: Range<Int>, names: Bool) -> Int? {
        let count = bytes.count
        var i = line.lowerBound
        while i < line.upperBound && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        guard i < line.upperBound, bytes[i] | 0x20 == 0x69, Self.matches(bytes, at: i, Array("insert into".utf8))
        else { return nil }
        i += 11
        // The table's name, then the column list.
        while i < count && bytes[i] != 0x28 && bytes[i] != 0x3B && bytes[i] != 0x0A { i += 1 }
        guard i < count, bytes[i] == 0x28 else { return nil }
        let listStart = i + 1
        while i < count && bytes[i] != 0x29 { i += 1 }
        guard i < count else { return nil }
        let headers = Self.cells(bytes, listStart..<i, 0x2C, 0x22)
        i += 1
        while i < count && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09) { i += 1 }
        guard Self.matches(bytes, at: i, Array("values".utf8)) else { return nil }
        i += 6
        var table = Table(start: i, end: i, delimiter: 0x2C, quote: 0x27, headers: headers)
        let nameColumns = names ? Self.nameColumns(bytes, headers) : [:]
        // Rows: `(`, cells separated by commas outside single quotes, `)`; between rows only commas and space.
        rows: while i < count {
            while i < count
                && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 || bytes[i] == 0x2C)
            {
                i += 1
            }
            guard i < count, bytes[i] == 0x28 else { break rows }
            let rowStart = i + 1
            var quoted = false
            var depth = 0
            i += 1
            while i < count {
                let b = bytes[i]
                if b == 0x27 {
                    quoted.toggle()
                } else if !quoted && b == 0x28 {
                    depth += 1
                } else if !quoted && b == 0x29 {
                    if depth == 0 { break }
                    depth -= 1
                }
                i += 1
            }
            table.rowStarts.append(rowStart)
            if !nameColumns.isEmpty {
                for (column, cell) in Self.cells(bytes, rowStart..<i, 0x2C, 0x27).enumerated() {
                    if let name = nameColumns[column] {
                        nameCells.append(NameCell(span: cell, label: name.label, role: name.role))
                    }
                }
            }
            table.end = i
            i += 1
        }
        guard !table.rowStarts.isEmpty else { return nil }
        tables.append(table)
        return table.end
    }

    /// Where a line ends, whether a cell separator stands near its start, and where its first key byte is.
    struct LineFacts: Equatable {
        /// The line break that ends the line, or the text's end.
        var end: Int
        /// Whether a `,` tab `|` or `;` stands within the line's first ``maxLabel`` + 4 bytes (all
        /// ``header(_:_:precheck:headChecked:)`` reads).
        var separatorInHead: Bool
        /// The line's first `:`, `=` or `-`; `end` when it has none.
        var key: Int
    }

    /// The facts of the line starting at `start`, read sixteen bytes at a time (byte by byte when `plain`, for the
    /// test that both read the same).
    static func lineFacts(_ bytes: UnsafeRawBufferPointer, from start: Int, plain: Bool = false) -> LineFacts {
        let count = bytes.count
        let headEnd = start + maxLabel + 4
        var separatorInHead = false
        // Only the first separator counts, and only until the head's end.
        var lookForSeparator = true
        var key = count
        var i = start
        if !plain, let base = bytes.baseAddress {
            while i + 16 <= count {
                let chunk = ByteMask.load(base + i)
                let end = i + ByteMask.first(ByteMask.lineBreaks(chunk))
                if lookForSeparator {
                    let separator = i + ByteMask.first(ByteMask.separators(chunk))
                    if separator < i + 16 {
                        lookForSeparator = false
                        separatorInHead = separator < min(end, headEnd)
                    } else if i + 16 >= headEnd {
                        lookForSeparator = false
                    }
                }
                if key == count {
                    let found = i + ByteMask.first(ByteMask.keyBytes(chunk))
                    if found < i + 16 { key = found }
                }
                if end < i + 16 { return LineFacts(end: end, separatorInHead: separatorInHead, key: min(key, end)) }
                i += 16
            }
        }
        while i < count {
            switch bytes[i] {
            case 0x0A: return LineFacts(end: i, separatorInHead: separatorInHead, key: min(key, i))
            case 0x2C, 0x09, 0x7C, 0x3B:
                if lookForSeparator {
                    lookForSeparator = false
                    separatorInHead = i < headEnd
                }
            case 0x3A, 0x3D, 0x2D: key = min(key, i)
            default: break
            }
            i += 1
        }
        return LineFacts(end: count, separatorInHead: separatorInHead, key: key)
    }

    /// Where the next `:`, `=` or `-` is in `bytes[from..<to]`, or `to`; sixteen bytes at a time unless `plain`.
    static func nextKeyByte(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, plain: Bool = false) -> Int {
        var i = from
        if !plain, let base = bytes.baseAddress {
            // Whole chunks may read past `to` (not past the text): a byte found there is not taken.
            while i < to && i + 16 <= bytes.count {
                let found = ByteMask.first(ByteMask.keyBytes(ByteMask.load(base + i)))
                if found < 16 { return min(i + found, to) }
                i += 16
            }
        }
        while i < to {
            let b = bytes[i]
            if b == 0x3A || b == 0x3D || b == 0x2D { return i }
            i += 1
        }
        return to
    }

    /// Whether a lower-case particle that starts names ("van", "de", "von") starts at `offset`, followed by a space.
    private static func startsParticle(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ end: Int) -> Bool {
        var i = offset
        while i < end && bytes[i] >= 0x61 && bytes[i] <= 0x7A && i - offset < 4 { i += 1 }
        guard i < end, bytes[i] == 0x20, i > offset else { return false }
        return PersonNameRecognizer.particleSet.contains(bytes, offset..<i)
    }

    /// Whether `bytes` at `offset` spell `word` (ASCII letters in any case).
    private static func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ word: [UInt8]) -> Bool {
        guard offset + word.count <= bytes.count else { return false }
        for k in word.indices where bytes[offset + k] | (word[k] == 0x20 ? 0 : 0x20) != word[k] { return false }
        return true
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80
    }

    /// Letters, digits and the punctuation labels use: space, `_ - . # / ( )`. Read from a bit per byte value
    /// below 0x80 (a test compares it with the comparisons it stands for).
    @inline(__always) static func isLabelByte(_ b: UInt8) -> Bool {
        b >= 0x80 || ((b < 0x40 ? 0x03FF_E309_0000_0000 : 0x07FF_FFFE_87FF_FFFE) as UInt64) &>> UInt64(b) & 1 != 0
    }
}
