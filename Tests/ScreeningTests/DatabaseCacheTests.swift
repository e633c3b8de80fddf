import Foundation
import TestSupport
import Testing

@testable import Screening

/// Compiled databases are kept on disk between runs; one loaded from there finds exactly what a fresh one finds.
@Suite("Screening: compiled pattern databases cached on disk")
struct DatabaseCacheTests {
    @Test("a key changes with any expression, flag or id; the same inputs give the same key")
    func keys() {
        let base = DatabaseCache.key(["a+b"], flags: [0], ids: [0])
        #expect(base == DatabaseCache.key(["a+b"], flags: [0], ids: [0]))
        #expect(base != DatabaseCache.key(["a+c"], flags: [0], ids: [0]))
        #expect(base != DatabaseCache.key(["a+b"], flags: [1], ids: [0]))
        #expect(base != DatabaseCache.key(["a+b"], flags: [0], ids: [1]))
        #expect(
            DatabaseCache.key(["ab", "c"], flags: [0, 0], ids: [0, 1])
                != DatabaseCache.key(["a", "bc"], flags: [0, 0], ids: [0, 1]))
    }

    @Test("the shipped packs' databases, loaded from the cache, find what freshly compiled ones find")
    func sameMatches() throws {
        try withTemporaryDirectorySync { folder in
            try DatabaseCache.$testFolder.withValue(folder) { try sameMatches(in: folder) }
        }
    }

    private func sameMatches(in folder: String) throws {
        let packs = try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs")
        let patterns = packs.flatMap(\.rules).flatMap { rule in
            rule.patterns.map { ($0, rule.caseInsensitive, rule.validator == "person-name") }
        }
        let text = Array(
            try String(contentsOfFile: repositoryRoot + "/Benchmarks/eval/corpus.jsonl", encoding: .utf8).utf8.prefix(
                400_000))
        let fresh = try PatternDatabase(patterns: patterns, prefilterForms: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".hsdb") }
        #expect(!files.isEmpty, "nothing was stored in \(folder)")
        let cached = try PatternDatabase(patterns: patterns, prefilterForms: true)
        func matches(_ database: PatternDatabase) throws -> [String] {
            try text.withUnsafeBytes { try database.scan($0) }.map { "\($0.pattern):\($0.start):\($0.end)" }.sorted()
        }
        let expected = try matches(fresh)
        #expect(expected.count > 1000)
        #expect(try matches(cached) == expected)
        // A damaged file is not loaded: the database is compiled again and still finds the same.
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) {
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/" + file))
        }
        #expect(try matches(try PatternDatabase(patterns: patterns, prefilterForms: true)) == expected)
    }

    @Test("a whole set read back from its one file (start-tracking databases loaded at first use) finds the same")
    func wholeSet() async throws {
        try await withTemporaryDirectory { folder in
            try await DatabaseCache.$testFolder.withValue(folder) { try await wholeSet(in: folder) }
        }
    }

    private func wholeSet(in folder: String) async throws {
        let packs = try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs")
        // A pattern of this run's own makes the set's key new, so the first database is compiled, not read.
        let patterns =
            packs.flatMap(\.rules).flatMap { rule in
                rule.patterns.map { ($0, rule.caseInsensitive, rule.validator == "person-name") }
            } + [("zq" + UUID().uuidString.prefix(8).lowercased() + "[0-9]+", false, false)]
        let text = Array(
            try String(contentsOfFile: repositoryRoot + "/Benchmarks/eval/corpus.jsonl", encoding: .utf8).utf8.prefix(
                200_000))
        func matches(_ database: PatternDatabase) throws -> [String] {
            try text.withUnsafeBytes { try database.scan($0) }.map { "\($0.pattern):\($0.start):\($0.end)" }.sorted()
        }
        let fresh = try PatternDatabase(patterns: patterns, prefilterForms: true)
        #expect(!fresh.isFromCachedSet)
        let expected = try matches(fresh)
        #expect(expected.count > 1000)
        let path = folder + "/" + PatternDatabase.plan(patterns, prefilterForms: true).key + ".hsset"
        #expect(FileManager.default.fileExists(atPath: path))
        // Scans running at once on a database just read: each loads or finds the start-tracking databases it
        // needs and grows its scratch space for those others loaded.
        let cached = try PatternDatabase(patterns: patterns, prefilterForms: true)
        #expect(cached.isFromCachedSet)
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<6 { group.addTask { try matches(cached) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 6)
        for result in results { #expect(result == expected) }
        #expect(try matches(cached) == expected)
        // A cut or damaged set file is not used: the set is compiled (or read database by database) again.
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        for damaged in [whole.prefix(whole.count / 2), Data([1, 2, 3]), Data(repeating: 0, count: whole.count)] {
            try damaged.write(to: URL(fileURLWithPath: path))
            let again = try PatternDatabase(patterns: patterns, prefilterForms: true)
            #expect(try matches(again) == expected)
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("a set's key changes with an expression, its prefilter form, flags, window or caseless group")
    func setKeys() {
        let base = DatabaseCache.setKey([("a+b", nil, 0, false, false, [])])
        #expect(base == DatabaseCache.setKey([("a+b", nil, 0, false, false, [])]))
        #expect(base != DatabaseCache.setKey([("a+c", nil, 0, false, false, [])]))
        #expect(base != DatabaseCache.setKey([("a+b", "b", 0, false, false, [])]))
        #expect(base != DatabaseCache.setKey([("a+b", "", 0, false, false, [])]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 1, false, false, [])]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 0, true, false, [])]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 0, false, true, [])]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 0, false, false, ["a"])]))
        #expect(
            DatabaseCache.setKey([("a+b", nil, 0, false, false, ["a", "b"])])
                != DatabaseCache.setKey([("a+b", nil, 0, false, false, ["ab"])]))
        #expect(
            DatabaseCache.setKey([("ab", nil, 0, false, false, []), ("c", nil, 0, false, false, [])])
                != DatabaseCache.setKey([("a", nil, 0, false, false, []), ("bc", nil, 0, false, false, [])]))
    }

    @Test("a pack read back from the cache is the pack read from its YAML; a damaged cache file is read past")
    func packs() throws {
        try #require(PackCache.executable != nil, "the running executable is not known here: nothing is cached")
        try withTemporaryDirectorySync { folder in
            try DatabaseCache.$testFolder.withValue(folder) { try packs(in: folder) }
        }
    }

    private func packs(in folder: String) throws {
        try withTemporaryDirectorySync { directory in
            // A line of this run's own makes the pack's bytes, and so its key, new.
            let yaml =
                try String(contentsOfFile: repositoryRoot + "/guidelines/packs/universal.yaml", encoding: .utf8)
                + "\n# \(UUID().uuidString)\n"
            let path = directory + "/universal.yaml"
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let before = Set(
                try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pack") })
            let parsed = try PackLoader.loadFile(path)
            let stored = Set(
                try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pack") }
            )
            .subtracting(before)
            #expect(stored.count == 1)
            let cached = try PackLoader.loadFile(path)
            #expect(cached == parsed)
            #expect(cached.rules.count > 5)
            for name in stored {
                try Data("{\"id\": 1}".utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
            }
            #expect(try PackLoader.loadFile(path) == parsed)
            for name in stored { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
        }
    }

    @Test("a test process never uses the user's cache folder")
    func notTheUsers() throws {
        let folder = try #require(DatabaseCache.folder)
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/nonexistent"
        let xdg = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? home + "/.cache"
        if ProcessInfo.processInfo.environment["PROMPTGATE_CACHE"] == nil {
            #expect(folder.hasPrefix(NSTemporaryDirectory()))
        }
        #expect(!folder.hasPrefix(xdg + "/promptgate"))
        var info = stat()
        #expect(stat(folder, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test("pruning deletes entries unused for 30 days, then the least recently used beyond the size cap")
    func pruning() throws {
        try withTemporaryDirectorySync { folder in
            let now = Int(Date().timeIntervalSince1970)
            let day = 86_400
            func entry(_ name: String, bytes: Int, age: Int) throws -> String {
                let path = folder + "/" + name
                try Data(repeating: 7, count: bytes).write(to: URL(fileURLWithPath: path))
                let when = Date(timeIntervalSince1970: TimeInterval(now - age))
                try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
                return name
            }
            let hex = { (digit: Character) in String(repeating: digit, count: 64) }
            let stale = try entry(hex("a") + ".hsdb", bytes: 10, age: 40 * day)
            let oldest = try entry(hex("b") + ".hsset", bytes: 600, age: 20 * day)
            let older = try entry(hex("c") + ".pack", bytes: 300, age: 10 * day)
            let kept = try entry(hex("d") + ".hsdb", bytes: 300, age: 5 * day)
            let recent = try entry(hex("e") + ".hsset", bytes: 2_000, age: 60)
            let foreign = try entry("notes.txt", bytes: 5_000, age: 400 * day)
            let foreignHex = try entry(hex("f") + ".json", bytes: 5_000, age: 400 * day)
            let deadWriter = try entry(hex("1") + ".hsset.tmp-999999999", bytes: 50, age: 2 * day)
            let liveWriter = try entry(hex("2") + ".hsset.tmp-\(getpid())", bytes: 50, age: 2 * day)
            let freshTemporary = try entry(hex("3") + ".pack.tmp-999999999", bytes: 50, age: 10)
            let link = hex("4") + ".hsdb"
            #expect(symlink(folder + "/" + foreign, folder + "/" + link) == 0)
            // The stale entry goes for its age. The rest are 3,200 bytes under a cap of 2,700: the oldest (600)
            // goes and 2,600 fit, so the 10-day-old one stays. The link, the foreign files, a live writer's file
            // and a fresh one stay.
            let deleted = Set(DatabaseCache.prune(folder, now: now, maximumAge: 30 * day, maximumBytes: 2_700))
            #expect(deleted == [stale, oldest, deadWriter])
            let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
            #expect(left == [older, kept, recent, foreign, foreignHex, liveWriter, freshTemporary, link])
            // Under a cap below what was used in the last hour, everything older goes and the recent one stays.
            #expect(
                Set(DatabaseCache.prune(folder, now: now, maximumAge: 30 * day, maximumBytes: 100)) == [older, kept])
            #expect(FileManager.default.fileExists(atPath: folder + "/" + recent))
            #expect(FileManager.default.fileExists(atPath: folder + "/" + foreign))
        }
    }

    @Test("storing an entry prunes the folder; a loaded entry is marked used and survives the next prune")
    func storePrunes() throws {
        try withTemporaryDirectorySync { folder in
            try DatabaseCache.$testFolder.withValue(folder) {
                let stale = folder + "/" + String(repeating: "a", count: 64) + ".hsdb"
                try Data([1]).write(to: URL(fileURLWithPath: stale))
                let long = Date(timeIntervalSinceNow: -40 * 86_400)
                try FileManager.default.setAttributes([.modificationDate: long], ofItemAtPath: stale)
                let patterns = [("zq" + UUID().uuidString.prefix(8).lowercased() + "[0-9]+", false, false)]
                _ = try PatternDatabase(patterns: patterns, prefilterForms: true)
                #expect(!FileManager.default.fileExists(atPath: stale))
                let stored = try FileManager.default.contentsOfDirectory(atPath: folder)
                #expect(stored.contains { $0.hasSuffix(".hsset") })
                for name in stored {
                    try FileManager.default.setAttributes([.modificationDate: long], ofItemAtPath: folder + "/" + name)
                }
                let again = try PatternDatabase(patterns: patterns, prefilterForms: true)
                #expect(again.isFromCachedSet)
                let deleted = DatabaseCache.prune(folder)
                #expect(!deleted.contains { $0.hasSuffix(".hsset") })
                #expect(!deleted.isEmpty)
            }
        }
    }
}
