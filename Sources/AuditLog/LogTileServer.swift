import Foundation

/// Serves a log's published tree read-only from its data folder, computing tiles on demand from the log and
/// keeping them for the next request: `checkpoint` is ``publishedCheckpoint(dataDirectory:)``, as stored; `tile/…` paths are
/// answered only in their canonical form and only for tiles the checkpoint's tree wholly holds, so nothing else on
/// disk can be reached through it.
public actor LogTileServer {
    /// The log's data folder (its segments and `checkpoint`).
    public let directory: String
    private var index: LogTileIndex

    /// A server for the log in `directory`.
    public init(directory: String) {
        self.directory = directory
        self.index = LogTileIndex(locations: [directory])
    }

    /// The checkpoint a data folder publishes, as stored: the newest one a quorum of witnesses cosigned
    /// (``WitnessedCheckpoint``) when there is one, else the newest one the log signed (`DATA/checkpoint`).
    /// - Parameter dataDirectory: The log's data folder.
    public static func publishedCheckpoint(dataDirectory: String) throws(TileError) -> [UInt8] {
        if let cosigned = WitnessedCheckpoint.latest(dataDirectory: dataDirectory) { return cosigned }
        return try DirectoryTileSource.read(dataDirectory + "/checkpoint", label: "checkpoint", limit: 1 << 20)
    }

    /// One published resource and how it may be cached.
    public struct Resource: Sendable, Equatable {
        /// The bytes.
        public var bytes: [UInt8]
        /// `text/plain; charset=utf-8` for the checkpoint, `application/octet-stream` for tiles.
        public var contentType: String
        /// Whether the bytes can never change (a tile: its path names them); the checkpoint changes.
        public var immutable: Bool
    }

    /// The resource at `path` (relative to the log prefix: `checkpoint` or `tile/…`).
    /// - Parameter path: The request path under the log prefix, without a leading slash.
    public func resource(_ path: String) throws(TileError) -> Resource {
        let note = try Self.publishedCheckpoint(dataDirectory: directory)
        if path == "checkpoint" {
            return Resource(bytes: note, contentType: "text/plain; charset=utf-8", immutable: false)
        }
        guard let address = TileAddress(path: path) else { throw TileError.notFound(path) }
        let text = String(decoding: note, as: UTF8.self)
        guard let separator = text.range(of: "\n\n") else {
            throw TileError.checkpoint("the stored checkpoint has no signature block")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(body: String(text[..<separator.lowerBound]) + "\n")
        } catch {
            throw TileError.checkpoint("\(error)")
        }
        guard address.isWithin(treeSize: checkpoint.size) else { throw TileError.notFound(path) }
        try index.update(to: checkpoint)
        let bytes: [UInt8]
        if address.isEntryBundle {
            bytes = try index.bundle(address)
        } else {
            guard let tile = index.tile(address) else { throw TileError.notFound(path) }
            bytes = tile
        }
        return Resource(bytes: bytes, contentType: "application/octet-stream", immutable: true)
    }
}
