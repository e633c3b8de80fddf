import ArgumentParser
import Foundation
import PromptGate
import Screening

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check, test and list guideline packs.",
        subcommands: [Lint.self, Test.self, List.self])

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check pack files: YAML, fields, validators, linear-time patterns and every example.",
            discussion: """
                Each problem is printed as FILE:LINE:COLUMN: message. Exits 1 if any pack is broken. With no FILE, \
                lints the folder given by --guidelines (or the built-in packs).
                """)

        @Argument(help: "Pack files to lint (YAML).") var files: [String] = []
        @OptionGroup var guidelines: GuidelineOptions

        func run() throws {
            var packs: [GuidelinePack] = []
            var problems: [String] = []
            if files.isEmpty {
                do { packs = try guidelines.load() } catch { problems.append("\(error)") }
            } else {
                for file in files {
                    do { packs.append(try PackLoader.loadFile(file)) } catch { problems.append(error.description) }
                }
            }
            if !packs.isEmpty {
                do {
                    let screener = try Screener(packs: packs)
                    for rule in screener.rules where rule.examples.match.isEmpty {
                        problems.append(
                            "\(rule.location): rule '\(rule.id)' needs at least one 'examples: match:' text")
                    }
                    problems += try screener.checkExamples().failures.map(\.description)
                } catch let error as PackError {
                    problems.append(error.description)
                }
            }
            for problem in problems { printError(problem) }
            if !problems.isEmpty { throw ExitCode(1) }
            let rules = packs.reduce(0) { $0 + $1.rules.count }
            print("ok: \(packs.count) pack(s), \(rules) rule(s)")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run every rule's match and no_match examples through the engine.")

        @Option(help: "Only these rule ids (repeatable).") var rule: [String] = []
        @OptionGroup var guidelines: GuidelineOptions

        func run() throws {
            let screener = try Screener(packs: try guidelines.load())
            let (checked, failures) = try screener.checkExamples(only: rule.isEmpty ? nil : Set(rule))
            for failure in failures { print("FAIL \(failure)") }
            print("\(checked - failures.count) of \(checked) examples passed")
            if !failures.isEmpty { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rules in force.")
        @OptionGroup var guidelines: GuidelineOptions

        func run() throws {
            for pack in try guidelines.load() {
                print("\(pack.id) \(pack.version) — \(pack.title)")
                for rule in pack.rules {
                    print(
                        "  \(rule.id.padding(toLength: 30, withPad: " ", startingAt: 0)) \(rule.entity.padding(toLength: 22, withPad: " ", startingAt: 0)) \(rule.action.rawValue)"
                    )
                }
            }
        }
    }
}
