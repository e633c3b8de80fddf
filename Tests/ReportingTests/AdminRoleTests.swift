import PromptGate
import TestSupport
import Testing

@Suite struct AdminRoleTests {
    @Test func theAdminFlagSurvivesTheUsersFile() throws {
        try withTemporaryDirectorySync { folder in
            let path = folder + "/users.yaml"
            let directory = try UserDirectory(users: [])
                .adding(ProxyUser(id: "boss", department: "it", admin: true), keyHash: UserDirectory.hash("pgk_a"))
                .adding(ProxyUser(id: "jdoe", department: "parks"), keyHash: UserDirectory.hash("pgk_b"))
            try directory.save(to: path)
            let loaded = try UserDirectory.load(path: path)
            #expect(loaded.user(forKey: "pgk_a")?.admin == true)
            #expect(loaded.user(forKey: "pgk_b")?.admin == false)
        }
    }
}
