import Crypto
import Foundation
import Testing

@testable import AuditLog

@Suite("AuditLog: C2SP tlog-cosignature v1")
struct CosignatureTests {
    static let witness = try! CosignerKey(name: "w1.example/witness", seed: Array(repeating: 7, count: 32))
    static let log = try! LogSigningKey(name: "log.example/pg", seed: Array(repeating: 3, count: 32))
    static let checkpoint = Checkpoint(origin: "log.example/pg", size: 3, root: Array(repeating: 0xAB, count: 32))

    @Test("a cosignature made for a checkpoint verifies, with its time, and the log's own signature still opens")
    func roundTrip() throws {
        let note = try Self.checkpoint.signed(by: [Self.log])
        let line = try Self.witness.cosign(body: Self.checkpoint.body, time: 1_700_000_000)
        let cosigned = note + line
        let vouches = Cosignature.vouches(note: cosigned, witnesses: [Self.witness.verifierKey])
        #expect(vouches == [Cosignature.Vouch(key: Self.witness.verifierKey, time: 1_700_000_000)])
        #expect(try Checkpoint.open(note: cosigned, trusted: [Self.log.verifierKey]) == Self.checkpoint)
        // The cosignature line: em dash, name, base64 of key ID (4) ‖ time (8, big-endian) ‖ Ed25519 (64).
        let fields = line.dropLast().split(separator: " ")
        #expect(fields[0] == "\u{2014}" && fields[1] == "w1.example/witness")
        let raw = try #require(Data(base64Encoded: String(fields[2])))
        #expect(raw.count == 76)
        #expect(Array(raw.prefix(4)) == Self.witness.keyID)
        #expect(Array(raw.dropFirst(4).prefix(8)) == [0, 0, 0, 0, 0x65, 0x53, 0xF1, 0x00])
        // The signed message is the spec's: two header lines, then the body with its final newline.
        let message =
            Array("cosignature/v1\ntime 1700000000\nlog.example/pg\n3\n".utf8)
            + Array((Data(Self.checkpoint.root).base64EncodedString() + "\n").utf8)
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: Self.witness.publicKey)
        #expect(publicKey.isValidSignature(Data(raw.dropFirst(12)), for: message))
    }

    @Test("the key ID hashes signature type 0x04, not the note type 0x01")
    func keyIDType() throws {
        let key = Self.witness.verifierKey
        let expected = Array(SHA256.hash(data: Array("w1.example/witness\n".utf8) + [0x04] + key.publicKey).prefix(4))
        #expect(key.keyID == expected)
        #expect(key.keyID != LogVerifierKey(name: key.name, publicKey: key.publicKey).keyID)
        #expect(key.text.hasPrefix("w1.example/witness+\(hexString(expected))+"))
        let material = try #require(Data(base64Encoded: String(key.text.split(separator: "+", maxSplits: 2)[2])))
        #expect(Array(material) == [0x04] + key.publicKey)
        #expect(try CosignerVerifierKey(text: key.text) == key)
        let signer = try CosignerKey(signerKey: Self.witness.signerKeyText)
        #expect(signer.verifierKey == key)
        // A log key is no witness key, and the other way round.
        #expect(throws: AuditLogError.self) { try CosignerVerifierKey(text: Self.log.verifierKey.text) }
        #expect(throws: AuditLogError.self) { try LogVerifierKey(text: key.text) }
    }

    @Test("a changed timestamp, body, or key name is rejected")
    func tampering() throws {
        let note = try Self.checkpoint.signed(by: [Self.log])
        let line = try Self.witness.cosign(body: Self.checkpoint.body, time: 1_700_000_000)
        let keys = [Self.witness.verifierKey]
        var raw = try #require(Data(base64Encoded: String(line.dropLast().split(separator: " ")[2])))
        raw[11] ^= 1  // the last byte of the timestamp
        let retimed = "\u{2014} w1.example/witness \(raw.base64EncodedString())\n"
        #expect(Cosignature.vouches(note: note + retimed, witnesses: keys).isEmpty)
        let other = Checkpoint(origin: "log.example/pg", size: 4, root: Self.checkpoint.root)
        let otherNote = try other.signed(by: [Self.log])
        #expect(Cosignature.vouches(note: otherNote + line, witnesses: keys).isEmpty)
        let renamed = line.replacingOccurrences(of: "w1.example/witness", with: "w2.example/witness")
        #expect(Cosignature.vouches(note: note + renamed, witnesses: keys).isEmpty)
        #expect(Cosignature.vouches(note: note + line, witnesses: keys).count == 1)
    }

    @Test("the witness key is written 0600 in a 0700 folder, loaded again, and never replaced")
    func keyFiles() throws {
        let directory = NSTemporaryDirectory() + "promptgate-witness-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: AuditLogError.self) { try WitnessKeyStore.loadOrCreate(directory: directory, name: nil) }
        let (key, outcome) = try WitnessKeyStore.loadOrCreate(directory: directory, name: "w.example/witness")
        #expect(outcome == .created)
        let mode = { (path: String) in
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
        }
        #expect(mode(directory) == 0o700)
        #expect(mode(WitnessKeyStore.keyPath(directory)) == 0o600)
        let vkey = try String(contentsOfFile: WitnessKeyStore.verifierKeyPath(directory), encoding: .utf8)
        #expect(try CosignerVerifierKey(text: vkey) == key.verifierKey)
        let (again, second) = try WitnessKeyStore.loadOrCreate(directory: directory, name: nil)
        #expect(second == .loaded && again.verifierKey == key.verifierKey)
        #expect(throws: AuditLogError.self) { try WitnessKeyStore.write(key, directory: directory) }
        #expect(throws: AuditLogError.self) { try WitnessKeyStore.loadOrCreate(directory: directory, name: "other") }
    }
}
