import ArgumentParser
import Foundation
import PromptGate

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage per-user proxy keys.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for a user: prints it once, stores only its SHA-256 in the users file.",
            discussion: "Give the printed key to the user for their chat tool. It cannot be shown again; to replace it, remove the user's lines and add them again.")

        @Option(help: ArgumentHelp("The users file (created with mode 0600 if missing).", valueName: "path"))
        var users: String
        @Option(help: "The user's identity as it should appear in the audit log.") var id: String
        @Option(help: "The user's department (department policies apply).") var department: String?

        func run() throws {
            if FileManager.default.fileExists(atPath: users) {
                let existing = try loadExisting()
                if existing.users.contains(where: { $0.id == id }) { throw CLIError("user '\(id)' already has a key in \(users)") }
            } else {
                guard FileManager.default.createFile(atPath: users, contents: Data("users:\n".utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError("cannot create \(users)")
                }
            }
            let key = UserDirectory.newKey()
            guard let handle = FileHandle(forWritingAtPath: users) else { throw CLIError("cannot write \(users)") }
            handle.seekToEndOfFile()
            handle.write(Data(UserDirectory.entry(id: id, department: department, key: key).utf8))
            try handle.close()
            _ = try loadExisting()  // the file still parses
            printLine(key)
            printError("users: added '\(id)' to \(users); the key above is shown only now.")
        }

        private func loadExisting() throws -> UserDirectory {
            do { return try UserDirectory.load(path: users) } catch { throw CLIError("users file error: \(error)") }
        }
    }
}
