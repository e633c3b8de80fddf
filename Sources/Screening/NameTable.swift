import Foundation

/// A list of folded names held in one static text and searched where it lies, so using it builds nothing: no line
/// is looked for, no entry hashed, nothing allocated. The built-in given-name and surname lists take this form
/// (`EmbeddedNameTables`, written by `scripts/embed-guidelines.py`), so no command indexes them at start.
///
/// The entries (folded: upper case, accents dropped, as ``Gazetteers`` compares them) are grouped by their length
/// in bytes, shortest first, and each group is sorted by bytes and written one entry a line. An entry of length `n`
/// is then `n` bytes and a line break, and entry `i` of that group starts at `starts[n] + i * (n + 1)`: a search
/// halves its group with no index.
struct NameTable: Sendable {
    /// Where each length's group starts in `text`: the group of length `n` is `starts[n]..<starts[n + 1]`.
    private let starts: [Int]
    /// For ``NameTriggers``: a bit per low 18 bits of each entry's ``NameTriggers/hash(_:_:_:)``, set by the
    /// script, so the triggers test a word against the table only when its bit is set. Nil when not written.
    let hashBits: [UInt64]?
    private let text: StaticString

    /// A table over `text` (entries of each length one a line, sorted) with its groups' starts. The form is
    /// checked: a text that does not match its starts makes an empty table.
    init(starts: [Int], hashBits: [UInt64]? = nil, text: StaticString) {
        let valid =
            text.hasPointerRepresentation && starts.first == 0 && starts.last == text.utf8CodeUnitCount
            && starts.indices.dropFirst().allSatisfy { n in
                starts[n] >= starts[n - 1] && (starts[n] - starts[n - 1]) % n == 0
            }
        self.starts = valid ? starts : [0]
        self.hashBits = hashBits
        self.text = valid ? text : ""
    }

    /// The longest entry's length in bytes.
    var longest: Int { starts.count - 2 }

    /// How many entries the table holds.
    var count: Int {
        starts.indices.dropFirst().reduce(0) { $0 + (starts[$1] - starts[$1 - 1]) / $1 }
    }

    /// Whether the table holds `key`, folded bytes.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        let length = key.count
        guard length > 0, length <= longest, let keyBase = key.baseAddress else { return false }
        let base = UnsafeRawPointer(text.utf8Start)
        let stride = length + 1
        let groupStart = starts[length]
        var low = 0
        var high = (starts[length + 1] - groupStart) / stride
        while low < high {
            let middle = (low + high) / 2
            let order = memcmp(base + groupStart + middle * stride, keyBase, length)
            if order == 0 { return true }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return false
    }

    /// Calls `body` with each entry's bytes, shortest first.
    func forEachEntry(_ body: (UnsafeRawBufferPointer) -> Void) {
        let base = UnsafeRawPointer(text.utf8Start)
        for length in 0..<max(0, starts.count - 1) {
            var offset = starts[length]
            while offset < starts[length + 1] {
                body(UnsafeRawBufferPointer(start: base + offset, count: length))
                offset += length + 1
            }
        }
    }
}
