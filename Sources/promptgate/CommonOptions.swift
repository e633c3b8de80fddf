import ArgumentParser
import Foundation
import PromptGate
import Screening

/// The data folder: audit log, checkpoints, signing and fingerprint keys.
struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data"),
        help: ArgumentHelp(
            "Folder for the audit log, its checkpoints and keys (created with mode 0700).",
            discussion: "Default: $PROMPTGATE_DATA, else ~/.local/share/promptgate.",
            valueName: "folder"))
    var folder: String?

    var resolved: String { resolved(configured: nil) }

    /// The option, else $PROMPTGATE_DATA, else `configured` (a configuration file's), else the default.
    func resolved(configured: String?) -> String {
        if let folder { return folder }
        let environment = ProcessInfo.processInfo.environment
        if let folder = environment["PROMPTGATE_DATA"], !folder.isEmpty { return folder }
        if let configured, !configured.isEmpty { return configured }
        return GateConfiguration.defaultDataDirectory(home: environment["HOME"])
    }
}

/// Which guideline packs to load.
struct GuidelineOptions: ParsableArguments {
    @Option(
        name: .customLong("guidelines"),
        help: ArgumentHelp(
            "Folder of guideline packs (YAML; its packs/ subfolder if present).",
            discussion: "Default: $PROMPTGATE_GUIDELINES, else the packs built into this binary.",
            valueName: "folder"))
    var folder: String?

    /// The option's folder, else $PROMPTGATE_GUIDELINES, else `configured` (a configuration file's), else the
    /// packs built into the binary.
    func load(configured: String? = nil) throws -> [GuidelinePack] {
        let environment = ProcessInfo.processInfo.environment["PROMPTGATE_GUIDELINES"].flatMap { $0.isEmpty ? nil : $0 }
        let folder = self.folder ?? environment ?? configured
        do {
            return try GuidelineLoader.load(folder: folder)
        } catch {
            throw CLIError("guideline pack error: \(error)")
        }
    }
}

/// An error that ends the command with a message and exit code 2 (usage or set-up problem).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints a line to standard output unbuffered (scripts wait for the "listening" line).
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Whether standard output is a terminal (colour and progress only there).
var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
