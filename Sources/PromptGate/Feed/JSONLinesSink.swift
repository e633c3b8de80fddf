import Foundation
import JSONCore

/// The feed as JSON Lines: one ``DecisionEvent/json`` object a line, appended to a file (created 0600) or written
/// to standard output (`-`).
///
/// Each line is one `write(2)` to a file opened for appending, so lines from several writers do not interleave and
/// a rotated file (`logrotate` with `copytruncate`, or a move followed by a restart) is picked up as usual.
public final class JSONLinesSink: DecisionSink {
    public let name = "jsonl"
    /// The file, or `-` for standard output.
    public let path: String
    private let descriptor: Int32

    /// Opens (or creates, 0600) the file for appending; `-` writes to standard output.
    ///
    /// - Parameter path: the file, or `-`.
    /// - Throws: ``FeedError`` when the file cannot be opened.
    public init(path: String) throws(FeedError) {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            return
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FeedError("cannot open the feed file \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
    }

    deinit {
        if descriptor != STDOUT_FILENO { Foundation.close(descriptor) }
    }

    public func send(_ event: DecisionEvent) async throws {
        let line = event.json.serializedBytes() + [UInt8(ascii: "\n")]
        var written = 0
        while written < line.count {
            let result = line[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw FeedError("cannot write the feed file \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }
}

/// A feed that cannot be set up or delivered to, with what went wrong.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
