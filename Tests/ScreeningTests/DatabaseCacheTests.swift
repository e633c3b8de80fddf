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
}
