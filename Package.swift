// swift-tools-version:6.0
import PackageDescription

/// Every target opts in to the same upcoming features (CONVENTIONS.md §1).
let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Pacer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pacer", targets: ["pacer"]),
        .executable(name: "pacerd", targets: ["pacerd"]),
        .library(name: "PacerModel", targets: ["PacerModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // core: pure values, no I/O
        .target(name: "PacerModel", swiftSettings: upcoming),
        .target(name: "PacerCrmSyntax", dependencies: ["PacerModel"], swiftSettings: upcoming),
        .target(name: "PacerScheduler", dependencies: ["PacerModel"], swiftSettings: upcoming),
        .target(name: "PacerTransition", dependencies: ["PacerModel", "PacerScheduler"], swiftSettings: upcoming),
        .target(name: "PacerController", dependencies: ["PacerModel", "PacerScheduler", "PacerTransition"], swiftSettings: upcoming),
        .target(name: "PacerMonView", dependencies: ["PacerModel", "PacerScheduler", "PacerWire"], swiftSettings: upcoming),
        .target(name: "PacerMembership", swiftSettings: upcoming),
        .target(name: "PacerWire", dependencies: ["PacerModel", "PacerTransition", "PacerMembership"], swiftSettings: upcoming),
        // edge: libxml2 wrapped once, then the CIB store
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "PacerXML", dependencies: ["CLibXML2", "PacerModel"], swiftSettings: upcoming),
        .target(name: "PacerCIB", dependencies: ["PacerXML", "PacerModel"], swiftSettings: upcoming),
        .target(name: "PacerConfig", dependencies: ["PacerModel"], swiftSettings: upcoming),
        .target(name: "CPacerSys"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "PacerCrypto", dependencies: ["COpenSSL", "PacerModel"], swiftSettings: upcoming),
        .target(
            name: "PacerHeartbeat",
            dependencies: ["PacerMembership", "PacerEventLoop", "PacerCrypto", "CPacerSys"],
            swiftSettings: upcoming),
        .target(name: "PacerExecutor", dependencies: ["CPacerSys", "PacerModel"], swiftSettings: upcoming),
        // edge: the daemon's event loop (epoll), then libqb's IPC on it (qb_ipcs)
        .systemLibrary(name: "CQB", pkgConfig: "libqb", providers: [.apt(["libqb-dev"])]),
        .target(name: "PacerEventLoop", dependencies: ["CPacerSys"], swiftSettings: upcoming),
        .target(name: "PacerIPC", dependencies: ["CQB", "PacerEventLoop"], swiftSettings: upcoming),
        .executableTarget(name: "pacer-ipc-probe", dependencies: ["PacerIPC", "PacerEventLoop", "PacerWire"], swiftSettings: upcoming),
        // top
        .target(
            name: "PacerCLI",
            dependencies: [
                "PacerModel", "PacerXML", "PacerCIB", "PacerCrmSyntax", "PacerExecutor", "PacerConfig", "PacerCrypto", "PacerIPC", "PacerWire",
                "PacerScheduler", "PacerMonView", "CPacerSys",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming),
        .target(
            name: "PacerDaemon",
            dependencies: [
                "PacerConfig", "PacerMembership", "PacerHeartbeat", "PacerCrypto", "PacerEventLoop", "PacerIPC", "PacerExecutor",
                "PacerController", "PacerScheduler", "PacerTransition", "PacerCIB", "PacerModel", "PacerXML", "PacerWire", "CPacerSys",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming),
        .executableTarget(
            name: "pacerd",
            dependencies: ["PacerDaemon", "PacerConfig", "CPacerSys", .product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming),
        .executableTarget(name: "pacer", dependencies: ["PacerCLI"], swiftSettings: upcoming),
        .executableTarget(name: "pacer-bench", dependencies: ["PacerExecutor", "PacerModel", "PacerIPC", "PacerWire"], path: "Sources/pacer-bench"),
        // tests: PacerTestKit is the one copy of what several test targets need (never imported by Sources/)
        .target(name: "PacerTestKit", dependencies: ["PacerEventLoop"], path: "Tests/PacerTestKit", swiftSettings: upcoming),
        .testTarget(name: "PacerModelTests", dependencies: ["PacerModel"], swiftSettings: upcoming),
        .testTarget(name: "PacerMembershipTests", dependencies: ["PacerMembership", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerCIBTests", dependencies: ["PacerCIB", "PacerXML", "PacerModel", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(
            name: "PacerSchedulerTests",
            dependencies: ["PacerScheduler", "PacerModel", "PacerXML", "PacerTestKit"],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming),
        .testTarget(name: "PacerHeartbeatTests", dependencies: ["PacerHeartbeat", "PacerCrypto", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(
            name: "PacerControllerTests", dependencies: ["PacerController", "PacerTransition", "PacerModel", "PacerXML"],
            swiftSettings: upcoming),
        .testTarget(
            name: "PacerTransitionTests", dependencies: ["PacerTransition", "PacerScheduler", "PacerModel"],
            swiftSettings: upcoming),
        .testTarget(name: "PacerIntegrationTests", dependencies: ["PacerExecutor", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerConfigTests", dependencies: ["PacerConfig", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerExecutorTests", dependencies: ["PacerExecutor", "PacerModel", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerEventLoopTests", dependencies: ["PacerEventLoop", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerIPCTests", dependencies: ["PacerIPC", "PacerEventLoop", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerMonViewTests", dependencies: ["PacerMonView", "PacerModel", "PacerXML", "PacerWire", "PacerMembership", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerWireTests", dependencies: ["PacerWire", "PacerTransition", "PacerMembership", "PacerModel", "PacerTestKit"], swiftSettings: upcoming),
        .testTarget(name: "PacerCrmSyntaxTests", dependencies: ["PacerCrmSyntax", "PacerModel"], swiftSettings: upcoming),
        .testTarget(
            name: "PacerCLITests",
            dependencies: ["PacerModel", "PacerXML", "PacerTestKit"],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming),
    ]
)
