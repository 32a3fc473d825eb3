// swift-tools-version:6.0
import PackageDescription

// Our own targets build with strict settings; `-warnings-as-errors` is added by `make`/CI
// (`-Xswiftc -warnings-as-errors`) so that dependencies are not affected.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Laurel",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LaurelClient", targets: ["LaurelClient"]),
        .library(name: "LaurelProtocol", targets: ["LaurelProtocol"]),
        // For the fuzz package under Fuzz/ (a path dependency can only use products).
        .library(name: "LaurelCore", targets: ["LaurelCore"]),
        .executable(name: "laureld", targets: ["laureld"]),
        .executable(name: "laurelctl", targets: ["laurelctl"]),
        .executable(name: "laurel-bench", targets: ["laurel-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // Pure: domain model, nomination formats, normalisation, search folding. No I/O.
        .target(name: "LaurelCore", swiftSettings: strict),
        // The SQLite registry.
        .target(
            name: "LaurelStore",
            dependencies: [
                "LaurelCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Wire format: requests, reply lines, records, the bounded line codec.
        .target(
            name: "LaurelProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // The daemon: socket server, spool watcher, request handling, systemd integration.
        .target(
            name: "LaurelServer",
            dependencies: [
                "LaurelCore", "LaurelStore", "LaurelProtocol", "CSystemd",
                .product(name: "NIOCore", package: "swift-nio"),
                // pthread-based locks: ThreadSanitizer sees them (it cannot see inside the
                // uninstrumented standard library's Synchronization.Mutex, and reported races
                // between accesses that were all under one Mutex).
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            exclude: ["Demo"],
            swiftSettings: strict
        ),
        // Public client library. Never imports LaurelStore or GRDB.
        .target(
            name: "LaurelClient",
            dependencies: [
                "LaurelProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "laureld",
            dependencies: [
                "LaurelServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "laurelctl",
            dependencies: [
                "LaurelClient", "LaurelProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "laurel-bench",
            dependencies: [
                "LaurelClient", "LaurelProtocol", "LaurelCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "LaurelCoreTests", dependencies: ["LaurelCore"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "LaurelStoreTests", dependencies: ["LaurelStore", "LaurelCore"], swiftSettings: strict),
        .testTarget(
            name: "LaurelProtocolTests",
            dependencies: [
                "LaurelProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LaurelServerTests",
            dependencies: [
                "LaurelServer", "LaurelClient", "LaurelProtocol", "LaurelStore", "LaurelCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LaurelClientTests",
            dependencies: [
                "LaurelClient", "LaurelProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Subprocess tests of the built binaries (laureld, laurelctl, laurel-bench).
        .testTarget(name: "LaurelBinaryTests", dependencies: ["LaurelProtocol"], swiftSettings: strict),
    ]
)
