// swift-tools-version: 6.2
// Benchmarks, kept out of the main package's build: `swift run -c release --package-path Benchmarks ccrelay-bench`.
import PackageDescription

let package = Package(
    name: "ccrelay-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ccrelay", path: ".."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "ccrelay-bench",
            dependencies: [
                .product(name: "CCRelayKit", package: "ccrelay"),
                .product(name: "RelayTesting", package: "ccrelay"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
