import ArgumentParser
import AuditLog
import PromptGate

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, rotate or retire the audit log's signing keys.",
        discussion: """
            The verifier key (note format name+keyid+base64) is what auditors pass to `promptgate verify --key` or \
            `tlogverify -key`. Signing keys stay in DATA/log.key (mode 0600) and are never printed.
            """,
        subcommands: [Show.self, Rotate.self, Retire.self], defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the verifier key (creating the signing key on first use).")

        @OptionGroup var data: DataOptions

        @Option(help: ArgumentHelp("The log origin for a new key. Default: <hostname>/promptgate.", valueName: "name"))
        var origin: String?

        func run() throws {
            let folder = data.resolved
            let origin =
                self.origin ?? (try? LogKeyStore.load(directory: folder))??.first?.name
                ?? GateConfiguration.defaultOrigin()
            do {
                let (keys, outcome) = try LogKeyStore.loadOrCreate(directory: folder, origin: origin)
                if outcome == .created {
                    printError(
                        "PromptGate: generated a new signing key in \(folder)/log.key (secret); the verifier key is in \(folder)/log.vkey."
                    )
                }
                for key in keys { print(key.verifierKey.text) }
            } catch {
                printError("keys: \(error)")
                throw ExitCode(2)
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new signing key; old and new both sign until `keys retire`.",
            discussion: """
                Run with the proxy stopped (the log is locked while it runs). Records a key.rotated entry and signs a \
                checkpoint with both keys, so auditors holding either verifier key can check it. Hand the new \
                DATA/log.vkey to auditors, then retire the old key after the overlap.
                """)

        @OptionGroup var data: DataOptions

        func run() async throws {
            let folder = data.resolved
            try await withStoppedLog(folder) { () throws(AuditLogError) -> AuditEntry in
                let key = try LogKeyStore.rotate(directory: folder)
                var entry = AuditEntry(event: .keyRotated)
                entry.note =
                    "new checkpoint signing key \(key.verifierKey.text); the previous key signs too until retired"
                printLine(key.verifierKey.text)
                return entry
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop every signing key but the newest. Run with the proxy stopped.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let folder = data.resolved
            try await withStoppedLog(folder) { () throws(AuditLogError) -> AuditEntry in
                let retired = try LogKeyStore.retire(directory: folder)
                var entry = AuditEntry(event: .keyRetired)
                entry.note =
                    retired.isEmpty
                    ? "no key to retire" : "retired " + retired.map(\.verifierKey.text).joined(separator: ", ")
                return entry
            }
        }
    }
}

/// Changes the keys while holding the log's lock, records the change, and signs a checkpoint with the new set.
private func withStoppedLog(_ folder: String, _ change: () throws(AuditLogError) -> AuditEntry) async throws {
    do {
        guard let before = try LogKeyStore.load(directory: folder), let origin = before.first?.name else {
            throw AuditLogError.badKey("no signing key in \(folder); start the proxy once or run `promptgate keys`")
        }
        // Hold the log's lock while the keys change, so a running proxy is never left signing with stale ones.
        let store = try AuditLogStore(
            configuration: AuditLogConfiguration(directory: folder, origin: origin, checkpointInterval: nil),
            signingKeys: before)
        let entry = try change()
        guard let after = try LogKeyStore.load(directory: folder) else {
            throw AuditLogError.badKey("the keys vanished")
        }
        try await store.replaceSigningKeys(after)
        _ = try await store.append(entry)
        try await store.close()
        printError("keys: recorded \(entry.event.rawValue); checkpoint signed by \(after.count) key(s)")
    } catch let error as AuditLogError {
        printError("keys: \(error)")
        throw ExitCode(2)
    }
}
