/// Texts that travel together (the parts of one message, consecutive messages, every string of a request body),
/// screened in two passes instead of one scan each.
extension Screener {
    /// A finding in one of several texts, with its byte offsets in that text. A value that runs across texts
    /// (`212-56-` in one part, `7890` in the next) is one finding in pieces, one per text it touches: every piece
    /// carries the whole value, and `piece` counts them from 0.
    public struct PartFinding: Sendable {
        public var part: Int
        public var finding: Finding
        public var piece: Int
    }

    /// Screens `parts` together: once joined by line breaks (every finding inside a part, and one that a
    /// pattern carries across a line break), and once with the `joinable` parts end to end, keeping only the
    /// findings that run from one part into the next, so a value split over parts is found and each piece of it
    /// can be replaced. Two scans, however many parts.
    public func scan(parts: [String], joinable: [Bool]) throws(ScanFailure) -> [PartFinding] {
        let found = try Self.pieces(of: scan(joined(parts.indices, parts, separator: "\n")), parts.indices, parts, 1)
            .flatMap { $0 }
        let glued = parts.indices.filter { joinable[$0] && !parts[$0].isEmpty }
        guard glued.count > 1 else { return found }
        let across = try Self.pieces(of: scan(joined(glued, parts, separator: "")), glued, parts, 0)
            .filter { $0.count > 1 }.flatMap { $0 }
        guard !across.isEmpty else { return found }
        // The first pass's findings do not overlap (the scan resolved them); where a split value's piece lands in a
        // part, the part's findings are resolved again, the longest winning as in one text.
        let touched = Set(across.map(\.part))
        var result = found.filter { !touched.contains($0.part) }
        for part in touched.sorted() {
            let pieces = (found + across).filter { $0.part == part }
            var byFinding: [Finding: PartFinding] = [:]
            for piece in pieces { byFinding[piece.finding] = byFinding[piece.finding] ?? piece }
            result += Self.resolveOverlaps(pieces.map(\.finding)).compactMap { byFinding[$0] }
        }
        return result.sorted { $0.part != $1.part ? $0.part < $1.part : $0.finding.start < $1.finding.start }
    }

    private func joined(_ indices: some Collection<Int>, _ parts: [String], separator: String) -> String {
        indices.map { parts[$0] }.joined(separator: separator)
    }

    /// Each finding of a joined text cut into the pieces it has in the parts it touches (offsets made relative to
    /// each part), one list per finding.
    private static func pieces(
        of findings: [Finding], _ indices: some Collection<Int>, _ parts: [String], _ separatorBytes: Int
    ) -> [[PartFinding]] {
        var starts: [(part: Int, start: Int, end: Int)] = []
        var offset = 0
        for index in indices {
            let length = parts[index].utf8.count
            starts.append((index, offset, offset + length))
            offset += length + separatorBytes
        }
        var all: [[PartFinding]] = []
        for finding in findings {
            var pieces: [PartFinding] = []
            var piece = 0
            // The first part that ends after the finding starts (parts are in order): a binary search, so many
            // parts and many findings stay cheap.
            var low = 0
            var high = starts.count
            while low < high {
                let mid = (low + high) / 2
                if starts[mid].end <= finding.start { low = mid + 1 } else { high = mid }
            }
            for range in starts[low...] {
                guard range.start < finding.end else { break }
                guard finding.start < range.end else { continue }
                var cut = finding
                cut.start = max(finding.start, range.start) - range.start
                cut.end = min(finding.end, range.end) - range.start
                guard cut.start < cut.end else { continue }
                pieces.append(PartFinding(part: range.part, finding: cut, piece: piece))
                piece += 1
            }
            all.append(pieces)
        }
        return all
    }
}
