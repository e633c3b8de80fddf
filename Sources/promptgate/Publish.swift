import ArgumentParser
import AuditLog
import Foundation

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write the audit log as a static C2SP tlog-tiles tree for any web server or object store.",
        discussion: """
            Writes DIR/checkpoint (the published checkpoint as stored: DATA/checkpoint.cosigned when witnesses \
            cosigned one, else DATA/checkpoint), the hash tiles DIR/tile/<L>/<N>[.p/<W>] and the entry bundles \
            DIR/tile/entries/<N>[.p/<W>] (https://c2sp.org/tlog-tiles, height 8). Files are 0644 and folders 0755: \
            the tree is meant to be public, and holds nothing the entries do not. Each file is written to a \
            temporary name and renamed, and the checkpoint last, so a reader never sees a checkpoint without its \
            tiles.

            Run it again after the log grew: only new tiles are written. A tile already there is compared, never \
            rewritten (its path names bytes that never change); a difference stops the command, since it means the \
            log was rewritten or the copy altered.

            Check the result with `promptgate verify --tiles DIR` or `tlogverify tiles -dir DIR -key @log.vkey`.
            Exit status: 0 published; 1 the log does not match its checkpoint or the folder; 2 usage or I/O error.
            """)

    @Argument(help: ArgumentHelp("The folder to write (created if missing).", valueName: "dir"))
    var directory: String

    @OptionGroup var location: LogLocation

    @Option(
        help: ArgumentHelp(
            "The signed checkpoint to publish (default: DATA/checkpoint.cosigned, else DATA/checkpoint).",
            valueName: "path"))
    var checkpoint: String?

    @Option(
        help: ArgumentHelp(
            "A trusted verifier key, literal or @file (repeatable; default DATA/log.vkey and DATA/keys/*).",
            valueName: "key"))
    var key: [String] = []

    func run() throws {
        let folder = location.data.resolved
        do {
            let note: [UInt8]
            if let checkpoint {
                note = try DirectoryTileSource.read(checkpoint, limit: 1 << 20)
            } else {
                note = try LogTileServer.publishedCheckpoint(dataDirectory: folder)
            }
            let keys = try verifierKeys(key, folder: folder)
            // Publish only what the log's key signed.
            let opened = try Checkpoint.open(note: String(decoding: note, as: UTF8.self), trusted: keys)
            var index = LogTileIndex(locations: location.log.isEmpty ? [folder] : location.log)
            let report = try TilePublisher.publish(
                checkpointNote: note, checkpoint: opened, index: &index, to: directory)
            print(
                "published size \(report.size), root \(Data(opened.root).base64EncodedString()) to \(directory): \(report.written) file(s) written, \(report.unchanged) already there"
            )
        } catch let error as TileError {
            printError("publish: \(error)")
            switch error {
            case .io, .notFound: throw ExitCode(2)
            default: throw ExitCode(1)
            }
        } catch let error as AuditLogError {
            printError("publish: \(error)")
            throw ExitCode(2)
        }
    }
}

/// The keys given (`--key`, literal or @file), else the data folder's: DATA/log.vkey and every retired one.
func verifierKeys(_ arguments: [String], folder: String) throws(AuditLogError) -> [LogVerifierKey] {
    if arguments.isEmpty {
        return [try LogKeyStore.verifierKey(argument: "@" + folder + "/log.vkey")]
            + LogKeyStore.allVerifierKeys(directory: folder)
    }
    return try arguments.map { argument throws(AuditLogError) in try LogKeyStore.verifierKey(argument: argument) }
}
