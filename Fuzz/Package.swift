// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Laurel's untrusted-input parsers. A package of its own so that the root's
// `swift build` / `swift test` never need the fuzzer runtime. Build and run with `bash Fuzz/run.sh`;
// by hand: `swift build --package-path Fuzz --sanitize=fuzzer -Xswiftc -parse-as-library`.
let package = Package(
    name: "LaurelFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Laurel", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The properties every nomination target checks (refusal codes, normalisation, round trip).
        .target(name: "FuzzSupport", dependencies: [.product(name: "LaurelCore", package: "Laurel")]),
        .executableTarget(name: "fuzz-header", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "fuzz-json", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "fuzz-jsonl", dependencies: ["FuzzSupport"]),
        .executableTarget(
            name: "fuzz-request",
            dependencies: [
                .product(name: "LaurelProtocol", package: "Laurel"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
