import ArgumentParser
import AuditLog
import PromptGate

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the audit log's verifier key (creating the signing key on first use).",
        discussion: """
            The verifier key (note format name+keyid+base64) is what auditors pass to `promptgate verify --key` or \
            `tlogverify -key`. The signing key stays in DATA/log.key (mode 0600) and is never printed.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The log origin for a new key. Default: <hostname>/promptgate.", valueName: "name"))
    var origin: String?

    func run() throws {
        let folder = data.resolved
        let origin = self.origin ?? existingOrigin(folder) ?? GateConfiguration.defaultOrigin()
        do {
            let (key, outcome) = try LogKeyStore.loadOrCreate(directory: folder, origin: origin)
            if outcome == .created {
                printError("PromptGate: generated a new signing key in \(folder)/log.key (secret); the verifier key is in \(folder)/log.vkey.")
            }
            print(key.verifierKey.text)
        } catch {
            printError("keys: \(error)")
            throw ExitCode(2)
        }
    }

    /// The origin of an existing verifier key, so `keys` never fails on a custom origin.
    private func existingOrigin(_ folder: String) -> String? {
        (try? LogKeyStore.verifierKey(argument: "@" + folder + "/log.vkey"))?.name
    }
}
