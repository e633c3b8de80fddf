import Testing

@testable import Screening

/// Technical text that employees paste into chat tools: code, package manifests, Markdown headings and prose about
/// software, where capitalised words the name lists know are nobody's name, and the people such text does name.
@Suite("Screening: names in code, documentation and headings")
struct NameContextTests {
    static let screener = TableContextTests.screener

    static func names(_ text: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == "PERSON" }.map(\.value)
    }

    @Test(
        "identifiers, code arguments, declarations and headings are not names",
        arguments: [
            // A camel-case identifier (and the package-manifest argument it stands in).
            ".target(name: \"MyTarget\", dependencies: [.product(name: \"Metrics\", package: \"swift-metrics\")])",
            "let package = Package(\n    name: \"YourApp\",\n    dependencies: [\n",
            "echo \"Hello SwiftNIO\" | nc localhost 9999",
            "4 values were dropped by Apple CryptoKit",
            "the value is NaN here",
            // An unquoted value after a label in code is a type or a variable.
            "    func createUser(name: String) async throws -> User {",
            "public init(name: String, values: [String: ConfigValue])",
            "public func withSpan<T>(\n    _ operationName: String,\n    context: ServiceContext\n)",
            ".executableTarget(\n    name: \"Server\",\n    dependencies: []\n)",
            // A header's name in a call.
            "request.headers.add(name: \"User-Agent\", value: \"Swift HTTPClient\")",
            // Declarations and calls.
            "struct Lucky: ParsableCommand {",
            "by calling Ronald(items) first",
            // Markdown headings.
            "### Memory Management\n\n- ``reserveCapacity(_:)``",
            "## Future Directions\n\nThe package",
            "# Trust Roots and Certificate Validation",
            // Function words, months, articles.
            "It is not addressed by this proposal. Any buffer size sensitive systems",
            "In Swift 5.5, an asynchronous main is supported.",
            "Swift Crypto 2.0.0 was released in September 2021.",
            "### Bootstrapping\n\nBootstrap the Tracer once, at start-up.",
        ])
    func notNames(text: String) throws {
        #expect(try Self.names(text).isEmpty, "\(text)")
    }

    @Test(
        "everyday English words that baby-name counts list start a name only before a known surname; a licence's title is no name",
        arguments: [
            ("The library is supported on Apple platforms, Linux and Windows.", [String]()),
            ("    where S.Element == (Key, Value)", []),
            ("such as the GNU General Public License, which is a copyleft license", []),
            ("support for Happy Eyeballs for making TCP connections", []),
            ("Implement a Tracer or a Meter", []),
            ("Apple Johnson called about the permit.", ["Apple Johnson"]),
        ])
    func everydayWords(text: String, expected: [String]) throws {
        #expect(try Self.names(text) == expected, "\(text)")
    }

    @Test(
        "people in code, manifests, headings and prose are still found",
        arguments: [
            ("_ = try await service.createUser(name: \"Alice\")", ["Alice"]),
            ("Verbose: true, name: Tomás, file: none", ["Tomás"]),
            ("found User(name=Anna Smith, age=30) in the log", ["Anna Smith"]),
            ("Contact: Anna Smith<anna@example.com>", ["Anna Smith"]),
            ("## Visit to Mrs. Kowalczyk\n\nShe asked about the permit.", ["Kowalczyk"]),
            ("info.author = \"Jane Smith\"", ["Jane Smith"]),
            ("* Author(s): [Philippe Hausler](https://github.com/phausler)", ["Philippe Hausler"]),
            ("Please ask Ronald McDonald about the invoice.", ["Ronald McDonald"]),
            ("Please ask DeShawn Williams about the invoice.", ["DeShawn Williams"]),
            ("## Margaret Hamilton\n\nShe led the team.", ["Margaret Hamilton"]),
            ("June Carter sang at the opening.", ["June Carter"]),
            ("Ms. June asked for the form.", ["June"]),
            ("Dear Mr. An,\nthank you.", ["An"]),
            ("An Nguyen filed the report.", ["An Nguyen"]),
            ("Llamé a Juan Pérez ayer.", ["Juan Pérez"]),
            ("2026-05-06T02:23:15 WARN lookup pesel=21321752803 for Such, Inga", ["Such", "Inga"]),
        ])
    func names(text: String, expected: [String]) throws {
        #expect(try Self.names(text) == expected, "\(text)")
    }
}
