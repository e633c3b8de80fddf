import CHyperscan
import Foundation
import Synchronization

/// Every pattern of every loaded rule compiled into one Hyperscan/Vectorscan block-mode database: one pass over
/// the text finds every candidate with its leftmost start, in time linear in the text, whatever the patterns.
///
/// Patterns are matched byte-wise (not in UTF-8 mode), so invalid UTF-8 and NUL bytes are scanned safely and
/// offsets are UTF-8 byte offsets.
final class PatternDatabase: @unchecked Sendable {
    /// A candidate: which pattern, and its byte range in the scanned text.
    struct Match {
        var pattern: Int
        var start: Int
        var end: Int
    }

    private let database: OpaquePointer
    /// Idle scratch spaces (as pointer bit patterns): Hyperscan needs one per concurrent scan.
    private let scratchPool: Mutex<[Int]>
    private let prototype: OpaquePointer

    /// Databases already compiled in this process, by their patterns: compiling the default packs takes seconds,
    /// and a process (or a test run) builds many screeners from the same packs.
    private static let compiled = Mutex<[String: PatternDatabase]>([:])

    /// The database for `patterns`, compiled once per process.
    static func make(patterns: [(expression: String, caseInsensitive: Bool)]) throws(PatternCompileError)
        -> PatternDatabase
    {
        let key = patterns.map { ($0.caseInsensitive ? "i:" : "s:") + $0.expression }.joined(separator: "\u{0}")
        if let database = compiled.withLock({ $0[key] }) { return database }
        let database = try PatternDatabase(patterns: patterns)
        compiled.withLock { $0[key] = database }
        return database
    }

    /// Compiles `patterns`; the error names the pattern that failed and why, so the pack can be refused at load.
    private init(patterns: [(expression: String, caseInsensitive: Bool)]) throws(PatternCompileError) {
        var flags: [UInt32] = []
        var ids: [UInt32] = []
        for (i, p) in patterns.enumerated() {
            var f = UInt32(HS_FLAG_SOM_LEFTMOST)
            if p.caseInsensitive { f |= UInt32(HS_FLAG_CASELESS) }
            flags.append(f)
            ids.append(UInt32(i))
        }
        let cStrings = patterns.map { strdup($0.expression) }
        defer { cStrings.forEach { free($0) } }
        var db: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let status = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { expressions in
            hs_compile_multi(
                expressions.baseAddress, flags, ids, UInt32(patterns.count), UInt32(HS_MODE_BLOCK), nil, &db,
                &compileError)
        }
        guard status == HS_SUCCESS, let db else {
            let message = compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(status)"
            let index = compileError.map { Int($0.pointee.expression) } ?? -1
            hs_free_compile_error(compileError)
            throw PatternCompileError(patternIndex: index >= 0 ? index : nil, message: message)
        }
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(db, &scratch) == HS_SUCCESS, let scratch else {
            hs_free_database(db)
            throw PatternCompileError(patternIndex: nil, message: "could not allocate scanning memory")
        }
        self.database = db
        self.prototype = scratch
        self.scratchPool = Mutex([])
    }

    deinit {
        for bits in scratchPool.withLock({ $0 }) { hs_free_scratch(OpaquePointer(bitPattern: bits)) }
        hs_free_scratch(prototype)
        hs_free_database(database)
    }

    private func takeScratch() -> OpaquePointer? {
        if let bits = scratchPool.withLock({ $0.popLast() }) { return OpaquePointer(bitPattern: bits) }
        var clone: OpaquePointer?
        guard hs_clone_scratch(prototype, &clone) == HS_SUCCESS else { return nil }
        return clone
    }

    /// Every match in `bytes`. Hyperscan reports each end offset a pattern matches at, each with its leftmost
    /// start; the screener keeps the longest of overlapping ones.
    func scan(_ bytes: UnsafeRawBufferPointer) throws(ScanFailure) -> [Match] {
        guard bytes.count > 0 else { return [] }
        guard bytes.count <= Int(UInt32.max) else { throw ScanFailure(message: "text larger than 4 GiB") }
        guard let scratch = takeScratch() else { throw ScanFailure(message: "out of memory for scanning") }
        let bits = Int(bitPattern: scratch)
        defer { scratchPool.withLock { $0.append(bits) } }
        var matches: [Match] = []
        let status = withUnsafeMutablePointer(to: &matches) { matchesPointer in
            hs_scan(
                database, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), UInt32(bytes.count), 0, scratch,
                { id, from, to, _, context in
                    let list = context!.assumingMemoryBound(to: [Match].self)
                    list.pointee.append(Match(pattern: Int(id), start: Int(from), end: Int(to)))
                    return 0
                }, matchesPointer)
        }
        guard status == HS_SUCCESS else { throw ScanFailure(message: "scan failed with error \(status)") }
        return matches
    }
}

struct PatternCompileError: Error {
    var patternIndex: Int?
    var message: String
}

/// The engine failed to scan (out of memory): the caller must fail closed.
public struct ScanFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "screening failed: \(message)" }
}
