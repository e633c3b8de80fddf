import ArgumentParser
import AuditLog
import Foundation
import Logging
import PromptGate
import PromptGateServer

struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run a witness: cosign a log's checkpoints only while its history only grows.",
        discussion: """
            A witness (the city auditor, the clerk, a neighbouring city) keeps the latest checkpoint it cosigned for \
            each log it knows, checks every new one against it with a consistency proof, refuses a fork or a \
            rollback, and cosigns the rest (C2SP tlog-witness and tlog-cosignature v1, Ed25519). Its verifier key \
            goes into the proxy's and the auditors' witness policy files.
            """,
        subcommands: [Serve.self, Keygen.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Create the witness's cosigning key and print its verifier key for policy files.")

        @Option(help: ArgumentHelp("The witness's name, e.g. auditor.city.example/witness.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("The witness's folder (created with mode 0700).", valueName: "folder"))
        var out: String

        func run() throws {
            do {
                if let existing = try WitnessKeyStore.load(directory: out) {
                    printError("witness: \(WitnessKeyStore.keyPath(out)) exists (\(existing.name)); it is kept.")
                    throw ExitCode(2)
                }
                let key = try CosignerKey(generatingFor: name)
                try WitnessKeyStore.write(key, directory: out)
                printError(
                    "PromptGate witness: generated \(WitnessKeyStore.keyPath(out)) (secret, mode 0600); the verifier key for policy files is in \(WitnessKeyStore.verifierKeyPath(out)):"
                )
                print(key.verifierKey.text)
            } catch let error as AuditLogError {
                printError("witness: \(error)")
                throw ExitCode(2)
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Answer add-checkpoint requests (POST /add-checkpoint) for the logs given.",
            discussion: """
                The listen address is the witness's submission prefix: give the proxy http://HOST:PORT in its \
                witness policy. The latest cosigned checkpoint of each log is kept in DATA/logs/ and written \
                durably before each cosignature is returned; refused forks and rollbacks signed by the log are kept \
                in DATA/evidence/. Never restart a witness with its DATA lost: it would cosign what it refused.
                """)

        @Option(help: ArgumentHelp("The witness's folder: its key and state (mode 0700).", valueName: "folder"))
        var data: String

        @Option(
            help: ArgumentHelp(
                "Address to listen on. Loopback by default; listen wider only behind a firewall.",
                valueName: "host:port"))
        var listen = "127.0.0.1:8788"

        @Option(
            help: ArgumentHelp(
                "A log's verifier key, literal or @file (repeatable): the logs this witness cosigns for.",
                valueName: "key"))
        var log: [String] = []

        @Option(
            help: ArgumentHelp(
                "The witness's name, to create its key on first run (else `witness keygen`).", valueName: "name"))
        var name: String?

        func run() async throws {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            guard !log.isEmpty else { throw ValidationError("give at least one --log key: the logs to witness") }
            guard let (host, port) = parseListen(listen) else {
                throw ValidationError("--listen: expected HOST:PORT, e.g. 127.0.0.1:8788")
            }
            let witness: WitnessCosigner
            do throws(AuditLogError) {
                let logs = try log.map { argument throws(AuditLogError) in
                    try LogKeyStore.verifierKey(argument: argument)
                }
                let (key, outcome) = try WitnessKeyStore.loadOrCreate(directory: data, name: name)
                if outcome == .created {
                    printError(
                        """
                        PromptGate witness: generated a new cosigning key in \(WitnessKeyStore.keyPath(data)) (secret, mode 0600).
                        PromptGate witness: give the logs and auditors the verifier key in \(WitnessKeyStore.verifierKeyPath(data)):
                          \(key.verifierKey.text)
                        """)
                }
                witness = try WitnessCosigner(key: key, logs: logs, directory: data)
            } catch {
                printError("witness: \(error)")
                throw ExitCode(2)
            }
            let names = witness.logs.keys.sorted().joined(separator: ", ")
            let server = WitnessServer(witness: witness, host: host, port: port)
            try await server.run { bound in
                printLine("PromptGate witness \(witness.key.name) listening on http://\(host):\(bound) for \(names)")
            }
        }

        private func parseListen(_ text: String) -> (String, Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (0...65535).contains(port)
            else { return nil }
            let host = String(text[..<colon])
            return (host.isEmpty ? "127.0.0.1" : host, port)
        }
    }
}

extension Verify {
    /// The witnesses whose cosignatures the checkpoints must carry: the policy file, or the `--witness` keys with
    /// `--witness-quorum` of them (default all); nil when neither is given.
    func witnessRule() throws -> WitnessPolicy? {
        if let witnessPolicy {
            guard witness.isEmpty, witnessQuorum == nil else {
                throw ValidationError("give --witness-policy, or --witness keys with --witness-quorum, not both")
            }
            do {
                return try WitnessPolicy.load(path: witnessPolicy)
            } catch {
                printError("verify: \(error)")
                throw ExitCode(2)
            }
        }
        guard !witness.isEmpty else {
            if witnessQuorum != nil { throw ValidationError("--witness-quorum needs --witness keys") }
            return nil
        }
        let keys: [CosignerVerifierKey]
        do {
            keys = try witness.map { argument throws(AuditLogError) in try CosignerVerifierKey(argument: argument) }
        } catch {
            printError("verify: --witness: \(error)")
            throw ExitCode(2)
        }
        let quorum = witnessQuorum ?? keys.count
        guard (1...keys.count).contains(quorum) else {
            throw ValidationError("--witness-quorum must be between 1 and the \(keys.count) --witness key(s)")
        }
        return WitnessPolicy(
            witnesses: keys.map { WitnessPolicy.Witness(name: $0.name, key: $0) },
            quorum: .group(name: "witnesses", threshold: quorum, members: keys.indices.map { .witness($0) }))
    }

    /// Says which witnesses vouched for each checkpoint (name, time), and fails a checkpoint below the quorum.
    func checkCosignatures(
        _ inputs: [LogVerifier.CheckpointInput], policy: WitnessPolicy, report: inout VerificationReport
    ) {
        let format = ISO8601DateFormatter()
        for input in inputs {
            let vouches = policy.vouches(note: input.note)
            for (index, vouch) in vouches {
                let when = format.string(from: Date(timeIntervalSince1970: TimeInterval(vouch.time)))
                report.notes.append(
                    "\(input.label): witness \(policy.witnesses[index].name) (\(vouch.key.name)+\(hexString(vouch.key.keyID))) cosigned it at \(when)"
                )
            }
            let names = vouches.map { policy.witnesses[$0.index].name }
            if policy.isSatisfied(by: Set(vouches.map(\.index))) {
                report.notes.append("\(input.label): the witness quorum \(policy.quorumDescription) is met")
            } else {
                report.problems.append(
                    "\(input.label): cosigned by \(names.isEmpty ? "no witness" : names.joined(separator: ", ")); the quorum \(policy.quorumDescription) is not met: no protection against a split view (a forked history shown to some auditors)"
                )
            }
        }
    }
}
