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
        let folder = try #require(DatabaseCache.folder, "no cache folder: HOME or PROMPTGATE_CACHE must be set")
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
        for file in files { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/" + file)) }
        #expect(try matches(try PatternDatabase(patterns: patterns, prefilterForms: true)) == expected)
    }

    @Test("a whole set read back from its one file (start-tracking databases loaded at first use) finds the same")
    func wholeSet() async throws {
        let folder = try #require(DatabaseCache.folder, "no cache folder: HOME or PROMPTGATE_CACHE must be set")
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
        let base = DatabaseCache.setKey([("a+b", nil, 0, false, false)])
        #expect(base == DatabaseCache.setKey([("a+b", nil, 0, false, false)]))
        #expect(base != DatabaseCache.setKey([("a+c", nil, 0, false, false)]))
        #expect(base != DatabaseCache.setKey([("a+b", "b", 0, false, false)]))
        #expect(base != DatabaseCache.setKey([("a+b", "", 0, false, false)]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 1, false, false)]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 0, true, false)]))
        #expect(base != DatabaseCache.setKey([("a+b", nil, 0, false, true)]))
        #expect(
            DatabaseCache.setKey([("ab", nil, 0, false, false), ("c", nil, 0, false, false)])
                != DatabaseCache.setKey([("a", nil, 0, false, false), ("bc", nil, 0, false, false)]))
    }

    @Test("a pack read back from the cache is the pack read from its YAML; a damaged cache file is read past")
    func packs() throws {
        let folder = try #require(DatabaseCache.folder, "no cache folder: HOME or PROMPTGATE_CACHE must be set")
        try #require(PackCache.executable != nil, "the running executable is not known here: nothing is cached")
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
}
