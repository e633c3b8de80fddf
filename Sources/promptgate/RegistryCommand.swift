import ArgumentParser
import Foundation
import PromptGate

extension ReviewOverduePolicy: ExpressibleByArgument {}
extension UnscreenedPartsPolicy: ExpressibleByArgument {}

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Check and read the city's AI registry.",
        subcommands: [Lint.self, List.self, Show.self, Export.self])

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The registry folder.", valueName: "folder"))
        var registry = "guidelines/registry"

        func load() throws -> Registry {
            do {
                return try Registry.load(directory: registry)
            } catch {
                printError("registry: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check every entry; a broken one is reported with its file and line (exit status 1).",
            discussion: "A registry with no systems is an error too: the proxy would block every request.")
        @OptionGroup var location: Location

        func run() throws {
            let registry = try location.load()
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            for entry in registry.entries where entry.reviewOverdue(today: today) {
                print("warning: \(entry.location): '\(entry.id)' was due for review on \(entry.reviewBy ?? "?")")
            }
            for entry in registry.entries {
                for use in entry.permittedUses + entry.prohibitedUses where Purpose.named(use) == nil {
                    print("warning: \(entry.location): '\(entry.id)' names the unknown purpose '\(use)'")
                }
            }
            print("\(registry.entries.count) system(s) OK")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "One line per registered system.")
        @OptionGroup var location: Location

        func run() throws {
            for e in try location.load().entries {
                print(
                    "\(e.id)  \(e.status.rawValue)  risk=\(e.riskLevel.rawValue)  models=\(e.models.joined(separator: ","))  endpoints=\(e.endpoints.joined(separator: ","))  review_by=\(e.reviewBy ?? "-")"
                )
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract:
                "Publish the registry as a transparency record (Eurocities Algorithmic Transparency Standard v0.3.1).",
            discussion: """
                JSON (an array of records) or CSV (the standard's ';'-separated template layout). Attributes the \
                registry does not hold (lawful basis, proportionality, objection procedure, …) are left empty for the \
                city to complete; each record also carries the full entry under x_promptgate.
                """)
        enum Format: String, ExpressibleByArgument { case json, csv }
        @OptionGroup var location: Location
        @Option(help: "json or csv.") var format: Format = .json
        @Option(help: "The publishing organisation, e.g. \"City of Springfield\".") var organization = "City"
        @Option(help: "The organisation's country.") var country = ""
        @Option(help: "The geographical area the systems serve.") var area = ""

        func run() throws {
            let registry = try location.load()
            let publisher = TransparencyRecord.Publisher(organization: organization, country: country, area: area)
            switch format {
            case .json: print(TransparencyRecord.json(registry, publisher: publisher))
            case .csv: print(TransparencyRecord.csv(registry, publisher: publisher), terminator: "")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Everything the registry says about one system.")
        @OptionGroup var location: Location
        @Argument(help: "The system id.") var id: String

        func run() throws {
            guard let e = try location.load().entries.first(where: { $0.id == id }) else {
                printError("registry: no system '\(id)'")
                throw ExitCode(1)
            }
            let a = e.impactAssessment
            print(
                """
                \(e.name) (\(e.id)) — \(e.status.rawValue), risk \(e.riskLevel.rawValue)
                  \(e.description)
                  purpose: \(e.purpose)
                  owner: \(e.ownerDepartment) <\(e.contact)>
                  vendor: \(e.vendor) (trains on inputs: \(e.vendorTrainsOnInputs ? "yes" : "no"))
                  models: \(e.models.joined(separator: ", ")) at \(e.endpoints.joined(separator: ", "))
                  permitted uses: \(e.permittedUses.joined(separator: ", "))
                  prohibited uses: \(e.prohibitedUses.joined(separator: ", "))
                  impact assessment: \(a.map { "\($0.framework) \($0.reference ?? "") \($0.status), level \($0.level.map { ["", "I", "II", "III", "IV"][$0] } ?? "-")" } ?? "none")
                  data classifications: \(e.dataClassifications.joined(separator: ", "))
                  approved \(e.approved ?? "-"), review by \(e.reviewBy ?? "-"), resident-facing: \(e.residentFacing ? "yes" : "no")
                  retention: \(e.retention ?? "-")
                  defined in \(e.location)
                """)
        }
    }
}
