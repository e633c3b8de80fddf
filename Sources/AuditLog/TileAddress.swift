/// Where one resource of a C2SP tlog-tiles tree lives (<https://c2sp.org/tlog-tiles>): a hash tile
/// `tile/<L>/<N>[.p/<W>]` or an entry bundle `tile/entries/<N>[.p/<W>]`.
///
/// `N` is written in 3-digit groups, all but the last prefixed with `x` (1234067 is `x001/x234/067`); `.p/<W>` marks a
/// partial tile of `W` (1…255) hashes or entries. Tiles have height 8: a full tile holds 256 hashes of 32 bytes.
public struct TileAddress: Sendable, Hashable, CustomStringConvertible {
    /// The tile level (0…63), or `nil` for an entry bundle.
    public var level: Int?
    /// The tile's index within its level.
    public var index: Int
    /// How many hashes (or entries) it holds: 256 for a full tile, 1…255 for a partial one.
    public var width: Int

    /// Hashes (or entries) in a full tile.
    public static let fullWidth = 256
    /// Bytes of one hash.
    public static let hashBytes = 32

    /// A hash tile at `level`, or an entry bundle when `level` is `nil`.
    public init(level: Int?, index: Int, width: Int = TileAddress.fullWidth) {
        self.level = level
        self.index = index
        self.width = width
    }

    /// Whether the tile holds all 256 hashes (or entries): then it never changes.
    public var isFull: Bool { width == Self.fullWidth }

    /// Whether this is an entry bundle rather than a hash tile.
    public var isEntryBundle: Bool { level == nil }

    /// The path relative to the log's prefix, e.g. `tile/0/x001/234.p/7`.
    public var path: String {
        var n = index
        var text = Self.threeDigits(n % 1000)
        while n >= 1000 {
            n /= 1000
            text = "x" + Self.threeDigits(n % 1000) + "/" + text
        }
        let levelText = level.map(String.init) ?? "entries"
        return "tile/\(levelText)/\(text)" + (isFull ? "" : ".p/\(width)")
    }

    public var description: String { path }

    /// Parses a path in its one canonical form (as ``path`` writes it), or returns nil: no `..`, no leading zeros in
    /// the level or width, no empty or extra elements, nothing else on disk.
    public init?(path: String) {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "tile" else { return nil }
        let level: Int?
        if parts[1] == "entries" {
            level = nil
        } else {
            guard let parsed = Self.decimal(parts[1]), parsed <= 63 else { return nil }
            level = parsed
        }
        var width = Self.fullWidth
        if parts.count >= 4, parts[parts.count - 2].hasSuffix(".p") {
            // `…/NNN.p/W`: the last index group carries the ".p" suffix.
            guard let parsed = Self.decimal(parts[parts.count - 1]), (1..<Self.fullWidth).contains(parsed) else {
                return nil
            }
            width = parsed
            parts.removeLast()
            parts[parts.count - 1].removeLast(2)
        }
        let groups = parts.dropFirst(2)
        guard !groups.isEmpty, groups.count <= 6 else { return nil }  // below 10^18: no overflow
        var index = 0
        for (position, group) in groups.enumerated() {
            let digits = position == groups.count - 1 ? Substring(group) : group.dropFirst()
            if position < groups.count - 1 {
                guard group.first == "x" else { return nil }
            }
            guard digits.count == 3, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            index = index * 1000 + Int(digits)!
        }
        self.init(level: level, index: index, width: width)
        guard self.path == path else { return nil }  // the canonical form only (no x000/ padding)
    }

    private static func threeDigits(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: 3 - text.count) + text
    }

    /// A decimal number without sign or leading zeros.
    private static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 3, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            !(text.count > 1 && text.first == "0")
        else { return nil }
        return Int(text)
    }

    /// The first leaf index past what the tile spans (`Int.max` if that does not fit in an `Int`).
    public var leafEnd: Int {
        let shift = 8 * (level ?? 0)
        let (start, overflow1) = index.multipliedReportingOverflow(by: Self.fullWidth)
        let (hashes, overflow2) = start.addingReportingOverflow(width)
        guard !overflow1, !overflow2, shift < 63, hashes <= Int.max >> shift else { return Int.max }
        return hashes << shift
    }

    /// Whether a tree of `size` leaves contains everything this tile holds: then its bytes are fixed forever.
    public func isWithin(treeSize size: Int) -> Bool { leafEnd <= size }

    /// The tiles a tree of `size` leaves is published as: per level, its full tiles and the partial right edge,
    /// levels from 0 up (hash tiles only; ``entryBundles(treeSize:)`` gives the bundles).
    public static func hashTiles(treeSize size: Int) -> [TileAddress] {
        var tiles: [TileAddress] = []
        var level = 0
        while level <= 63, size >> (8 * level) > 0 {
            tiles += row(level: level, count: size >> (8 * level))
            level += 1
        }
        return tiles
    }

    /// The entry bundles of a tree of `size` leaves: full ones, then the partial one if `size` is not a multiple of
    /// 256.
    public static func entryBundles(treeSize size: Int) -> [TileAddress] { row(level: nil, count: size) }

    /// The tiles holding `count` consecutive hashes of one level, from its start.
    static func row(level: Int?, count: Int) -> [TileAddress] {
        var tiles = (0..<(count / fullWidth)).map { TileAddress(level: level, index: $0) }
        if count % fullWidth > 0 {
            tiles.append(TileAddress(level: level, index: count / fullWidth, width: count % fullWidth))
        }
        return tiles
    }
}
