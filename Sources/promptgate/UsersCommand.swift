import ArgumentParser
import Foundation
import PromptGate

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage per-user proxy keys.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create a key for a user: prints it once, stores only its SHA-256 in the users file.",
            discussion: """
                Give the printed key to the user for their chat tool. It cannot be shown again; to replace it, remove \
                the user's lines and add them again.

                Ids and departments are 1–\(UserDirectory.maxNameLength) characters: \(UserDirectory.allowedNameCharacters) \
                (e.g. jdoe, j.doe@city.example, social-services); anything else is refused before the file is touched.

                The whole users file is rewritten from what it holds plus the new user: written to a temporary file \
                beside it (mode 0600), read back, then renamed over it. Comments and formatting in an existing users \
                file do not survive the rewrite.
                """)

        @Option(help: ArgumentHelp("The users file (created with mode 0600 if missing).", valueName: "path"))
        var users: String
        @Option(help: "The user's identity as it should appear in the audit log (letters, digits, '.', '_', '-', '@').")
        var id: String
        @Option(help: "The user's department (department policies apply; same characters as --id).")
        var department: String?
        @Flag(help: "The user may open the proxy's /admin page (the live report) with this key.")
        var admin = false

        func run() throws {
            let existing: UserDirectory
            if FileManager.default.fileExists(atPath: users) {
                do { existing = try UserDirectory.load(path: users) } catch {
                    throw CLIError("users file error: \(error)")
                }
            } else {
                existing = UserDirectory(users: [])
            }
            let key = UserDirectory.newKey()
            do {
                try existing.adding(
                    ProxyUser(id: id, department: department, admin: admin), keyHash: UserDirectory.hash(key)
                ).save(
                    to: users)
            } catch {
                throw CLIError("users: \(error); \(users) is unchanged")
            }
            printLine(key)
            printError("users: added '\(id)' to \(users); the key above is shown only now.")
        }
    }
}
