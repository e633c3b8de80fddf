import ArgumentParser
import AuditLog
import AuditLogPostgres
import Foundation
import PromptGate

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Show, rotate or retire the audit log's signing keys.",
        discussion: """
            The verifier key (note format name+keyid+base64) is what auditors pass to `promptgate verify --key` or \
            `tlogverify -key`. Signing keys stay in DATA/log.key (mode 0600) and are never printed.
            """,
        subcommands: [Show.self, Rotate.self, Retire.self], defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
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
            commandName: "rotate",
            abstract: "Add a new signing key; old and new both sign until `keys retire`.",
            discussion: """
                Run with the proxy stopped (the log is locked while it runs). Records a key.rotated entry and signs a \
                checkpoint with both keys, so auditors holding either verifier key can check it. Hand the new \
                DATA/log.vkey to auditors, then retire the old key after the overlap.

                With --log postgres://… the proxies keep running: the new verifier key is added to the log's keys in \
                the database (audit_meta.verifier_keys), so every proxy and `verify --log` accept it. Copy the new \
                DATA/log.key and log.vkey to every proxy of the log and restart them one by one.
                """)

        @OptionGroup var data: DataOptions
        @OptionGroup var store: KeysLogOption

        func run() async throws {
            let folder = data.resolved
            try await withStoppedLog(folder, url: try store.url()) { () throws(AuditLogError) -> AuditEntry in
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
            commandName: "retire",
            abstract: "Stop every signing key but the newest. Run with the proxy stopped (a file log).")

        @OptionGroup var data: DataOptions
        @OptionGroup var store: KeysLogOption

        func run() async throws {
            let folder = data.resolved
            try await withStoppedLog(folder, url: try store.url()) { () throws(AuditLogError) -> AuditEntry in
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

/// The log whose keys change: the data folder's file log, or a log in PostgreSQL.
struct KeysLogOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The log, when it is shared in PostgreSQL: postgres://… (default: $PROMPTGATE_LOG if it is one, else the file log in DATA).",
            discussion: "A URL without a password takes it from $PROMPTGATE_LOG_PASSWORD.", valueName: "url"))
    var log: String?

    /// The PostgreSQL log named, or nil for the file log.
    func url() throws -> PostgresLogURL? {
        let environment = ProcessInfo.processInfo.environment
        guard let text = log ?? environment["PROMPTGATE_LOG"], PostgresLogURL.looksLikeURL(text) else {
            if let log, log != "file" { throw ValidationError("--log must be a postgres:// URL or file") }
            return nil
        }
        do {
            return try PostgresLogURL(text, passwordIfNone: environment["PROMPTGATE_LOG_PASSWORD"])
        } catch {
            throw ValidationError("--log: \(error.description)")
        }
    }
}

/// Changes the keys while holding the log (the file log's lock, or a writer of the PostgreSQL log), records the
/// change, and signs a checkpoint with the new set (on PostgreSQL: if no running proxy holds the signer lease).
private func withStoppedLog(
    _ folder: String, url: PostgresLogURL?, _ change: () throws(AuditLogError) -> AuditEntry
) async throws {
    do {
        guard let before = try LogKeyStore.load(directory: folder), let origin = before.first?.name else {
            throw AuditLogError.badKey("no signing key in \(folder); start the proxy once or run `promptgate keys`")
        }
        let configuration = AuditLogConfiguration(directory: folder, origin: origin, checkpointInterval: nil)
        let store: any AuditTrail
        if let url {
            store = try await PostgresAuditLog.open(
                AuditTrailRequest(configuration: configuration, signingKeys: before, startNewLog: false),
                settings: .init(url: url))
        } else {
            // Hold the log's lock while the keys change, so a running proxy is never left signing with stale ones.
            store = try AuditLogStore(configuration: configuration, signingKeys: before)
        }
        do {
            let entry = try change()
            guard let after = try LogKeyStore.load(directory: folder) else {
                throw AuditLogError.badKey("the keys vanished")
            }
            try await store.replaceSigningKeys(after)
            _ = try await store.append(entry)
            let signs = await store.health().holdsSignerLease
            try await store.close()
            printError(
                "keys: recorded \(entry.event.rawValue); "
                    + (signs
                        ? "checkpoint signed by \(after.count) key(s)"
                        : "the log's keys in the database updated; the proxy holding the signer lease signs with its own keys until restarted with these")
            )
        } catch {
            try? await store.close()
            throw error
        }
    } catch let error as AuditLogError {
        printError("keys: \(error)")
        throw ExitCode(2)
    }
}
