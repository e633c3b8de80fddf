import ArgumentParser
import AuditLog
import AuditLogPostgres
import Foundation
import PromptGate

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Erase the texts of periods past their retention; place and release legal holds.",
        discussion: """
            Each entry's prompt and answer texts are sealed with a key per month, department and AI system. `apply` \
            destroys the keys whose retention has run out (the system's `retention` in the AI registry, else \
            --retention-days / audit.retention_days / $PROMPTGATE_RETENTION_DAYS, counted from the end of the month) \
            unless a legal hold covers them. Every step is an entry in the log; lines, checkpoints and proofs stay \
            valid. With the file log, run it with the proxy stopped (it takes the log's lock); with --log \
            postgres://… while the proxies run.
            """,
        subcommands: [Status.self, Apply.self, Hold.self, Release.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "List the keys by period with their retention, due date and holds.")
        @OptionGroup var options: RetentionOptions

        func run() async throws {
            try await retentionCommand {
                let spans = try options.spans()
                try await options.withKeys { keys in try await show(keys: keys, spans: spans) }
            }
        }

        private func show(keys: any RetentionKeyStore, spans: RetentionOptions.Spans) async throws {
            let now = AuditClock.now()
            let plan = try await Retention(keys: keys) { _ in 0 }.plan(spanOf: spans.span)
            for item in plan.items {
                var text = item.id.description
                if let tombstone = item.destroyed {
                    text += "  erased on \(tombstone.destroyedAt.prefix(10))"
                    if let entry = tombstone.entry { text += " (entry #\(entry))" }
                } else if let due = item.due {
                    text += "  due \(AuditEntry.rfc3339(due).prefix(10)) (\(spans.origin(item.id, item.span)))"
                    if item.destroyNow(at: now) { text += "  DUE NOW" }
                } else {
                    text += "  kept: no retention set"
                }
                for hold in item.holds { text += "  held since \(hold.placedAt.prefix(10))" }
                print(text)
            }
            for hold in try await keys.holds() {
                let scope = hold.department.map { "department \(TerminalText.quoted($0))" } ?? "all departments"
                print(
                    "hold \(hold.period) \(scope) since \(hold.placedAt.prefix(10)): "
                        + TerminalText.quoted(hold.reason))
            }
            printError("\(plan.items.count) key(s), \(plan.due(at: now).count) due now")
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Destroy the keys of periods past their retention that no legal hold covers; record it.")
        @OptionGroup var options: RetentionOptions

        func run() async throws {
            try await retentionCommand {
                let spans = try options.spans()
                try await options.withRetention { retention in
                    let destroyed = try await retention.apply(now: AuditClock.now(), spanOf: spans.span)
                    for tombstone in destroyed { print("erased \(tombstone.keyID)") }
                    printError("retention: \(destroyed.count) key(s) destroyed, recorded in the log")
                }
            }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold",
            abstract: "Place a legal hold on a month's texts (of one department, or all): apply keeps them.")
        @Argument(help: ArgumentHelp("The month, YYYY-MM (UTC).", valueName: "period")) var period: String
        @Option(help: "Only this department (as entries name it); default: every department.") var department: String?
        @Option(help: "Why (recorded in the log): the case, request or law.") var reason: String
        @OptionGroup var options: RetentionOptions

        func run() async throws {
            try await retentionCommand {
                try await options.withRetention { retention in
                    let seq = try await retention.hold(
                        period: period, department: department, reason: reason, now: AuditClock.now())
                    printError("retention: hold on \(period) recorded as entry #\(seq)")
                }
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release",
            abstract: "Release the legal holds on a month (for one department, or the whole-month ones).")
        @Argument(help: ArgumentHelp("The month, YYYY-MM (UTC).", valueName: "period")) var period: String
        @Option(help: "The department the hold named; default: the holds on every department.") var department: String?
        @Option(help: "Why (recorded in the log).") var reason: String
        @OptionGroup var options: RetentionOptions

        func run() async throws {
            try await retentionCommand {
                try await options.withRetention { retention in
                    let released = try await retention.release(
                        period: period, department: department, reason: reason, now: AuditClock.now())
                    printError("retention: \(released.count) hold(s) on \(period) released and recorded")
                }
            }
        }
    }
}

/// Where the log and its keys are, and the retention that applies.
struct RetentionOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(
        help: ArgumentHelp(
            "The log: postgres://… for a log shared in PostgreSQL (keys in the same database).",
            discussion: "Default: the file log in the data folder, keys in DATA/retention.", valueName: "url"))
    var log: String?
    @Option(help: ArgumentHelp("The AI registry folder: each system's `retention`.", valueName: "folder"))
    var registry: String?
    @Option(help: "Days a month's texts are kept after it ends, for systems the registry gives no retention.")
    var retentionDays: Int?
    @Option(help: ArgumentHelp("A configuration file (audit.retention_days, registry, data).", valueName: "file"))
    var config: String?

    /// The retention of each key: its system's in the registry, else the default; and where that came from.
    struct Spans {
        var bySystem: [String: (RetentionSpan, String)]
        var fallback: (RetentionSpan, String)?

        func span(_ id: SealingKeyID) -> RetentionSpan? { (bySystem[id.system] ?? fallback)?.0 }
        func origin(_ id: SealingKeyID, _ span: RetentionSpan?) -> String {
            guard let span else { return "no retention" }
            return "\(span), \((bySystem[id.system] ?? fallback)?.1 ?? "")"
        }
    }

    func settings() throws -> ProxySettings { try ProxySettings.load(file: config) }

    func spans() throws -> Spans {
        let settings = try settings()
        var spans = Spans(bySystem: [:], fallback: nil)
        if let days = try retentionDays ?? settings.int("retention_days") {
            spans.fallback = (.days(days), retentionDays == nil ? "audit.retention_days" : "--retention-days")
        }
        if let folder = registry ?? settings.string("registry") {
            for entry in try Registry.load(directory: folder).entries {
                guard let text = entry.retention, let span = RetentionSpan(text: text) else { continue }
                spans.bySystem[SealingKeyID.bucket(entry.id)] = (span, "registry: \(entry.id)")
            }
        }
        return spans
    }

    var folder: String { data.resolved(configured: (try? settings())?.string("data")) }

    /// The PostgreSQL log named by `--log`, else by the configuration (`audit.log`, `$PROMPTGATE_LOG`); nil for
    /// the file log. Its password, when the URL has none, from `$PROMPTGATE_LOG_PASSWORD`.
    var postgresURL: PostgresLogURL? {
        get throws {
            let settings = try settings()
            guard let text = log ?? settings.string("log"), PostgresLogURL.looksLikeURL(text) else { return nil }
            do {
                return try PostgresLogURL(text, passwordIfNone: settings.secrets["PROMPTGATE_LOG_PASSWORD"]?.value)
            } catch {
                throw AuditLogError.io(path: "--log", reason: error.description)
            }
        }
    }

    /// Runs `body` with the log's key store: the data folder's, or the PostgreSQL log's (its connection closed
    /// afterwards, whatever `body` did).
    func withKeys<T>(_ body: (any RetentionKeyStore) async throws -> T) async throws -> T {
        guard let url = try postgresURL else { return try await body(FileRetentionKeyStore(dataDirectory: folder)) }
        let store = PostgresRetentionKeyStore(url: url)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Opens the log for appending (the file log under its lock), runs `body`, and closes it with a signed
    /// checkpoint.
    func withRetention(_ body: (Retention) async throws -> Void) async throws {
        let folder = folder
        guard let keys = try LogKeyStore.load(directory: folder), let origin = keys.first?.name else {
            throw AuditLogError.badKey("no signing key in \(folder); start the proxy once first")
        }
        let request = AuditTrailRequest(
            configuration: AuditLogConfiguration(directory: folder, origin: origin, checkpointInterval: nil),
            signingKeys: keys, startNewLog: false)
        let trail: any AuditTrail
        if let url = try postgresURL {
            trail = try await PostgresAuditLog.open(request, settings: .init(url: url))
        } else {
            trail = try await AuditLogStore.open(request)
        }
        do {
            try await withKeys { keys in
                try await body(Retention(keys: keys) { entry in try await trail.append(entry).seq })
            }
        } catch {
            try? await trail.close()
            throw error
        }
        try await trail.close()
    }
}

/// Runs a retention command, turning its errors into a message and exit status 2.
private func retentionCommand(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as AuditLogError {
        printError("retention: \(error)")
        throw ExitCode(2)
    } catch let error as ConfigurationError {
        printError("retention: \(error)")
        throw ExitCode(2)
    }
}
