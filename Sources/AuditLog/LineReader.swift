import Foundation

/// Reads log segments in order as one sequence of lines (exact bytes, without `\n`; a `\r` is kept), through one
/// reusable buffer: no allocation per line.
final class LineReader {
    let paths: [String]
    private(set) var lines = 0
    private(set) var noFinalNewline = false

    /// The longest line read: past it the input is refused, so a huge or endless file (`/dev/zero`) cannot
    /// exhaust memory. Entries are at most 1 MiB (``AuditLogConfiguration/maxLineBytes``) unless configured larger.
    static let maxLineBytes = 16 << 20

    init(paths: [String]) { self.paths = paths }

    /// Calls `body` with the lines of each read chunk at once (and the 1-based number of the first), so a caller
    /// can spread a chunk's work over several cores. The line buffers are valid only during the call.
    func forEachChunk(
        progress: ((Int) -> Void)? = nil, _ body: ([UnsafeRawBufferPointer], Int) -> Void
    ) throws(AuditLogError) {
        let capacity = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var carry: [UInt8] = []
        var bytesRead = 0
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw AuditLogError.io(path: path, reason: "cannot open the log: \(errnoText())") }
            defer { close(fd) }
            while true {
                let n = read(fd, buffer.baseAddress, capacity)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AuditLogError.io(path: path, reason: "read failed: \(errnoText())")
                }
                if n == 0 { break }
                bytesRead += n
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                var start = 0
                if !carry.isEmpty, let newline = memchrIndex(chunk, from: 0) {
                    // The line that spans the previous chunk and this one.
                    carry.append(contentsOf: chunk[0..<newline])
                    lines += 1
                    carry.withUnsafeBytes { body([$0], lines) }
                    carry.removeAll(keepingCapacity: true)
                    start = newline + 1
                }
                if carry.isEmpty {
                    var batch: [UnsafeRawBufferPointer] = []
                    while let newline = memchrIndex(chunk, from: start) {
                        batch.append(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
                        start = newline + 1
                    }
                    if !batch.isEmpty {
                        body(batch, lines + 1)
                        lines += batch.count
                    }
                }
                carry.append(contentsOf: chunk[start...])
                guard carry.count <= Self.maxLineBytes else {
                    throw AuditLogError.io(
                        path: path,
                        reason: "line \(lines + 1) runs past \(Self.maxLineBytes >> 20) MiB without "
                            + "a line break: this is not a PromptGate audit log (an entry is at most 1 MiB)")
                }
                progress?(bytesRead)
            }
        }
        if !carry.isEmpty {
            noFinalNewline = true
            lines += 1
            carry.withUnsafeBytes { body([$0], lines) }
        }
    }

    private func memchrIndex(_ chunk: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < chunk.count, let base = chunk.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, chunk.count - start) else { return nil }
        return UnsafeRawPointer(found) - base
    }
}

/// The leaf hashes of a whole log, for building proofs.
public enum LogLeaves {
    /// Reads every line of the segments in order and returns its RFC 6962 leaf hash.
    public static func read(paths: [String]) throws(AuditLogError) -> [TreeHash] {
        try read(reader: LineReader(paths: paths))
    }

    /// Reads every line `reader` yields (segment files, a database) and returns its RFC 6962 leaf hash.
    public static func read(reader: any LogLineSource) throws(AuditLogError) -> [TreeHash] {
        var leaves: [TreeHash] = []
        try reader.forEachLine { line, _ in leaves.append(LogVerifier.leafHash(line)) }
        return leaves
    }

    /// The exact bytes of line `number` (1-based), or nil if the log is shorter.
    public static func line(_ number: Int, paths: [String]) throws(AuditLogError) -> [UInt8]? {
        try line(number, reader: LineReader(paths: paths))
    }

    /// The exact bytes of line `number` (1-based) of the lines `reader` yields, or nil if the log is shorter.
    public static func line(_ number: Int, reader: any LogLineSource) throws(AuditLogError) -> [UInt8]? {
        var found: [UInt8]?
        try reader.forEachLine { line, n in if n == number { found = Array(line) } }
        return found
    }
}

/// Every line of a log, in order, for tools that read entries.
public enum LogLines {
    /// Calls `body` with each line's bytes (without `\n`) and its 1-based number.
    public static func forEach(paths: [String], _ body: (UnsafeRawBufferPointer, Int) -> Void) throws(AuditLogError) {
        try LineReader(paths: paths).forEachLine(body)
    }

    /// Calls `body` with each line `reader` yields and its 1-based number.
    public static func forEach(
        reader: any LogLineSource, _ body: (UnsafeRawBufferPointer, Int) -> Void
    ) throws(AuditLogError) {
        try reader.forEachLine(body)
    }
}
