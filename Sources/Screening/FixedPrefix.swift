/// The part of a fixed-width pattern its prefilter form leaves out, when that part is word boundaries and classes
/// repeated a fixed number of times (`\b[A-Z]{2}` before `\d{7}\b`): checked byte by byte before a reported end,
/// it confirms a match exactly, without a start-tracking scan of a window.
///
/// A match of `A·B` spanning `s..<e` is a match of `A` at `s..<s+|A|` followed by a match of `B` ending at `e`, with
/// every assertion read in the whole text, so when the prefilter reports that `B` ends at `e` and the pattern's
/// width is fixed, the pattern matches at `e − width` exactly when `A` does.
struct FixedPrefix {
    enum Step {
        /// `\b`: the bytes either side differ in being word bytes (outside the text counts as not).
        case wordBoundary
        /// `count` bytes, each in `set`.
        case bytes(ByteSet, count: Int)
    }

    var steps: [Step]

    /// The prefix of `syntax` before `form`, when `form` is the pattern's tail after such a prefix; nil otherwise
    /// (inline flags, groups, optional or variable repeats in the prefix, or a form that is not a plain tail).
    init?(_ syntax: PatternSyntax, form: String) {
        guard syntax.leadingFlags.isEmpty, syntax.top.alternatives.count == 1 else { return nil }
        let atoms = syntax.top.alternatives[0]
        let formBytes = Array(form.utf8)
        guard let cut = atoms.indices.first(where: { atoms[$0...].flatMap(\.text) == formBytes }), cut > 0 else {
            return nil
        }
        var steps: [Step] = []
        for atom in atoms[..<cut] {
            switch atom.kind {
            case .assertion where atom.text == Array(#"\b"#.utf8):
                steps.append(.wordBoundary)
            case .bytes(let set, _):
                guard let quantifier = atom.quantifier else {
                    steps.append(.bytes(set, count: 1))
                    continue
                }
                guard quantifier.max == quantifier.min, quantifier.suffix.isEmpty else { return nil }
                if quantifier.min > 0 { steps.append(.bytes(set, count: quantifier.min)) }
            default:
                return nil
            }
        }
        self.steps = steps
    }

    /// Whether the prefix matches at `start` in `bytes` (the whole text).
    func matches(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Bool {
        var position = start
        for step in steps {
            switch step {
            case .wordBoundary:
                let before = position > 0 && ByteSet.word.contains(bytes[position - 1])
                let after = position < bytes.count && ByteSet.word.contains(bytes[position])
                guard before != after else { return false }
            case .bytes(let set, let count):
                guard position >= 0, position + count <= bytes.count else { return false }
                for offset in position..<(position + count) where !set.contains(bytes[offset]) { return false }
                position += count
            }
        }
        return true
    }
}
