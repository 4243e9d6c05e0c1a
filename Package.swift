// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "ccrelay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ccrelay", targets: ["ccrelay"]),
        // The modules behind the binary, for the benchmark package in Benchmarks/.
        .library(
            name: "CCRelayKit",
            targets: [
                "RelayCore", "RelayState", "RelayHTTP", "RelayGenesys", "RelayCXone", "RelaySinks", "RelayPatterns",
                "RelayAWS", "RelaySandbox", "RelayApp",
            ]
        ),
        // Shared test support (manual clock, in-memory intake, scratch directories, compliance suites),
        // for the tests and the benchmark package.
        .library(name: "RelayTesting", targets: ["RelayTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Record/Event model, JSON, time, clocks, source/sink/state protocols, the vendor-neutral pipeline.
        .target(
            name: "RelayCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Durable state: checkpoints, outboxes, dedup ledger, dead letters, partition leases
        // (SQLite via GRDB for one instance, PostgreSQL via postgres-nio for several).
        .target(
            name: "RelayState",
            dependencies: [
                "RelayCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // Shared outbound HTTP machinery (AsyncHTTPClient, gzip) used by platform clients and sinks.
        .target(
            name: "RelayHTTP",
            dependencies: [
                "RelayCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        // Genesys Cloud CX: OAuth, audit API client, pull source, normalizer.
        .target(
            name: "RelayGenesys",
            dependencies: ["RelayCore", "RelayHTTP"],
            swiftSettings: strict
        ),
        // NICE CXone: access-key auth, discovery, audit-history and login-history pull source.
        .target(
            name: "RelayCXone",
            dependencies: ["RelayCore", "RelayHTTP"],
            swiftSettings: strict
        ),
        // SIEM and infrastructure content generated from the normalized schema and the config.
        .target(
            name: "RelayGenerate",
            dependencies: ["RelayCore"],
            swiftSettings: strict
        ),
        // Destinations: Splunk HEC (more in later issues).
        .target(
            name: "RelaySinks",
            dependencies: ["RelayCore", "RelayHTTP"],
            swiftSettings: strict
        ),
        // The EventBridge event-pattern language: compiled once, evaluated per event.
        .target(
            name: "RelayPatterns",
            dependencies: ["RelayCore"],
            swiftSettings: strict
        ),
        // AWS: Firehose and EventBridge API-destination receivers, SigV4, S3 archive sink.
        .target(
            name: "RelayAWS",
            dependencies: [
                "RelayCore", "RelayHTTP", "RelayPatterns",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // AWS Lambda custom runtime: Runtime API client, Firehose transformation and scheduled extraction handlers.
        .target(
            name: "RelayLambda",
            dependencies: ["RelayCore", "RelayHTTP", "RelayGenesys", "RelayPatterns", "RelaySinks", "RelayAWS"],
            swiftSettings: strict
        ),
        // Faithful local emulators of every remote party (demo, tests, benchmarks).
        .target(
            name: "RelaySandbox",
            dependencies: [
                "RelayCore", "RelayHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Configuration, component wiring, daemon/once/demo orchestration (knows every vendor).
        .target(
            name: "RelayApp",
            dependencies: [
                "RelayCore", "RelayState", "RelayHTTP", "RelayGenesys", "RelaySinks", "RelaySandbox",
                "RelayPatterns", "RelayAWS", "RelayCXone", "RelayGenerate", "RelayLambda",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ccrelay",
            dependencies: [
                "RelayApp",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Test support shared by every test target and the benchmarks: manual clock, in-memory intake,
        // scratch directories, quiet loggers, and the sink and pull-source compliance suites.
        .target(
            name: "RelayTesting",
            dependencies: [
                "RelayCore", "RelayState",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "RelayCoreTests", dependencies: ["RelayTesting", "RelayCore"], swiftSettings: strict),
        .testTarget(
            name: "RelayStateTests",
            dependencies: [
                "RelayTesting", "RelayState", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "RelayGenesysTests", dependencies: ["RelayTesting", "RelayGenesys", "RelaySandbox"], swiftSettings: strict),
        .testTarget(name: "RelaySinksTests", dependencies: ["RelayTesting", "RelaySinks", "RelaySandbox", "RelayState"], swiftSettings: strict),
        .testTarget(
            name: "RelayLambdaTests",
            dependencies: ["RelayTesting", "RelayLambda", "RelaySandbox", "RelayApp", "RelayState"],
            swiftSettings: strict
        ),
        .testTarget(name: "RelayPatternsTests", dependencies: ["RelayTesting", "RelayPatterns"], swiftSettings: strict),
        .testTarget(name: "RelayCXoneTests", dependencies: ["RelayTesting", "RelayCXone", "RelaySandbox"], swiftSettings: strict),
        .testTarget(name: "RelayGenerateTests", dependencies: ["RelayTesting", "RelayGenerate", "RelayApp"], swiftSettings: strict),
        .testTarget(
            name: "RelayAWSTests",
            dependencies: [
                "RelayTesting", "RelayAWS", "RelaySandbox", "RelayState",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RelaySandboxTests",
            dependencies: [
                "RelayTesting", "RelaySandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RelayAppTests",
            dependencies: [
                "RelayTesting", "RelayApp", "RelayCore", "RelayState", "RelayGenesys", "RelaySinks", "RelaySandbox", "RelayAWS",
                "RelayPatterns",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
    ]
)
