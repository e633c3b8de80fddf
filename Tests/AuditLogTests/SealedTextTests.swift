import Crypto
import Foundation
import JSONCore
import Testing

@testable import AuditLog

@Suite("AuditLog: entries' texts sealed per month, department and system")
struct SealedTextTests {
    static let id = SealingKeyID(period: "2026-12", department: "it-dept", system: "city-assistant")

    static func sealedLine(_ text: String, seq: Int = 3, key: SymmetricKey, id: SealingKeyID = id) throws -> JSONValue {
        var entry = AuditEntry(event: .requestScreened)
        entry.department = "it-dept"
        entry.promptRedacted = text
        entry.responseRedacted = "answer to " + text
        entry.seal = TextSeal(keyID: id, key: key)
        let line = entry.line(seq: seq, time: Date(), prev: String(repeating: "0", count: 64), limit: 1 << 20)
        return try JSONParser.parse(line)
    }

    @Test("a sealed text opens with its key, and the line holds neither text")
    func roundTrip() throws {
        let key = SymmetricKey(size: .bits256)
        let text = "Write to [EMAIL_ADDRESS_1] about Zoë's permit\n\u{1B}[2J \"quoted\""
        let entry = try Self.sealedLine(text, key: key)
        let serialized = String(decoding: entry.serializedBytes(), as: UTF8.self)
        #expect(!serialized.contains("EMAIL_ADDRESS") && !serialized.contains("permit"))
        #expect(entry["prompt"]?["key"]?.stringValue == "2026-12/it-dept/city-assistant")
        #expect(entry["dept"]?.stringValue == "it-dept")
        let ring = KeyRing(keys: [Self.id.description: key])
        #expect(SealedText.open(entry["prompt"]!, field: "prompt", seq: 3, ring: ring) == .opened(text))
        #expect(
            SealedText.open(entry["response"]!, field: "response", seq: 3, ring: ring) == .opened("answer to " + text))
        let opened = SealedText.openedLine(entry, ring: ring)
        #expect(opened["prompt"]?.stringValue == text)
        // An unsealed (older) entry reads as it is.
        #expect(SealedText.open(.string("plain"), field: "prompt", seq: 1, ring: KeyRing()) == .plain("plain"))
    }

    @Test("another key, another entry, another field or another key id: it does not open")
    func wrongKeyOrPlace() throws {
        let key = SymmetricKey(size: .bits256)
        let entry = try Self.sealedLine("case 17", key: key)
        let sealed = try #require(entry["prompt"])
        let wrong = KeyRing(keys: [Self.id.description: SymmetricKey(size: .bits256)])
        let right = KeyRing(keys: [Self.id.description: key])
        #expect(SealedText.open(sealed, field: "prompt", seq: 3, ring: wrong).text == nil)
        #expect(SealedText.open(sealed, field: "prompt", seq: 4, ring: right).text == nil)
        #expect(SealedText.open(sealed, field: "response", seq: 3, ring: right).text == nil)
        // Relabelled with another key id that holds the same key: the key id is bound too.
        let other = SealingKeyID(period: "2026-11", department: "it-dept", system: "city-assistant")
        guard case .object(var members) = sealed else {
            Issue.record("not an object")
            return
        }
        members[0].value = .string(other.description)
        let relabelled = JSONValue.object(members)
        let both = KeyRing(keys: [Self.id.description: key, other.description: key])
        #expect(SealedText.open(relabelled, field: "prompt", seq: 3, ring: both).text == nil)
        // A flipped ciphertext byte.
        guard case .object(var flipped) = sealed, var bytes = Data(base64Encoded: flipped[2].value.stringValue ?? "")
        else {
            Issue.record("no ciphertext")
            return
        }
        bytes[0] ^= 1
        flipped[2].value = .string(bytes.base64EncodedString())
        #expect(SealedText.open(.object(flipped), field: "prompt", seq: 3, ring: right).text == nil)
        #expect(SealedText.open(sealed, field: "prompt", seq: 3, ring: right).text == "case 17")
    }

    @Test("a destroyed key reads as erased, with its date")
    func erased() throws {
        let entry = try Self.sealedLine("case 17", key: SymmetricKey(size: .bits256))
        let ring = KeyRing(
            tombstones: [
                Self.id.description: KeyTombstone(
                    keyID: Self.id.description, destroyedAt: "2027-07-01T00:00:00.000Z", entry: 9)
            ])
        let opened = SealedText.open(entry["prompt"]!, field: "prompt", seq: 3, ring: ring)
        #expect(opened == .erased(keyID: Self.id.description, on: "2027-07-01T00:00:00.000Z"))
        #expect(opened.display == "erased by retention on 2027-07-01")
        #expect(
            SealedText.openedLine(entry, ring: ring)["prompt"]?["erased"]?.stringValue == "2027-07-01T00:00:00.000Z")
    }

    @Test("key ids: plain names kept, anything else hashed; a hostile name reaches no path")
    func keyIDs() {
        #expect(SealingKeyID(period: "2026-01", department: nil, system: nil).description == "2026-01/~none/~none")
        for hostile in [
            "../../etc", "a/b", "", ".hidden", "-rf", "Zoë", "a+b", String(repeating: "x", count: 65), "~none",
        ] {
            let id = SealingKeyID(period: "2026-01", department: hostile, system: "s")
            #expect(id.department.hasPrefix("~") && id.department.count == 17, "\(hostile)")
            #expect(!id.fileName.contains("/") && SealingKeyID(fileName: id.fileName) == id)
            #expect(SealingKeyID(parsing: id.description) == id)
        }
        #expect(SealingKeyID.bucket("Social Services") != SealingKeyID.bucket("social services"))
        for bad in ["2026-13/a/b", "2026-1/a/b", "2026-01/a", "2026-01/../b", "2026-01/a/b/c", "2026-01/~zz/b"] {
            #expect(SealingKeyID(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("an entry cut to fit its line stays within the limit once sealed")
    func fitting() throws {
        var entry = AuditEntry(event: .requestScreened)
        entry.promptRedacted = String(repeating: "\u{1}quoted \"text\" ", count: 4000)
        entry.responseRedacted = String(repeating: "answer ", count: 6000)
        let key = SymmetricKey(size: .bits256)
        entry.seal = TextSeal(keyID: Self.id, key: key)
        let line = entry.line(seq: 0, time: Date(), prev: String(repeating: "0", count: 64), limit: 65_535)
        #expect(line.count <= 65_535)
        let parsed = try JSONParser.parse(line)
        let ring = KeyRing(keys: [Self.id.description: key])
        let prompt = SealedText.open(try #require(parsed["prompt"]), field: "prompt", seq: 0, ring: ring)
        #expect(prompt.text?.hasPrefix("\u{1}quoted") == true)
        #expect(parsed["note"]?.stringValue?.contains("entry cut to fit") == true)
    }
}
