import Foundation
import TestSupport
import Testing

@testable import Screening

/// The form parsed packs are cached in: every field comes back, and anything else reads as nothing.
@Suite("Screening: the cached form of a parsed pack")
struct PackEncodingTests {
    /// Every shipped pack, read from its YAML (not from the cache).
    static func shippedPacks() throws -> [GuidelinePack] {
        let folder = repositoryRoot + "/guidelines/packs"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { name in
                let path = folder + "/" + name
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                let root = try NodeReader.compose(bytes: bytes, origin: path)
                var reader = NodeReader(origin: path)
                return try reader.pack(root, contentHash: "hash of " + name)
            }
    }

    @Test("every shipped pack reads back equal to the pack read from its YAML")
    func roundTrip() throws {
        let packs = try Self.shippedPacks()
        #expect(packs.count >= 10)
        for pack in packs {
            let decoded = PackEncoding.encode(pack).withUnsafeBytes { PackEncoding.decode($0) }
            #expect(decoded == pack, "\(pack.id)")
        }
        // Every optional and every enumeration case the packs do not happen to use comes back too.
        var rule = try #require(packs.first?.rules.first)
        for category in RuleCategory.allCases {
            for action in RuleAction.allCases {
                for redaction in RedactionStyle.allCases {
                    for failed in FailedCheck.allCases {
                        rule.category = category
                        rule.action = action
                        rule.redaction = redaction
                        rule.whenCheckFails = failed
                        rule.validator = rule.validator == nil ? "luhn" : nil
                        rule.context =
                            rule.context == nil
                            ? ContextRule(words: ["é", ""], negative: [], window: 1000, required: true) : nil
                        rule.source.clause = rule.source.clause == nil ? "§ 2 ✓" : nil
                        rule.priority = rule.priority == -7 ? Int.max : -7
                        rule.caseInsensitive.toggle()
                        let pack = GuidelinePack(
                            id: "p", title: "", version: "1", rules: [rule, rule], origin: "embedded:p",
                            contentHash: "")
                        #expect(PackEncoding.encode(pack).withUnsafeBytes { PackEncoding.decode($0) } == pack)
                    }
                }
            }
        }
    }

    @Test("a cut, lengthened, altered or foreign file reads as nothing")
    func damaged() throws {
        let pack = try #require(try Self.shippedPacks().first { $0.rules.count > 3 })
        let bytes = PackEncoding.encode(pack)
        func decodes(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { PackEncoding.decode($0) } != nil }
        #expect(decodes(bytes))
        // Every cut (sampled over the whole file, and every one of the first and last bytes).
        let cuts =
            Array(0..<64) + Array(stride(from: 64, to: bytes.count, by: 97)) + Array((bytes.count - 64)..<bytes.count)
        for cut in cuts { #expect(!decodes(Array(bytes[..<cut])), "cut at \(cut)") }
        #expect(!decodes(bytes + [0]))
        #expect(!decodes([]))
        #expect(!decodes(Array("{\"id\": 1}".utf8)))
        // Another version of the form.
        var other = bytes
        other[4] &+= 1
        #expect(!decodes(other))
        // A string of invalid UTF-8: the pack's id is the first string, after magic, version and its length.
        var invalid = bytes
        invalid[12] = 0xFF
        #expect(!decodes(invalid))
        // A count that claims more items than the file could hold is refused before anything is reserved.
        var huge = bytes
        let rulesCount =
            8
            + [pack.id, pack.title, pack.version, pack.origin, pack.contentHash].reduce(0) { $0 + 4 + $1.utf8.count }
        huge.replaceSubrange(rulesCount..<rulesCount + 4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(!decodes(huge))
        // An enumeration value the reader does not know.
        var unknown = pack
        unknown.rules[0].category = .credentials
        let text = PackEncoding.encode(unknown)
        let marker = [11, 0, 0, 0] + Array("credentials".utf8)
        let at = try #require(
            (0...(text.count - marker.count)).first { Array(text[$0..<$0 + marker.count]) == marker })
        var renamed = text
        renamed[at + 4] = UInt8(ascii: "k")
        #expect(!decodes(renamed))
        // A flag that is neither 0 nor 1.
        let flag = rulesCount + 4
        let rule = pack.rules[0]
        let caseFlag =
            flag + [rule.id, rule.title, rule.category.rawValue, rule.entity].reduce(0) { $0 + 4 + $1.utf8.count } + 4
            + rule.patterns.reduce(0) { $0 + 4 + $1.utf8.count }
        #expect(bytes[caseFlag] <= 1)
        var badFlag = bytes
        badFlag[caseFlag] = 2
        #expect(!decodes(badFlag))
    }
}
