import ArgumentParser
import AuditLog
import Foundation

extension LogCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the log in the file form an auditor verifies: audit.log, checkpoints, verifier keys.",
            discussion: """
                Reads the log named by --log (a PostgreSQL log, postgres://…) or the data folder and writes OUT: \
                audit.log (every entry's line, byte for byte), checkpoint (the newest), checkpoints/<size> (every one \
                signed), log.vkey and keys/. `promptgate verify --data OUT` and the independent verifier check it \
                as they check a proxy's data folder. A PostgreSQL log is read in one snapshot, so entries appended \
                meanwhile are either all in the export or not at all.

                OUT must not exist; it appears whole or not at all (written beside it, synced, renamed). Folders are \
                0700, files 0600.
                """)

        @OptionGroup var location: LogLocation

        @Option(help: ArgumentHelp("The folder to create.", valueName: "folder"))
        var out: String

        func run() throws {
            try auditCommand {
                let source = try location.source()
                defer { source.close() }
                let summary = try LogExport.write(source, to: out)
                printError(
                    "exported \(summary.lines) entr\(summary.lines == 1 ? "y" : "ies") to \(out) (newest checkpoint: size \(summary.checkpointSize); \(summary.checkpoints) in checkpoints/)"
                )
            }
        }
    }
}
