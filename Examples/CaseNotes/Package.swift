// swift-tools-version:6.2
import PackageDescription

// A case-notes summariser for a city's internal tools: PromptGate's library, without the proxy.
//   swift run case-notes --model gpt-4o-mini notes.txt
// `traits: []` keeps the server stack (Hummingbird, SwiftNIO, …) out: only the library is resolved and built.
let package = Package(
    name: "CaseNotes",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "PromptGate", path: "../..", traits: [])
    ],
    targets: [
        .executableTarget(
            name: "case-notes",
            dependencies: [.product(name: "PromptGate", package: "PromptGate")])
    ]
)
