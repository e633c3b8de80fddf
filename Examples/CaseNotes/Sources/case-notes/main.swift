// Summarises case notes through PromptGate: residents' personal data leaves as placeholders and comes back in the
// summary, what must not leave (an SSN, a key) stops the request with the guideline that says so, and every call is
// in a verifiable audit log.
//
//   PROMPTGATE_UPSTREAM_KEY=sk-… swift run case-notes --model gpt-4o-mini notes.txt
//   swift run case-notes --upstream http://127.0.0.1:11434/v1 --model llama3 < notes.txt
import Foundation
import PromptGate

struct Options {
    var model = "gpt-4o-mini"
    var upstream = ProcessInfo.processInfo.environment["PROMPTGATE_UPSTREAM"] ?? "https://api.openai.com/v1"
    var data = FileManager.default.currentDirectoryPath + "/case-notes-data"
    var files: [String] = []

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--model": model = try Self.value(argument, &rest)
            case "--upstream": upstream = try Self.value(argument, &rest)
            case "--data": data = try Self.value(argument, &rest)
            case "-h", "--help": throw UsageError(message: nil)
            default: files.append(argument)
            }
        }
    }

    static func value(_ option: String, _ rest: inout ArraySlice<String>) throws -> String {
        guard let value = rest.popFirst() else { throw UsageError(message: "\(option) needs a value") }
        return value
    }
}

struct UsageError: Error {
    let message: String?
}

func readNotes(_ files: [String]) throws -> String {
    if files.isEmpty {
        return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    return try files.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n\n")
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch let error as UsageError {
    if let message = error.message { printError("case-notes: \(message)") }
    printError(
        "usage: case-notes [--model M] [--upstream URL] [--data DIR] [FILE…]   (the key: PROMPTGATE_UPSTREAM_KEY)")
    exit(error.message == nil ? 0 : 64)
}

do {
    let notes = try readNotes(options.files)
    var configuration = GateConfiguration(
        upstreamBaseURL: options.upstream, packs: try GuidelineLoader.embedded(), dataDirectory: options.data)
    configuration.upstreamAPIKey = ProcessInfo.processInfo.environment["PROMPTGATE_UPSTREAM_KEY"].map(Secret.init)
    let (gate, _) = try await Gate.start(configuration)
    var status: Int32 = 0
    do {
        let stream = try await gate.chatStream(
            model: options.model,
            messages: [
                .system("Summarise these case notes in five bullet points for a caseworker."),
                .user(notes),
            ],
            context: RequestContext(actor: ProcessInfo.processInfo.environment["USER"] ?? "case-notes"))
        for finding in stream.findings { printError("screened: \(finding)") }
        printError("decision: \(stream.decision.rawValue), audit entry \(stream.entrySequence.map(String.init) ?? "-")")
        for try await piece in stream { FileHandle.standardOutput.write(Data(piece.utf8)) }
        print()
    } catch let blocked as ChatBlocked {
        printError(blocked.message)
        for citation in blocked.citations { printError("  see \(citation)") }
        status = 2
    } catch {
        printError("case-notes: \(error)")
        status = 1
    }
    try await gate.shutdown()  // the answer's entry is written and a checkpoint signed before the tool exits
    exit(status)
} catch {
    printError("case-notes: \(error)")
    exit(1)
}
