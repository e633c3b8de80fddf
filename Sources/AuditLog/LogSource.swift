import Foundation

/// A log's lines read once, first to last: what the verifier, the proof builders and `log show` consume, whatever
/// holds the log (segment files, a database).
public protocol LogLineSource: AnyObject {
    /// The lines handed out so far; after a full pass, the log's length.
    var lines: Int { get }
    /// Whether the last line had no `\n` after it (a torn write; only a file can have one).
    var noFinalNewline: Bool { get }
    /// Calls `body` with the lines of each chunk in order (exact bytes, without `\n`) and the 1-based number of the
    /// chunk's first line. The buffers are valid only during the call. `progress` is told the bytes read so far.
    func forEachChunk(
        progress: ((Int) -> Void)?, _ body: ([UnsafeRawBufferPointer], Int) -> Void
    ) throws(AuditLogError)
}

extension LogLineSource {
    /// Calls `body` with each line's bytes and its 1-based number.
    public func forEachLine(_ body: (UnsafeRawBufferPointer, Int) -> Void) throws(AuditLogError) {
        try forEachChunk(progress: nil) { lines, first in
            for (offset, line) in lines.enumerated() { body(line, first + offset) }
        }
    }
}

extension LineReader: LogLineSource {}

/// A stored log as an auditor sees it: its lines, the checkpoints signed over it and the keys they are signed with.
/// The file log's data folder is one (``FolderLogSource``); the PostgreSQL store is another.
public protocol LogSource {
    /// Names the log in messages (a folder, or a database without its password).
    var name: String { get }
    /// Whether the log holds no entry yet.
    func isEmpty() throws(AuditLogError) -> Bool
    /// A reader of the lines from the first, on a view of the log that stays the same while it is read.
    func lineReader() throws(AuditLogError) -> any LogLineSource
    /// The newest signed checkpoint (the file log's `checkpoint`), nil before the first one.
    func latestCheckpoint() throws(AuditLogError) -> LogVerifier.CheckpointInput?
    /// Every checkpoint ever signed (the file log's `checkpoints/<size>`), smallest first.
    func checkpointHistory() throws(AuditLogError) -> [LogVerifier.CheckpointInput]
    /// The newest verifier key first (the file log's `log.vkey`), then every key the log was ever signed with.
    func verifierKeys() throws(AuditLogError) -> [LogVerifierKey]
    /// Lets go of what the source holds open (a database connection). Files hold nothing between calls.
    func close()
}

extension LogSource {
    public func close() {}
}

/// The file log: segment files in a data folder, with `checkpoint`, `checkpoints/<size>`, `log.vkey` and `keys/`.
public struct FolderLogSource: LogSource {
    /// The data folder: checkpoints and keys.
    public let directory: String
    /// The segment files, in order.
    public let paths: [String]

    /// The log in `directory`, or in `segments` (files, or folders of segments) if any are given.
    public init(directory: String, segments: [String] = []) throws(AuditLogError) {
        self.directory = directory
        self.paths = try LogSegments.resolve(segments.isEmpty ? [directory] : segments)
    }

    public var name: String { directory }

    /// The path of the newest checkpoint.
    public var checkpointPath: String { directory + "/checkpoint" }

    public func isEmpty() throws(AuditLogError) -> Bool {
        paths.allSatisfy { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return false }
            return attributes[.size] as? Int == 0
        }
    }

    public func lineReader() throws(AuditLogError) -> any LogLineSource {
        guard !paths.isEmpty else { throw AuditLogError.io(path: directory, reason: "no log segments here") }
        return LineReader(paths: paths)
    }

    public func latestCheckpoint() throws(AuditLogError) -> LogVerifier.CheckpointInput? {
        try BoundedFile.text(checkpointPath).map { LogVerifier.CheckpointInput(label: checkpointPath, note: $0) }
    }

    public func checkpointHistory() throws(AuditLogError) -> [LogVerifier.CheckpointInput] {
        let history = directory + "/checkpoints"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: history)) ?? []
        var inputs: [LogVerifier.CheckpointInput] = []
        for (_, name) in names.compactMap({ name in Int(name).map { ($0, name) } }).sorted(by: { $0.0 < $1.0 }) {
            let path = history + "/" + name
            guard let note = try BoundedFile.text(path) else {
                throw AuditLogError.io(path: path, reason: "cannot read the checkpoint")
            }
            inputs.append(LogVerifier.CheckpointInput(label: path, note: note))
        }
        return inputs
    }

    public func verifierKeys() throws(AuditLogError) -> [LogVerifierKey] {
        [try LogKeyStore.verifierKey(argument: "@" + directory + "/log.vkey")]
            + LogKeyStore.allVerifierKeys(directory: directory)
    }
}
