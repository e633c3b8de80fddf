import AuditLog
import PostgresNIO

/// The rows of `audit_entries` in `seq` order, as the verifier's lines (``LogLineSource``), page by page: each page is
/// copied into one buffer and handed over as a chunk, while the next page is already on its way. Line numbers are
/// positions (1-based), exactly as in the exported `audit.log`; for an intact log line N is the row of `seq` N − 1.
final class PostgresLineReader: LogLineSource {
    private let source: PostgresLogSource
    private(set) var lines = 0
    /// A row always holds a whole line: never a torn write.
    let noFinalNewline = false

    /// Rows per page: adjusted so one page stays near ``pageBytes`` whatever the entries' sizes.
    private var limit = 1024
    static let pageBytes = 8 << 20

    init(source: PostgresLogSource) { self.source = source }

    func forEachChunk(
        progress: ((Int) -> Void)?, _ body: ([UnsafeRawBufferPointer], Int) -> Void
    ) throws(AuditLogError) {
        var bytesRead = 0
        var storage: [UInt8] = []
        var ends: [Int] = []
        var pending = source.page(from: 0, limit: limit)
        while true {
            let rows = try source.reading { () throws -> [PostgresRow] in try pending.wait().rows }
            guard !rows.isEmpty else { return }
            storage.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            var last: Int64 = -1
            try source.reading { () throws in
                for row in rows {
                    let (seq, line) = try row.decode((Int64, ByteBuffer).self)
                    storage.append(contentsOf: line.readableBytesView)
                    ends.append(storage.count)
                    last = seq
                }
            }
            // Ask for the next page before checking this one: the database works while the verifier hashes.
            let full = rows.count == limit
            if storage.count > Self.pageBytes, limit > 16 {
                limit /= 2
            } else if storage.count < Self.pageBytes / 4, limit < 8192 {
                limit *= 2
            }
            if full { pending = source.page(from: last + 1, limit: limit) }
            storage.withUnsafeBytes { raw in
                var chunk: [UnsafeRawBufferPointer] = []
                chunk.reserveCapacity(ends.count)
                var start = 0
                for end in ends {
                    chunk.append(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    start = end
                }
                body(chunk, lines + 1)
            }
            lines += ends.count
            bytesRead += storage.count + ends.count
            progress?(bytesRead)
            if !full { return }
        }
    }
}
