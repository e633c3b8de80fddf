import Foundation
import Synchronization

/// The cache keeps itself small: every changed pack set and every rebuilt executable adds entries, and nothing else
/// would ever remove them.
extension DatabaseCache {
    /// Entries not used for this long are deleted.
    static let maximumAge = 30 * 86_400
    /// Beyond this many bytes of entries, the least recently used are deleted first.
    static let maximumBytes = 256 << 20
    /// An entry used or written this recently is never deleted for size: a process may be about to read it.
    static let recentlyUsed = 3_600

    /// Records that an entry was used, by setting its modification time to now (at most once a day per entry, so
    /// a start does not write to the disk each time). The access time cannot say it: file systems mounted
    /// `noatime` never update it.
    static func markUsed(_ file: MappedFile) {
        let now = Int(Date().timeIntervalSince1970)
        guard now - file.modified > 86_400 else { return }
        _ = utimensat(AT_FDCWD, file.path, nil, AT_SYMLINK_NOFOLLOW)
    }

    /// The folders this process has pruned (once each, at its first write there).
    private static let pruned = Mutex<Set<String>>([])

    /// Prunes `folder` if this process has not yet done so.
    static func pruneOnce(_ folder: String) {
        let first = pruned.withLock { $0.insert(folder).inserted }
        if first { prune(folder) }
    }

    /// Deletes from `folder` the entries last used (modified) more than `maximumAge` seconds before `now`, then,
    /// while the rest are over `maximumBytes`, the least recently used first, sparing those used in the last hour;
    /// and temporary files of writers that are gone. Only regular files named as this cache names them are
    /// touched (`HEX.hsdb`, `HEX.hsset`, `HEX.pack`, each with `.tmp-PID` while written); anything else in the
    /// folder is left alone, links are not followed. Returns the names deleted.
    ///
    /// Deleting is safe while other processes use the cache: on Linux (and any POSIX system) unlinking a file
    /// removes its name only; a process that has it open or mapped keeps reading the same bytes until it lets go,
    /// and one that opens the name afterwards finds nothing and compiles again. A writer renames its finished
    /// temporary file into place, which succeeds whether or not the old name was just deleted, and its temporary
    /// file is deleted here only once it is an hour old and its process is gone.
    @discardableResult
    static func prune(
        _ folder: String, now: Int = Int(Date().timeIntervalSince1970), maximumAge: Int = maximumAge,
        maximumBytes: Int = maximumBytes
    ) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var deleted: [String] = []
        var entries: [(name: String, modified: Int, size: Int)] = []
        for name in names {
            guard let kind = entryKind(name) else { continue }
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let modified = Int(info.st_mtim.tv_sec)
            if case .temporary(let writer) = kind {
                if now - modified > recentlyUsed, kill(writer, 0) != 0, errno == ESRCH,
                    unlink(folder + "/" + name) == 0
                {
                    deleted.append(name)
                }
                continue
            }
            if now - modified > maximumAge {
                if unlink(folder + "/" + name) == 0 { deleted.append(name) }
                continue
            }
            entries.append((name, modified, Int(info.st_size)))
        }
        var total = entries.reduce(0) { $0 + $1.size }
        for entry in entries.sorted(by: { $0.modified < $1.modified }) {
            guard total > maximumBytes else { break }
            guard now - entry.modified > recentlyUsed else { continue }
            if unlink(folder + "/" + entry.name) == 0 {
                deleted.append(entry.name)
                total -= entry.size
            }
        }
        return deleted
    }

    /// What a name in the folder is: an entry, a temporary file of a writer (its process id), or nil when it is
    /// none of the cache's.
    enum EntryKind: Equatable {
        case entry
        case temporary(pid_t)
    }

    static func entryKind(_ name: String) -> EntryKind? {
        let bytes = Array(name.utf8)
        guard bytes.count > 64, bytes[..<64].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        let rest = String(decoding: bytes[64...], as: UTF8.self)
        for suffix in [".hsdb", ".hsset", ".pack"] {
            if rest == suffix { return .entry }
            let prefix = suffix + ".tmp-"
            if rest.hasPrefix(prefix), let pid = pid_t(rest.dropFirst(prefix.count)), pid > 0 {
                return .temporary(pid)
            }
        }
        return nil
    }
}
