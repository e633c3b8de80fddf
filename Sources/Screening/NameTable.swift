import Foundation

/// A list of folded names held in one static text and searched where it lies, so using it builds almost nothing: no
/// line is looked for and no entry hashed; only the first bytes of every 64th entry are copied into a small array
/// (about 2,500 numbers for the built-in lists) when the table is first used. The built-in given-name and surname
/// lists take this form (`EmbeddedNameTables`, written by `scripts/embed-guidelines.py`), so no command indexes
/// them at start.
///
/// The entries (folded: upper case, accents dropped, as ``Gazetteers`` compares them) are grouped by their length
/// in bytes, shortest first, and each group is sorted by bytes and written one entry a line. An entry of length `n`
/// is then `n` bytes and a line break, and entry `i` of that group starts at `starts[n] + i * (n + 1)`: a search
/// halves its group with no index.
struct NameTable: Sendable {
    /// Where each length's group starts in `text`: the group of length `n` is `starts[n]..<starts[n + 1]`.
    private let starts: [Int]
    /// A bit per value of the low bits of each entry's ``NameTriggers/hash(_:_:_:)`` (18 bits: 4,096 words), set
    /// by the script: ``contains(_:)`` searches only for a key whose bit is set, and the name triggers test a word
    /// against the given names only then. Nil when not written.
    let hashBits: [UInt64]?
    private let text: StaticString
    /// The first eight bytes (big-endian, zeros past a shorter entry's end) of every ``sampleStride``-th entry of
    /// each group, the samples of length `n` from `sampleStarts[n]`: a search first narrows its group to the
    /// entries between two samples in this small array (about 20 KB for the built-in lists, which stays in cache),
    /// so only its last few probes read the text, where each probe is apt to miss the cache.
    private let samples: [UInt64]
    private let sampleStarts: [Int]
    private static let sampleStride = 64

    /// FNV-1a, the hash whose low bits ``hashBits`` holds (as `scripts/embed-guidelines.py` computes it): its start
    /// value, then one step per folded byte.
    static let hashStart: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func hash(_ hash: UInt64, adding byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }

    /// A table over `text` (entries of each length one a line, sorted) with its groups' starts. The form is
    /// checked: a text that does not match its starts makes an empty table.
    init(starts: [Int], hashBits: [UInt64]? = nil, text: StaticString) {
        let valid =
            text.hasPointerRepresentation && starts.first == 0 && starts.last == text.utf8CodeUnitCount
            && starts.indices.dropFirst().allSatisfy { n in
                starts[n] >= starts[n - 1] && (starts[n] - starts[n - 1]) % n == 0
            }
        self.starts = valid ? starts : [0]
        // A bit per value of the hash's low bits: a power of two of words.
        self.hashBits = hashBits.flatMap { $0.count > 0 && $0.count & ($0.count - 1) == 0 ? $0 : nil }
        self.text = valid ? text : ""
        var samples: [UInt64] = []
        var sampleStarts = [0]
        if valid {
            let base = UnsafeRawPointer(text.utf8Start)
            for length in 0..<(starts.count - 1) {
                if length > 0 {
                    var offset = starts[length]
                    while offset < starts[length + 1] {
                        samples.append(Self.prefix(base + offset, length))
                        offset += Self.sampleStride * (length + 1)
                    }
                }
                sampleStarts.append(samples.count)
            }
        }
        self.samples = samples
        self.sampleStarts = sampleStarts
    }

    /// The first eight of the `length` bytes at `pointer`, big-endian, zeros past the end: entries of one length
    /// are in the order of these before any later byte is compared.
    @inline(__always)
    private static func prefix(_ pointer: UnsafeRawPointer, _ length: Int) -> UInt64 {
        var prefix: UInt64 = 0
        for k in 0..<8 {
            prefix = prefix << 8 | (k < length ? UInt64(pointer.load(fromByteOffset: k, as: UInt8.self)) : 0)
        }
        return prefix
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
        if let hashBits {
            // Most words looked up are in no list: a clear bit says no entry has the key's hash, before a search
            // whose probes each read another part of a half-megabyte text.
            let hash = key.reduce(Self.hashStart, Self.hash)
            let bit = Int(truncatingIfNeeded: hash) & (hashBits.count * 64 - 1)
            guard hashBits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        }
        let base = UnsafeRawPointer(text.utf8Start)
        let textEnd = text.utf8CodeUnitCount
        let stride = length + 1
        let groupStart = starts[length]
        // The key's first eight bytes (zeros after a shorter key's end), read big-endian: an entry whose first
        // eight bytes are readable is ordered by one comparison of those first, as memcmp would order them.
        let prefix = Self.prefix(keyBase, length)
        let mask: UInt64 = length >= 8 ? .max : ~(UInt64.max >> (8 * length))
        // The samples first: entries up to the last sample below the key's prefix are below the key, and entries
        // from the first sample above it are above.
        let (below, notAbove) = samples.withUnsafeBufferPointer { samples in
            var low = sampleStarts[length]
            var high = sampleStarts[length + 1]
            while low < high {
                let middle = (low + high) / 2
                if samples[middle] < prefix { low = middle + 1 } else { high = middle }
            }
            let below = low - sampleStarts[length]
            high = sampleStarts[length + 1]
            while low < high {
                let middle = (low + high) / 2
                if samples[middle] <= prefix { low = middle + 1 } else { high = middle }
            }
            return (below, low - sampleStarts[length])
        }
        var low = below > 0 ? (below - 1) * Self.sampleStride + 1 : 0
        var high = min(notAbove * Self.sampleStride, (starts[length + 1] - groupStart) / stride)
        while low < high {
            let middle = (low + high) / 2
            let offset = groupStart + middle * stride
            let less: Bool
            if offset + 8 <= textEnd {
                // Which half is kept is chosen without a branch: it is a coin toss for the processor to guess.
                let entry = UInt64(bigEndian: (base + offset).loadUnaligned(as: UInt64.self)) & mask
                if entry == prefix {
                    if length <= 8 { return true }
                    let order = memcmp(base + offset + 8, keyBase + 8, length - 8)
                    if order == 0 { return true }
                    less = order < 0
                } else {
                    less = entry < prefix
                }
            } else {
                let order = memcmp(base + offset, keyBase, length)
                if order == 0 { return true }
                less = order < 0
            }
            low = less ? middle + 1 : low
            high = less ? high : middle
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
