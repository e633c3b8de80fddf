import Foundation
import TestSupport
import Testing

@testable import PromptGate
@testable import Screening

@Suite("Identity: per-user proxy keys, stored hashed")
struct IdentityTests {
    @Test("keys are random, the file stores only their hash, and lookups find the user")
    func directory() throws {
        let key = UserDirectory.newKey()
        #expect(key.hasPrefix("pgk_") && key.count == 47)
        #expect(UserDirectory.newKey() != key)
        let yaml = "users:\n" + UserDirectory.entry(id: "jdoe", department: "social-services", key: key)
        #expect(!yaml.contains(key))
        try withTemporaryDirectorySync { directory in
            let path = directory + "/users.yaml"
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let users = try UserDirectory.load(path: path)
            #expect(users.user(forKey: key) == ProxyUser(id: "jdoe", department: "social-services"))
            #expect(users.user(forKey: key + "x") == nil)
            #expect(users.user(forKey: "") == nil)
        }
    }

    @Test("a users file holding a key instead of its hash is refused, with its line")
    func plaintextKeyRefused() throws {
        try withTemporaryDirectorySync { directory in
            let path = directory + "/users.yaml"
            try "users:\n  - id: jdoe\n    key_sha256: pgk_notahash\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try UserDirectory.load(path: path)
                Issue.record("accepted a plaintext key")
            } catch {
                #expect("\(error)".hasPrefix(path + ":3"), "\(error)")
                #expect("\(error)".contains("never the key"))
            }
        }
    }

    @Test("the gate identifies Bearer and x-api-key callers, rejects unknown keys, and is anonymous without a file")
    func identify() async throws {
        let key = UserDirectory.newKey()
        let users = UserDirectory(users: [(ProxyUser(id: "jdoe", department: "parks"), UserDirectory.hash(key))])
        try await withTemporaryDirectory { directory in
            var configuration = GateConfiguration(
                upstreamBaseURL: "http://127.0.0.1:1/v1", packs: try GuidelineLoader.embedded(),
                dataDirectory: directory,
                logOrigin: "test.example/id")
            configuration.users = users
            let (gate, _) = try await Gate.start(configuration)
            #expect(
                gate.identify(authorization: "Bearer \(key)", apiKey: nil)
                    == .user(ProxyUser(id: "jdoe", department: "parks")))
            #expect(gate.identify(authorization: nil, apiKey: key) == .user(ProxyUser(id: "jdoe", department: "parks")))
            #expect(gate.identify(authorization: "Bearer sk-someone-elses", apiKey: nil) == .rejected)
            #expect(gate.identify(authorization: nil, apiKey: nil) == .rejected)
            try await gate.shutdown()
        }
        try await withTemporaryDirectory { directory in
            let (gate, _) = try await Gate.start(
                GateConfiguration(
                    upstreamBaseURL: "http://127.0.0.1:1/v1", packs: try GuidelineLoader.embedded(),
                    dataDirectory: directory,
                    logOrigin: "test.example/id"))
            #expect(gate.identify(authorization: "Bearer anything", apiKey: nil) == .anonymous)
            try await gate.shutdown()
        }
    }
}
