// swift-tools-version:6.2
import PackageDescription

/// Settings every target of ours shares: Swift 6 language mode (strict concurrency), and the upcoming features the
/// swift-log and Hummingbird packages use so our public surface is explicit about what it exposes.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Builds the proxy, the command line, the benchmarks and the tests. On by default, so `swift build` in this folder
/// builds everything; a package that only wants the library depends on this one with `traits: []`, and SwiftPM then
/// neither resolves nor builds the server stack (Hummingbird, SwiftNIO, swift-argument-parser, …).
let server: TargetDependencyCondition? = .when(traits: ["Server"])

let package = Package(
    name: "PromptGate",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PromptGate", targets: ["PromptGate"]),
        .library(name: "Screening", targets: ["Screening"]),
        .library(name: "AuditLog", targets: ["AuditLog"]),
        .executable(name: "promptgate", targets: ["promptgate"]),
    ],
    traits: [
        .trait(name: "Server", description: "The proxy server, the promptgate command, benchmarks and tests."),
        .default(enabledTraits: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // OTLP logs for the security team's feed (FeedOTLP): OTLP/HTTP only, so gRPC is neither resolved nor built.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // The shared audit log of several proxies (AuditLogPostgres, the Server trait only).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // C bindings: a system library each, with typed, non-variadic shims in their headers.
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CHyperscan", path: "Sources/CHyperscan", pkgConfig: "libhs",
            providers: [.apt(["libhyperscan-dev"])]),
        // Google's libphonenumber (C++, Debian's libphonenumber-dev) behind C functions; protobuf (which
        // libphonenumber-dev depends on) to read the library's metadata, and ICU (its regular expressions) to match
        // the metadata's patterns as the library does.
        .target(
            name: "CPhoneNumber", path: "Sources/CPhoneNumber",
            linkerSettings: [
                .linkedLibrary("phonenumber"), .linkedLibrary("protobuf"), .linkedLibrary("icui18n"),
                .linkedLibrary("icuuc"),
            ]),

        // The engines: each knows nothing of the others, nor of HTTP servers.
        .target(name: "JSONCore", swiftSettings: swiftSettings),
        .target(
            name: "Transport",
            dependencies: [
                "CCurl",
                // Headers cross modules as HTTPFields; a tiny package with no dependencies, so the library needs it.
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Screening",
            dependencies: [
                "CHyperscan", "CPhoneNumber", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "AuditLog",
            dependencies: ["JSONCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(name: "Providers", dependencies: ["JSONCore"], swiftSettings: swiftSettings),

        // The library face: the pipeline, stood on the engines.
        .target(
            name: "PromptGate",
            dependencies: [
                "JSONCore", "Transport", "Screening", "AuditLog", "Providers", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),

        // The report of a period and the live admin page: statistics in one pass over the log, HTML by Mustache.
        .target(
            name: "Reporting",
            dependencies: [
                "AuditLog", "PromptGate", "JSONCore", "Screening",
                .product(name: "Mustache", package: "swift-mustache", condition: server),
            ],
            swiftSettings: swiftSettings),

        // The proxy and the command line (the Server trait).
        .target(
            name: "PromptGateServer",
            dependencies: [
                "PromptGate", "AuditLog", "Reporting",
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HummingbirdCore", package: "hummingbird", condition: server),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio", condition: server),
            ],
            swiftSettings: swiftSettings),
        // The audit log in PostgreSQL, shared by several proxies (the Server trait: postgres-nio stays out of the
        // library products).
        .target(
            name: "AuditLogPostgres",
            dependencies: [
                "AuditLog", "JSONCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: server),
            ],
            swiftSettings: swiftSettings),
        // The security team's feed as OpenTelemetry logs over OTLP (the server side: swift-otel is heavy).
        .target(
            name: "FeedOTLP",
            dependencies: [
                "PromptGate",
                .product(name: "OTel", package: "swift-otel", condition: server),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "promptgate",
            dependencies: [
                "PromptGate", "PromptGateServer", "FeedOTLP", "Screening", "AuditLog", "Transport", "JSONCore",
                "Reporting", .target(name: "AuditLogPostgres", condition: server),
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: server),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // Benchmarks (scripts/bench.sh): their own target so the library stays light.
        .executableTarget(
            name: "promptgate-bench",
            dependencies: [
                "AuditLog", "Screening", "JSONCore", "PromptGate", "Providers", "Transport",
                .target(name: "AuditLogPostgres", condition: server),
            ],
            path: "Benchmarks/promptgate-bench",
            swiftSettings: swiftSettings),

        .executableTarget(
            name: "screen-text", dependencies: ["PromptGate", "Screening"], path: "Examples/ScreenText",
            swiftSettings: swiftSettings),

        // Tests: one target per module, and the fakes they share (local upstreams, temporary folders).
        .target(
            name: "TestSupport",
            dependencies: [
                "AuditLog", "JSONCore",
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio", condition: server),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: server),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings),
        .testTarget(name: "JSONCoreTests", dependencies: ["JSONCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TransportTests",
            dependencies: [
                "Transport", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
                .product(name: "NIOCore", package: "swift-nio", condition: server),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ScreeningTests",
            dependencies: [
                "Screening", "CHyperscan", "CPhoneNumber", "PromptGate", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AuditLogTests",
            dependencies: ["AuditLog", "JSONCore", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AuditLogPostgresTests",
            dependencies: [
                "AuditLogPostgres", "AuditLog", "JSONCore", "PromptGate", "PromptGateServer", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: server),
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: server),
                .product(name: "Hummingbird", package: "hummingbird", condition: server),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ProvidersTests",
            dependencies: ["Providers", "JSONCore", "Screening", "PromptGate"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PromptGateTests",
            dependencies: [
                "JSONCore", "Screening", "AuditLog", "Providers", "PromptGate", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based", condition: server),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReportingTests", dependencies: ["Reporting", "AuditLog", "PromptGate", "JSONCore", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PromptGateServerTests",
            dependencies: [
                "PromptGateServer", "PromptGate", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: server),
            ],
            swiftSettings: swiftSettings),
    ]
)
