import Foundation
import TestSupport
import Testing

@testable import PromptGate
@testable import Screening

@Suite("Users file: ids are checked and the file is written by a YAML emitter, atomically")
struct UsersFileTests {
    static let hashA = String(repeating: "a", count: 64)
    static let hashB = String(repeating: "b", count: 64)

    @Test("ids and departments outside letters, digits, '.', '_', '-', '@' or over 128 characters are refused")
    func validation() throws {
        for good in ["jdoe", "j.doe@city.example", "svc_bot-2", String(repeating: "x", count: 128)] {
            try UserDirectory.validateName(good, what: "user id")
        }
        for bad in [
            "", "x\n  - id: mallory", "x: [broken", "a b", "#x", "é", "x\u{1B}", String(repeating: "x", count: 129),
        ] {
            #expect(throws: UsersFileError.self, "\(bad.debugDescription)") {
                try UserDirectory.validateName(bad, what: "user id")
            }
        }
        let directory = UserDirectory(users: [])
        #expect(throws: UsersFileError.self) {
            try directory.adding(ProxyUser(id: "ok", department: "parks\nusers: []"), keyHash: Self.hashA)
        }
        let one = try directory.adding(ProxyUser(id: "ok"), keyHash: Self.hashA)
        #expect(throws: UsersFileError.self) { try one.adding(ProxyUser(id: "ok"), keyHash: Self.hashB) }
    }

    @Test("text that would be YAML syntax round-trips as text: the emitter quotes it")
    func emitterQuotes() throws {
        // Ids a hand-written file may already hold (load does not apply the new-user charset).
        let tricky = [
            "x\n  - id: mallory\n    key_sha256: " + Self.hashB, "x: [broken", "true", "123", "null", "- a", "#c",
            "'q\"",
        ]
        let directory = UserDirectory(
            users: tricky.enumerated().map { index, id in
                (
                    ProxyUser(id: id, department: index % 2 == 0 ? "dept: {x" : nil),
                    index % 2 == 0 ? Self.hashA : Self.hashB
                )
            })
        try withTemporaryDirectorySync { folder in
            let path = folder + "/users.yaml"
            try directory.save(to: path)
            let back = try UserDirectory.load(path: path)
            #expect(back.users == directory.users)
            #expect(back.entries.map(\.keyHash) == directory.entries.map(\.keyHash))
            #expect(back.users.map(\.id) == tricky)
        }
    }

    @Test("saving keeps every existing user and key hash, writes mode 0600 and leaves no temporary file")
    func saveRoundTrips() throws {
        try withTemporaryDirectorySync { folder in
            let path = folder + "/users.yaml"
            let existing =
                "users:\n  # comment\n  - id: jdoe\n    department: parks\n    key_sha256: \(Self.hashA)\n  - id: svc\n    key_sha256: \(Self.hashB)\n"
            try existing.write(toFile: path, atomically: true, encoding: .utf8)
            let key = UserDirectory.newKey()
            try UserDirectory.load(path: path)
                .adding(
                    ProxyUser(id: "alice@city.example", department: "social-services"), keyHash: UserDirectory.hash(key)
                )
                .save(to: path)
            let back = try UserDirectory.load(path: path)
            #expect(
                back.users == [
                    ProxyUser(id: "jdoe", department: "parks"), ProxyUser(id: "svc"),
                    ProxyUser(id: "alice@city.example", department: "social-services"),
                ])
            #expect(back.user(forKey: key)?.id == "alice@city.example")
            #expect(back.entries.map(\.keyHash) == [Self.hashA, Self.hashB, UserDirectory.hash(key)])
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["users.yaml"])
        }
    }

    @Test("when the rewritten file does not read back, the old file stays as it was and no temporary file is left")
    func failureLeavesFile() throws {
        try withTemporaryDirectorySync { folder in
            let path = folder + "/users.yaml"
            let existing = "users:\n  - id: jdoe\n    key_sha256: \(Self.hashA)\n"
            try existing.write(toFile: path, atomically: true, encoding: .utf8)
            // Two users with one id: written fine, refused by load, so never renamed into place.
            let twice = UserDirectory(users: [(ProxyUser(id: "a"), Self.hashA), (ProxyUser(id: "a"), Self.hashB)])
            #expect(throws: UsersFileError.self) { try twice.save(to: path) }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == existing)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["users.yaml"])
            #expect(throws: UsersFileError.self) { try twice.save(to: folder + "/missing-folder/users.yaml") }
        }
    }

    @Test("the one-user entry helper is emitted YAML too: a newline in an id cannot add a user")
    func entryHelper() throws {
        let key = UserDirectory.newKey()
        let yaml =
            "users:\n"
            + UserDirectory.entry(id: "x\n  - id: mallory\n    key_sha256: \(Self.hashB)", department: nil, key: key)
        try withTemporaryDirectorySync { folder in
            let path = folder + "/users.yaml"
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let back = try UserDirectory.load(path: path)
            #expect(back.users.count == 1 && back.users.first?.id.hasPrefix("x\n") == true)
            #expect(back.user(forKey: key) != nil)
        }
    }
}
