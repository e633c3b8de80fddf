import ArgumentParser
import AuditLog
import Foundation

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print RFC 6962 proofs: that an entry is in the log, or that the log only grew.",
        discussion: """
            Proofs are JSON in the forms auditors' tools read: inclusion {"index":i,"size":n,"hashes":[…]} (index is \
            0-based: line = index + 1) and consistency {"old_size":m,"new_size":n,"hashes":[…]}. Check them with \
            `promptgate verify --inclusion-proof` / `--consistency-proof`, or `tlogverify inclusion|consistency`.

            `prove entry` writes one self-contained file instead (C2SP tlog-proof): the entry, its inclusion proof \
            and the signed checkpoint with its cosignatures, which `promptgate verify --proof FILE` checks offline.
            """,
        subcommands: [Inclusion.self, Consistency.self, Entry.self])

    struct Entry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "entry",
            abstract: "Write one offline proof file for one entry (C2SP tlog-proof, the entry inside).",
            discussion: """
                The file holds the entry's exact bytes, its index, the RFC 6962 inclusion path and the signed \
                checkpoint verbatim (DATA/checkpoint.cosigned when witnesses cosigned one, else DATA/checkpoint), so \
                a resident's records request or a court can check it without the log: `promptgate verify --proof \
                FILE --key @log.vkey [--witness KEY …]`. It shows that this entry is in the log the key signed; it \
                does not show what other entries say, nor that every request was logged.
                """)
        @OptionGroup var log: LogLocation
        @Option(help: "The entry's line number (1-based).") var line: Int?
        @Option(help: "The entry's leaf index (0-based; line − 1).") var index: Int?
        @Option(
            help: ArgumentHelp(
                "The signed checkpoint to prove against (default: DATA/checkpoint.cosigned, else DATA/checkpoint; a PostgreSQL log's newest).",
                valueName: "path"))
        var checkpoint: String?
        @Option(help: ArgumentHelp("Write the proof here (default: standard output).", valueName: "path"))
        var out: String?

        func run() throws {
            guard let index = index ?? line.map({ $0 - 1 }), index >= 0 else {
                throw ValidationError("give --line or --index")
            }
            try auditCommand {
                let source = try log.source()
                defer { source.close() }
                let text = try log.provingCheckpoint(source, path: checkpoint)
                guard let separator = text.range(of: "\n\n") else {
                    throw AuditLogError.badCheckpoint("no signature block")
                }
                let size = try Checkpoint(body: String(text[..<separator.lowerBound]) + "\n").size
                guard index < size else {
                    throw AuditLogError.badProof("line \(index + 1) is not in the checkpoint's tree of size \(size)")
                }
                let leaves = try LogLeaves.read(reader: source.lineReader())
                let proof = try ProofBuilder(leaves: leaves).inclusion(index: index, size: size)
                guard let entry = try LogLeaves.line(index + 1, reader: source.lineReader()) else {
                    throw AuditLogError.badProof("the log has no line \(index + 1)")
                }
                let file = EntryProofFile(entry: entry, index: index, hashes: proof.hashes, checkpointNote: text)
                // Check it before handing it out: a log that no longer matches its checkpoint gives no proof.
                _ = try file.verify(keys: try source.verifierKeys())
                if let out {
                    do {
                        try TilePublisher.writeFile(Array(file.text.utf8), to: out)
                    } catch {
                        throw AuditLogError.io(path: out, reason: "\(error)")
                    }
                    printError("wrote \(out): line \(index + 1) in the tree of size \(size)")
                } else {
                    print(file.text, terminator: "")
                }
            }
        }
    }

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inclusion",
            abstract: "Prove that one entry is in the tree of a checkpoint.")
        @OptionGroup var log: LogLocation
        @Option(help: "The entry's line number (1-based).") var line: Int?
        @Option(help: "The entry's leaf index (0-based; line − 1).") var index: Int?
        @Option(help: "The tree size (default: the newest checkpoint's).") var size: Int?

        func run() throws {
            guard let index = index ?? line.map({ $0 - 1 }) else { throw ValidationError("give --line or --index") }
            try auditCommand {
                let source = try log.source()
                defer { source.close() }
                let leaves = try LogLeaves.read(reader: source.lineReader())
                let proof = try ProofBuilder(leaves: leaves).inclusion(
                    index: index, size: try size ?? log.checkpointSize(source))
                print(proof.json)
            }
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consistency",
            abstract: "Prove that the tree of size OLD is a prefix of the tree of size NEW.")
        @OptionGroup var log: LogLocation
        @Option(help: "The older tree size (e.g. from the checkpoint an auditor kept).") var old: Int
        @Option(name: .customLong("new"), help: "The newer tree size (default: the newest checkpoint's).") var newSize:
            Int?

        func run() throws {
            try auditCommand {
                let source = try log.source()
                defer { source.close() }
                let leaves = try LogLeaves.read(reader: source.lineReader())
                let proof = try ProofBuilder(leaves: leaves).consistency(
                    oldSize: old, newSize: try newSize ?? log.checkpointSize(source))
                print(proof.json)
            }
        }
    }
}

/// Where a log is: the data folder, or explicit files/folders.
struct LogLocation: ParsableArguments {
    @OptionGroup var data: DataOptions

    @Option(
        help: ArgumentHelp(
            "A log segment file or a folder of segments (repeatable; default: DATA), or a PostgreSQL log: postgres://…",
            discussion: "A URL without a password takes it from $PROMPTGATE_LOG_PASSWORD.", valueName: "path"))
    var log: [String] = []

    func paths() throws(AuditLogError) -> [String] {
        let paths = try LogSegments.resolve(log.isEmpty ? [data.resolved] : log)
        guard !paths.isEmpty else { throw AuditLogError.io(path: data.resolved, reason: "no log segments here") }
        return paths
    }

    /// Whether the log holds no entry at all: no segment, or only empty ones (a folder the proxy has not yet
    /// written to).
    func isEmptyLog() throws(AuditLogError) -> Bool {
        let paths = try LogSegments.resolve(log.isEmpty ? [data.resolved] : log)
        return paths.allSatisfy { path in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return false }
            return attributes[.size] as? Int == 0
        }
    }

    /// The size of the newest checkpoint (DATA/checkpoint, or a PostgreSQL log's newest).
    func checkpointSize(_ source: any LogSource) throws(AuditLogError) -> Int {
        guard let text = try source.latestCheckpoint()?.note, let separator = text.range(of: "\n\n")
        else { throw AuditLogError.io(path: checkpointLabel, reason: "cannot read the checkpoint (give --size)") }
        return try Checkpoint(body: String(text[..<separator.lowerBound]) + "\n").size
    }
}

/// Runs an auditor command, turning log errors into a message and exit status 2.
func auditCommand(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as AuditLogError {
        printError("promptgate: \(error)")
        throw ExitCode(2)
    }
}
