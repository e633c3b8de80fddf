import Crypto
import Foundation
import Synchronization

/// The retention keys of a file log, in a folder of the data folder (`DATA/retention`, mode 0700):
/// `keys/<id>.key` (0600, the key in base64), `tombstones/<id>.json` for destroyed keys, and `holds.json`.
///
/// One process writes a file log at a time (its lock), but the command line may read the keys while the proxy
/// runs: a key is created with `link(2)` from a finished temporary file, so a reader sees all of it or none, and two
/// creators agree on the first.
public final class FileRetentionKeyStore: RetentionKeyStore {
    /// The folder.
    public let directory: String
    private let cache = Mutex<[SealingKeyID: SymmetricKey]>([:])

    /// The store in `directory` (created with mode 0700 when first written).
    public init(directory: String) {
        self.directory = directory
    }

    /// The store of the file log in `dataDirectory`.
    public convenience init(dataDirectory: String) {
        self.init(directory: dataDirectory + "/retention")
    }

    private var keysFolder: String { directory + "/keys" }
    private var tombstonesFolder: String { directory + "/tombstones" }
    private var holdsPath: String { directory + "/holds.json" }
    private func keyPath(_ id: SealingKeyID) -> String { keysFolder + "/" + id.fileName + ".key" }
    private func tombstonePath(_ id: SealingKeyID) -> String { tombstonesFolder + "/" + id.fileName + ".json" }

    public func key(for id: SealingKeyID) async throws -> SymmetricKey? {
        // A tombstone wins over the cache: another process (`retention apply`) may have destroyed the key.
        if access(tombstonePath(id), F_OK) == 0 {
            cache.withLock { _ = $0.removeValue(forKey: id) }
            return nil
        }
        if let key = cache.withLock({ $0[id] }) { return key }
        let key = try readKey(id) ?? createKey(id)
        cache.withLock { $0[id] = key }
        return key
    }

    private func readKey(_ id: SealingKeyID) throws(AuditLogError) -> SymmetricKey? {
        let path = keyPath(id)
        guard let text = try BoundedFile.text(path, limit: 1024) else { return nil }
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else { throw AuditLogError.badKey("\(path) does not hold a 256-bit key in base64") }
        return SymmetricKey(data: bytes)
    }

    private func createKey(_ id: SealingKeyID) throws(AuditLogError) -> SymmetricKey {
        for folder in [directory, keysFolder] {
            try makePrivateDirectory(folder)
            try PrivatePath.tighten(folder)
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let path = keyPath(id)
        let temporary = path + ".new-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try writeFileAtomically(temporary, Array(text.utf8))
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            guard errno == EEXIST else {
                throw AuditLogError.io(path: path, reason: "cannot create the key: \(errnoText())")
            }
            // Another process made it first: use theirs.
            guard let theirs = try readKey(id) else { throw AuditLogError.io(path: path, reason: "the key vanished") }
            return theirs
        }
        fsyncDirectory(of: path)
        return key
    }

    public func ring() async throws -> KeyRing { try currentRing() }

    /// Every key and tombstone in the folder now (none if it does not exist): ``ring()`` for synchronous readers.
    public func currentRing() throws(AuditLogError) -> KeyRing {
        var ring = KeyRing()
        for id in try keyIDs() {
            if let tombstone = try readTombstone(id) {
                ring.tombstones[id.description] = tombstone
            } else if let key = try readKey(id) {
                ring.keys[id.description] = key
            }
        }
        return ring
    }

    public func keyIDs() throws(AuditLogError) -> [SealingKeyID] {
        var ids = Set<SealingKeyID>()
        for (folder, suffix) in [(keysFolder, ".key"), (tombstonesFolder, ".json")] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            where name.hasSuffix(suffix) {
                if let id = SealingKeyID(fileName: String(name.dropLast(suffix.count))) { ids.insert(id) }
            }
        }
        return ids.sorted()
    }

    private func readTombstone(_ id: SealingKeyID) throws(AuditLogError) -> KeyTombstone? {
        let path = tombstonePath(id)
        guard let text = try BoundedFile.text(path, limit: 64 << 10) else { return nil }
        guard let tombstone = try? JSONDecoder().decode(KeyTombstone.self, from: Data(text.utf8)) else {
            // A tombstone that cannot be read still says the key is gone.
            return KeyTombstone(keyID: id.description, destroyedAt: "?", entry: nil)
        }
        return tombstone
    }

    public func destroy(_ id: SealingKeyID, tombstone: KeyTombstone) async throws {
        for folder in [directory, tombstonesFolder] { try makePrivateDirectory(folder) }
        if try readTombstone(id) == nil {
            try writeFileAtomically(tombstonePath(id), try Self.json(tombstone))
        }
        let path = keyPath(id)
        // Overwrite the key's bytes on disk before unlinking (a copy-on-write or journalling file system, or a
        // backup, may still hold them: docs/audit-log.md says so).
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd >= 0 {
            var info = stat()
            fstat(fd, &info)
            let noise = (0..<max(64, Int(info.st_size))).map { _ in UInt8.random(in: 0...255) }
            _ = noise.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            fsync(fd)
            close(fd)
        }
        if unlink(path) != 0, errno != ENOENT {
            throw AuditLogError.io(path: path, reason: "cannot remove the key: \(errnoText())")
        }
        fsyncDirectory(of: path)
        cache.withLock { _ = $0.removeValue(forKey: id) }
    }

    public func holds() async throws -> [RetentionHold] { try readHolds() }

    private func readHolds() throws(AuditLogError) -> [RetentionHold] {
        guard let text = try BoundedFile.text(holdsPath, limit: 16 << 20) else { return [] }
        do {
            return try JSONDecoder().decode([RetentionHold].self, from: Data(text.utf8))
        } catch {
            throw AuditLogError.io(path: holdsPath, reason: "not a list of holds: \(error.localizedDescription)")
        }
    }

    private func writeHolds(_ holds: [RetentionHold]) throws(AuditLogError) {
        try makePrivateDirectory(directory)
        try writeFileAtomically(holdsPath, try Self.json(holds))
    }

    public func addHold(_ hold: RetentionHold) async throws {
        try writeHolds(try readHolds() + [hold])
    }

    public func removeHold(_ hold: RetentionHold) async throws {
        var holds = try readHolds()
        guard let index = holds.firstIndex(of: hold) else { return }
        holds.remove(at: index)
        try writeHolds(holds)
    }

    private static func json(_ value: some Encodable) throws(AuditLogError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return Array(try encoder.encode(value)) + [0x0A]
        } catch {
            throw AuditLogError.io(path: "retention", reason: "cannot encode: \(error.localizedDescription)")
        }
    }
}
