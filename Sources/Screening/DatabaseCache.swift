import CHyperscan
import Crypto
import Foundation

/// Compiled pattern databases kept on disk between runs, so a command that screens one text does not spend most of a
/// second compiling the packs again. A database is stored under the SHA-256 of everything that made it (the
/// library's version, the mode, the expressions, their flags and ids), in `$PROMPTGATE_CACHE`, else
/// `$XDG_CACHE_HOME/promptgate`, else `~/.cache/promptgate`, else a folder of the user's in the temporary folder
/// (created 0700; used only if it is the user's and nobody else can write it). A changed pack or a new library
/// version is a new key; a file that does not load (another CPU, a cut write) is compiled again. Without a usable
/// folder nothing is cached and nothing fails.
///
/// Besides each database (`KEY.hsdb`), a whole ``PatternDatabase`` is stored in one file (`KEY.hsset`: every
/// pattern's width and prefilter form, then its databases), so a start reads one mapped file instead of measuring
/// and loading each pattern. Parsed packs are kept here too (``PackCache``). The folder prunes itself (see
/// ``prune(_:now:maximumAge:maximumBytes:)``): entries unused for 30 days go, then the least recently used beyond
/// 256 MB.
///
/// A test process (an `.xctest` bundle) never uses the user's folder: without `PROMPTGATE_CACHE` it uses a folder
/// of its own in the temporary folder, and a test may give its own (``testFolder``).
enum DatabaseCache {
    /// The folder in use: the one a test set for its task (``testFolder``), else ``folder``.
    static var current: String? { testFolder ?? folder }

    /// A folder a test uses instead of ``folder`` for the work it runs (`DatabaseCache.$testFolder.withValue`).
    @TaskLocal static var testFolder: String?

    /// The folder, nil when there is none to use.
    static let folder: String? = {
        let environment = ProcessInfo.processInfo.environment
        let path: String
        if let explicit = environment["PROMPTGATE_CACHE"], !explicit.isEmpty {
            guard explicit != "off" else { return nil }
            path = explicit
        } else if isTestProcess {
            path = NSTemporaryDirectory() + "promptgate-test-cache-\(getuid())"
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            path = xdg + "/promptgate"
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.cache/promptgate"
        } else {
            path = NSTemporaryDirectory() + "promptgate-cache-\(getuid())"
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return nil
        }
        // Only a folder of this user's that nobody else can write: a database read from it runs in the engine.
        // One that others may read is made private (what is cached tells which packs are in use).
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
            info.st_mode & 0o022 == 0
        else { return nil }
        if info.st_mode & 0o077 != 0 { _ = chmod(path, 0o700) }
        return path
    }()

    /// Whether this process runs tests (SwiftPM's test bundle, run directly on Linux or by `xctest` on macOS).
    private static var isTestProcess: Bool {
        CommandLine.arguments.prefix(2).contains { $0.hasSuffix(".xctest") }
    }

    /// The key of a database: what compiling it depends on.
    static func key(_ expressions: [String], flags: [UInt32], ids: [UInt32]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(String(cString: hs_version()).utf8) + [0])
        hasher.update(data: Array("block\u{0}".utf8))
        for (index, expression) in expressions.enumerated() {
            hasher.update(data: Array("\(flags[index]):\(ids[index]):".utf8) + Array(expression.utf8) + [0])
        }
        return hex(hasher.finalize())
    }

    /// What a set of databases (``PatternDatabase``) read from one file holds: per pattern, whether its prefilter
    /// form was kept and its width; the prefilter databases, deserialised; and where each pattern's start-tracking
    /// database is in the file (nil when it has none), to be deserialised when first used.
    struct DatabaseSet {
        var formAccepted: [Bool]
        /// Per pattern: the pattern whose prefilter entry scans it (itself unless it shares one).
        var owners: [Int]
        var widths: [(min: Int, max: Int)]
        var prefilters: [OpaquePointer]
        /// The widest match of an entry scanned near digits only (the last prefilter is theirs), 0 when none is.
        var gateWidth: Int
        /// The keyword gate's keywords (the last two prefilters are its literal and gated databases), none when no
        /// entry is gated by keywords.
        var keywords: [KeywordGate.Keyword]
        var confirmers: [Range<Int>?]
        var file: MappedFile
    }

    /// The key of a whole set: the library's version and, per pattern, everything its databases and widths depend
    /// on (the expression, the prefilter form tried, flags, window and caseless group, its rule's keywords).
    static func setKey(_ patterns: [(String, String?, UInt32, Bool, Bool, [String])]) -> String {
        var hasher = SHA256()
        var bytes: [UInt8] = Array(String(cString: hs_version()).utf8) + Array("\u{0}set-4\u{0}".utf8)
        for (expression, form, flags, window, caseless, keywords) in patterns {
            bytes += Array("\(flags):\(window ? 1 : 0):\(caseless ? 1 : 0):".utf8) + Array(expression.utf8) + [0]
            bytes += form.map { [1] + Array($0.utf8) } ?? [2]
            bytes.append(0)
            for keyword in keywords { bytes += Array("k\(keyword.utf8.count):".utf8) + Array(keyword.utf8) }
        }
        hasher.update(data: bytes)
        return hex(hasher.finalize())
    }

    /// The set stored under `key` for `patterns` patterns, if there is one whose layout reads and whose prefilter
    /// databases load. The file is mapped, not read: only the parts used are paged in.
    static func loadSet(_ key: String, patterns: Int) -> DatabaseSet? {
        guard let folder = current, let file = MappedFile(path: folder + "/" + key + ".hsset") else { return nil }
        var reader = SetReader(raw: file.bytes)
        guard reader.word() == setMagic, reader.word() == UInt64(patterns) else { return nil }
        var formAccepted: [Bool] = []
        var owners: [Int] = []
        var widths: [(min: Int, max: Int)] = []
        var hasConfirmer: [Bool] = []
        for _ in 0..<patterns {
            guard let accepted = reader.word(), let low = reader.word(), let high = reader.word(),
                let confirmed = reader.word()
            else { return nil }
            guard accepted >> 1 < UInt64(patterns) else { return nil }
            formAccepted.append(accepted & 1 == 1)
            owners.append(Int(accepted >> 1))
            widths.append((Int(truncatingIfNeeded: low), Int(truncatingIfNeeded: high)))
            hasConfirmer.append(confirmed == 1)
        }
        func range() -> Range<Int>? {
            guard let length = reader.word(), let range = reader.skip(Int(truncatingIfNeeded: length)) else {
                return nil
            }
            return range
        }
        guard let gateWidth = reader.word(), gateWidth <= UInt64(DigitGate.widest), let keywordCount = reader.word(),
            keywordCount <= UInt64(patterns) * 64
        else { return nil }
        var keywords: [KeywordGate.Keyword] = []
        for _ in 0..<keywordCount {
            guard let reach = reader.word(), reach < UInt64(Int32.max), let whole = reader.word(), whole <= 1,
                let length = reader.word(), length >= 1, let range = reader.skip(Int(truncatingIfNeeded: length))
            else { return nil }
            keywords.append(
                KeywordGate.Keyword(
                    bytes: Array(UnsafeRawBufferPointer(rebasing: file.bytes[range])), reach: Int(reach),
                    wholeText: whole == 1))
        }
        guard let count = reader.word(), count <= 5,
            count >= (gateWidth == 0 ? 0 : 1) + (keywords.isEmpty ? 0 : 2)
        else { return nil }
        var prefilterRanges: [Range<Int>] = []
        for _ in 0..<count {
            guard let range = range() else { return nil }
            prefilterRanges.append(range)
        }
        var confirmers: [Range<Int>?] = []
        for confirmed in hasConfirmer {
            guard confirmed else {
                confirmers.append(nil)
                continue
            }
            guard let range = range() else { return nil }
            confirmers.append(range)
        }
        guard reader.word() == setMagic else { return nil }
        markUsed(file)
        var prefilters: [OpaquePointer] = []
        for range in prefilterRanges {
            guard let database = deserialize(file, range) else {
                for database in prefilters { hs_free_database(database) }
                return nil
            }
            prefilters.append(database)
        }
        return DatabaseSet(
            formAccepted: formAccepted, owners: owners, widths: widths, prefilters: prefilters,
            gateWidth: Int(gateWidth), keywords: keywords, confirmers: confirmers, file: file)
    }

    /// The database serialised in `range` of `file`, nil if it does not load.
    static func deserialize(_ file: MappedFile, _ range: Range<Int>) -> OpaquePointer? {
        var database: OpaquePointer?
        let status = hs_deserialize_database(
            file.bytes.baseAddress.map { ($0 + range.lowerBound).assumingMemoryBound(to: CChar.self) }, range.count,
            &database)
        return status == HS_SUCCESS ? database : nil
    }

    /// Stores a set under `key` in one file (written to a temporary file, then renamed; failures are ignored).
    static func storeSet(
        _ key: String, formAccepted: [Bool], owners: [Int], widths: [(min: Int, max: Int)], prefilters: [OpaquePointer],
        gateWidth: Int, keywords: [KeywordGate.Keyword], confirmers: [OpaquePointer?]
    ) {
        guard let folder = current else { return }
        var out: [UInt8] = []
        func word(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
        func database(_ database: OpaquePointer) -> Bool {
            var bytes: UnsafeMutablePointer<CChar>?
            var length = 0
            guard hs_serialize_database(database, &bytes, &length) == HS_SUCCESS, let bytes else { return false }
            defer { free(bytes) }
            word(UInt64(length))
            out += UnsafeRawBufferPointer(start: bytes, count: length)
            return true
        }
        word(setMagic)
        word(UInt64(widths.count))
        for index in widths.indices {
            // Whether the form was kept (bit 0), and which pattern's prefilter entry scans this one.
            word((formAccepted[index] ? 1 : 0) | UInt64(owners[index]) << 1)
            word(UInt64(truncatingIfNeeded: widths[index].min))
            word(UInt64(truncatingIfNeeded: widths[index].max))
            word(confirmers[index] == nil ? 0 : 1)
        }
        word(UInt64(gateWidth))
        word(UInt64(keywords.count))
        for keyword in keywords {
            word(UInt64(keyword.reach))
            word(keyword.wholeText ? 1 : 0)
            word(UInt64(keyword.bytes.count))
            out += keyword.bytes
        }
        word(UInt64(prefilters.count))
        for prefilter in prefilters { guard database(prefilter) else { return } }
        for case let confirmer? in confirmers { guard database(confirmer) else { return } }
        word(setMagic)
        write(Data(out), to: folder + "/" + key + ".hsset", in: folder)
    }

    /// Marks the start and end of a set file ("PGHSSET1").
    private static let setMagic: UInt64 = 0x3154_4553_5348_4750

    /// Reads little-endian words and byte runs from a set file, nil past its end.
    private struct SetReader {
        let raw: UnsafeRawBufferPointer
        var offset = 0

        mutating func word() -> UInt64? {
            guard offset + 8 <= raw.count else { return nil }
            defer { offset += 8 }
            return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }

        mutating func skip(_ count: Int) -> Range<Int>? {
            guard count >= 0, count <= raw.count - offset else { return nil }
            defer { offset += count }
            return offset..<(offset + count)
        }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `data` to `path` in `folder`, 0600, through a temporary file renamed into place (failures are
    /// ignored); the first write of a process into a folder then prunes it. A reader has the old file or the new one
    /// whole: rename replaces the name at once, and a reader that opened or mapped the old file keeps it.
    static func write(_ data: Data, to path: String, in folder: String) {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, path) != 0 {
            unlink(temporary)
            return
        }
        pruneOnce(folder)
    }

    /// The database stored under `key`, if there is one that loads.
    static func load(_ key: String) -> OpaquePointer? {
        guard let folder = current, let file = MappedFile(path: folder + "/" + key + ".hsdb") else { return nil }
        var database: OpaquePointer?
        let status = hs_deserialize_database(
            file.bytes.baseAddress?.assumingMemoryBound(to: CChar.self), file.bytes.count, &database)
        guard status == HS_SUCCESS else { return nil }
        markUsed(file)
        return database
    }

    /// Stores `database` under `key` (written to a temporary file, then renamed; failures are ignored).
    static func store(_ database: OpaquePointer, key: String) {
        guard let folder = current else { return }
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(database, &bytes, &length) == HS_SUCCESS, let bytes else { return }
        defer { free(bytes) }
        write(Data(bytes: bytes, count: length), to: folder + "/" + key + ".hsdb", in: folder)
    }
}

/// A file mapped read-only for as long as this lives. The cache's files are replaced by renaming, never rewritten
/// in place, and pruning unlinks them, so a mapped one does not change under its reader: its pages stay until
/// unmapped. Only a regular file of this user's is mapped (not a link, not another user's).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    /// When the file was last modified (seconds since 1970).
    let modified: Int

    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0, info.st_mode & S_IFMT == S_IFREG,
            info.st_uid == getuid()
        else { return nil }
        modified = Int(info.st_mtim.tv_sec)
        self.path = path
        let count = Int(info.st_size)
        guard let base = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            return nil
        }
        bytes = UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Where the file was mapped from.
    let path: String

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}
