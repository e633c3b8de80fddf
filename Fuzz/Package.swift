// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for every PromptGate parser that reads untrusted input. Built and run by scripts/fuzz.sh:
//   swift build --package-path Fuzz --scratch-path .build-fuzz -c debug \
//     -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
// One executable; FUZZ_TARGET picks the parser (see Fuzz/README.md), so the heavy dependencies link once.
//
// JSONCore and Providers are not products of the root package; the harness imports them through the PromptGate
// product, which links them (SwiftPM makes every built module importable). When the root package exports them as
// products, list them here too.
let package = Package(
    name: "PromptGateFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "PromptGate", path: ".."),
        // The root package's own requirement, for signing arbitrary checkpoint bodies in the checkpoint target.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "promptgate-fuzz",
            dependencies: [
                .product(name: "PromptGate", package: "PromptGate"),
                .product(name: "Screening", package: "PromptGate"),
                .product(name: "AuditLog", package: "PromptGate"),
                .product(name: "Crypto", package: "swift-crypto"),
                "FuzzMain",
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        // The entry point SwiftPM's debug link names (promptgate_fuzz_main), handing over to libFuzzer's driver.
        .target(name: "FuzzMain"),
    ]
)
