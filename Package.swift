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
                "RelayCore", "RelayState", "RelayHTTP", "RelayConfig", "RelayGenesys", "RelayCXone", "RelaySinks",
                "RelayPatterns", "RelayAWS", "RelayAWSCore", "RelaySandbox", "RelayRuntime", "RelayOperations",
                "RelayDemo",
                "RelayObservability", "RelayAlerts",
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
        // Shared HTTP machinery: the outbound transport (AsyncHTTPClient, gzip, rate limits) and the
        // inbound receiver contract push sources implement.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "RelayHTTP",
            dependencies: [
                "RelayCore", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // AWS request signing (SigV4), credentials and the Secrets Manager client.
        .target(
            name: "RelayAWSCore",
            dependencies: [
                "RelayCore", "RelayHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Configuration machinery every component uses: the YAML node reader with problem paths,
        // interpolation and secret references, shared readers (batch, retry, compression, URLs,
        // credentials), and the component protocols and registry type.
        .target(
            name: "RelayConfig",
            dependencies: [
                "RelayCore", "RelayHTTP", "RelayAWSCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Durable state: checkpoints, outboxes, dedup ledger, dead letters, partition leases
        // (SQLite via GRDB for one instance, PostgreSQL via postgres-nio for several), and `state:`.
        .target(
            name: "RelayState",
            dependencies: [
                "RelayCore", "RelayConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // Genesys Cloud CX: OAuth, audit API client, pull source, normalizers, the `genesys_audit` component.
        .target(
            name: "RelayGenesys",
            dependencies: ["RelayCore", "RelayHTTP", "RelayConfig"],
            swiftSettings: strict
        ),
        // NICE CXone: access-key auth, discovery, audit-history and login-history pull source, the
        // `cxone_audit` component.
        .target(
            name: "RelayCXone",
            dependencies: ["RelayCore", "RelayHTTP", "RelayConfig"],
            swiftSettings: strict
        ),
        // SIEM and infrastructure content generated from the normalized schema and the config.
        .target(
            name: "RelayGenerate",
            dependencies: ["RelayCore", "RelaySinks"],
            swiftSettings: strict
        ),
        // Destinations, one folder each: Splunk HEC, Datadog, Sumo Logic, file, stdout.
        .target(
            name: "RelaySinks",
            dependencies: ["RelayCore", "RelayHTTP", "RelayConfig"],
            swiftSettings: strict
        ),
        // The EventBridge event-pattern language: compiled once, evaluated per event.
        .target(
            name: "RelayPatterns",
            dependencies: ["RelayCore"],
            swiftSettings: strict
        ),
        // AWS: the Firehose and EventBridge API-destination receivers (Genesys events) and the S3
        // archive sink.
        .target(
            name: "RelayAWS",
            dependencies: [
                "RelayCore", "RelayHTTP", "RelayAWSCore", "RelayConfig", "RelayGenesys",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // AWS Lambda custom runtime: Runtime API client, Firehose transformation and scheduled
        // extraction handlers, the `lambda:` section.
        .target(
            name: "RelayLambda",
            dependencies: [
                "RelayCore", "RelayHTTP", "RelayConfig", "RelayPatterns", "RelaySinks", "RelayAWS", "RelayAWSCore",
            ],
            swiftSettings: strict
        ),
        // Alerts: rules, state machine, Slack/PagerDuty/webhook senders, the `alerts:` section.
        .target(
            name: "RelayAlerts",
            dependencies: [
                "RelayCore", "RelayHTTP", "RelayConfig",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Observability: Prometheus metrics, the status page, readiness, log handler, throughput.
        .target(
            name: "RelayObservability",
            dependencies: [
                "RelayCore",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The running relay: the whole-file configuration and its loader, the standard component
        // registry, the daemon (services, HTTP server, reload), `once` and the Lambda function.
        .target(
            name: "RelayRuntime",
            dependencies: [
                "RelayCore", "RelayState", "RelayHTTP", "RelayConfig", "RelayGenesys", "RelayCXone", "RelaySinks",
                "RelayPatterns", "RelayAWS", "RelayLambda", "RelayAlerts", "RelayObservability",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Operator commands' logic: backfill, credential check, dead letters, generate input, Firehose re-drive.
        .target(
            name: "RelayOperations",
            dependencies: [
                "RelayCore", "RelayState", "RelayConfig", "RelayRuntime", "RelayGenerate", "RelayAWS", "RelayAWSCore",
                "RelayHTTP", "RelayLambda",
            ],
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
        // `ccrelay demo`: the relay against the sandbox platforms and a local index.
        .target(
            name: "RelayDemo",
            dependencies: [
                "RelayCore", "RelayConfig", "RelayRuntime", "RelaySandbox", "RelayState", "RelayGenesys", "RelaySinks",
                "RelayAWS",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ccrelay",
            dependencies: [
                "RelayCore", "RelayConfig", "RelayRuntime", "RelayOperations", "RelayDemo", "RelaySandbox",
                "RelayLambda",
                "RelayObservability", "RelayGenerate", "RelayPatterns",
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
        .testTarget(
            name: "RelayGenesysTests", dependencies: ["RelayTesting", "RelayGenesys", "RelaySandbox"],
            swiftSettings: strict),
        .testTarget(
            name: "RelaySinksTests", dependencies: ["RelayTesting", "RelaySinks", "RelaySandbox", "RelayState"],
            swiftSettings: strict),
        .testTarget(
            name: "RelayLambdaTests",
            dependencies: [
                "RelayTesting", "RelayLambda", "RelaySandbox", "RelayRuntime", "RelayConfig", "RelayAWSCore",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RelayPatternsTests", dependencies: ["RelayTesting", "RelayPatterns"], swiftSettings: strict),
        .testTarget(
            name: "RelayCXoneTests", dependencies: ["RelayTesting", "RelayCXone", "RelaySandbox"], swiftSettings: strict
        ),
        .testTarget(
            name: "RelayGenerateTests",
            dependencies: [
                "RelayTesting", "RelayGenerate", "RelayRuntime", "RelayOperations", "RelayConfig", "RelayAlerts",
                "RelayState", "RelayGenesys", "RelaySandbox",
            ], swiftSettings: strict),
        .testTarget(
            name: "RelayAWSTests",
            dependencies: [
                "RelayTesting", "RelayAWS", "RelayAWSCore", "RelayHTTP", "RelaySandbox", "RelayState", "RelayConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
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
            name: "RelayRuntimeTests",
            dependencies: [
                "RelayTesting", "RelayRuntime", "RelayConfig", "RelayOperations", "RelayAlerts", "RelayObservability",
                "RelayDemo",
                "RelayCore", "RelayState", "RelayGenesys", "RelaySinks", "RelaySandbox", "RelayAWS", "RelayAWSCore",
                "RelayHTTP",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ]
)
