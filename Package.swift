// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .executable(name: "vigil-lab", targets: ["vigil-lab"]),
        .executable(name: "vigil-bench", targets: ["vigil-bench"]),
        .executable(name: "vigil-fuzz", targets: ["vigil-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev", "libssl-dev"])]
        ),
        .target(name: "VigilCore"),
        .target(name: "VigilHTTP", dependencies: ["CCurl", "VigilCore"]),
        .target(name: "VigilHosts", dependencies: ["CLibSSH2", "VigilCore"]),
        .target(
            name: "VigilUpstream",
            dependencies: [
                "VigilCore", "VigilHTTP", "VigilHosts",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "VigilNotify",
            dependencies: [
                "VigilCore", "VigilHTTP", "VigilHosts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(name: "VigilEtcd", dependencies: ["VigilHTTP"]),
        .target(
            name: "VigilStatus",
            dependencies: [
                "VigilCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "VigilAgent",
            dependencies: [
                "VigilCore", "VigilHTTP", "VigilHosts", "VigilUpstream", "VigilNotify", "VigilStatus", "VigilEtcd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VigilLab",
            dependencies: [
                "VigilCore",
                "VigilHosts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilAgent", "VigilNotify", "VigilUpstream",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildCommit"]
        ),
        .plugin(name: "BuildCommit", capability: .buildTool()),
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilLab", "VigilAgent", "VigilHTTP", "VigilHosts", "VigilUpstream", "VigilStatus", "VigilCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "vigil-fuzz",
            dependencies: ["VigilAgent", "VigilUpstream", "VigilHTTP", "VigilHosts", "VigilCore", "CLibSSH2"]
        ),
        .executableTarget(
            name: "vigil-lab",
            dependencies: [
                "VigilLab", "VigilHTTP", "VigilCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"]),
        .testTarget(name: "VigilHTTPTests", dependencies: ["VigilHTTP", "VigilLab", "VigilCore"]),
        .testTarget(name: "VigilHostsTests", dependencies: ["VigilHosts", "VigilLab", "VigilCore"]),
        .testTarget(
            name: "VigilUpstreamTests",
            dependencies: ["VigilUpstream", "VigilHosts", "VigilHTTP", "VigilLab", "VigilCore"]
        ),
        .testTarget(
            name: "VigilNotifyTests",
            dependencies: ["VigilNotify", "VigilLab", "VigilCore", .product(name: "Logging", package: "swift-log")],
            exclude: ["Golden"]
        ),
        .testTarget(name: "VigilEtcdTests", dependencies: ["VigilEtcd", "VigilLab"]),
        .testTarget(name: "VigilStatusTests", dependencies: ["VigilStatus", "VigilCore"]),
        .testTarget(
            name: "VigilAgentTests",
            dependencies: [
                "VigilAgent", "VigilLab", "VigilCore", "VigilHTTP", "VigilHosts", "VigilNotify", "VigilStatus", "VigilUpstream", "vigil",
                "vigil-fuzz",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "VigilLabTests", dependencies: ["VigilLab", "VigilHTTP", "VigilHosts", "VigilCore", "vigil-lab"]),
    ],
    swiftLanguageModes: [.v6]
)
