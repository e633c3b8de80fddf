import Foundation

/// A fixed set of words looked up by their bytes, for the hot paths of the name recogniser and the structure pass:
/// no string is made and nothing is hashed with the seeded hasher, so a look-up is a few dozen cycles.
///
/// A look-up answers as `Set<String>.contains` would for an ASCII key: strings compare by canonical equivalence,
/// so an entry that is not ASCII still matches an ASCII key when its composed form (NFC) is ASCII (the Kelvin sign
/// matches `K`), and is kept in that form; other non-ASCII entries can match no ASCII key and are left out. Keys
/// with bytes ≥ 0x80 must take the string path.
struct WordSet: Sendable {
    /// For each slot, the entry's index plus one (0 for an empty slot); the slot count is a power of two.
    private let slots: [Int32]
    /// The entries' bytes, one after the other, and each entry's start and end in them.
    private let bytes: [UInt8]
    private let bounds: [Int32]
    private let mask: Int
    /// The longest entry's length in bytes.
    let longest: Int

    init(_ words: some Sequence<String>) {
        var entries: [[UInt8]] = []
        var seen: Set<[UInt8]> = []
        for word in words {
            var utf8 = Array(word.utf8)
            if utf8.contains(where: { $0 >= 0x80 }) {
                utf8 = Array(word.precomposedStringWithCanonicalMapping.utf8)
                guard !utf8.contains(where: { $0 >= 0x80 }) else { continue }
            }
            if seen.insert(utf8).inserted { entries.append(utf8) }
        }
        var size = 8
        while size < 2 * entries.count { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        var bytes: [UInt8] = []
        var bounds: [Int32] = []
        for (index, entry) in entries.enumerated() {
            bounds.append(Int32(bytes.count))
            bytes += entry
            bounds.append(Int32(bytes.count))
            var slot = entry.withUnsafeBytes { Self.hash($0) } & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(index + 1)
        }
        self.slots = slots
        self.bytes = bytes
        self.bounds = bounds
        mask = size - 1
        longest = entries.map(\.count).max() ?? 0
    }

    /// Whether the set holds the ASCII word `key`.
    func contains(_ key: UnsafeRawBufferPointer) -> Bool {
        guard key.count <= longest else { return false }
        var slot = Self.hash(key) & mask
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBytes { stored in
                bounds.withUnsafeBufferPointer { bounds in
                    while true {
                        let entry = Int(slots[slot])
                        guard entry != 0 else { return false }
                        let start = Int(bounds[2 * entry - 2])
                        let end = Int(bounds[2 * entry - 1])
                        if end - start == key.count
                            && (key.isEmpty || memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0)
                        {
                            return true
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Whether the set holds the ASCII word `bytes[range]`.
    func contains(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        contains(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// FNV-1a over the bytes, its high bits folded into the low ones.
    @inline(__always)
    private static func hash(_ key: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}

/// A set of 64-bit hashes, probed at their high bits: a look-up is a load or two, with no hashing of its own (the
/// values are hashes already).
struct HashSet64: Sendable {
    private let slots: [UInt64]
    private let mask: Int
    /// Zero marks an empty slot, so whether the set holds zero is kept apart.
    private let holdsZero: Bool

    init(_ values: some Sequence<UInt64>) {
        let distinct = Set(values)
        var size = 16
        while size < 4 * distinct.count { size *= 2 }
        var slots = [UInt64](repeating: 0, count: size)
        for value in distinct where value != 0 {
            var slot = Self.slot(value, size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = value
        }
        self.slots = slots
        mask = size - 1
        holdsZero = distinct.contains(0)
    }

    @inline(__always)
    private static func slot(_ value: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: value >> 37) & mask }

    /// Whether the set holds `value`.
    @inline(__always)
    func contains(_ value: UInt64) -> Bool {
        guard value != 0 else { return holdsZero }
        return slots.withUnsafeBufferPointer { slots in
            var slot = Self.slot(value, mask)
            while true {
                let stored = slots[slot]
                if stored == value { return true }
                if stored == 0 { return false }
                slot = (slot + 1) & mask
            }
        }
    }
}
