// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
// Tests import what they use, but need not name every module a member comes from.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "swift-request-tracing",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RequestTracing", targets: ["RequestTracing"]),
        .library(name: "RequestTracingHummingbird", targets: ["RequestTracingHummingbird"]),
        .library(name: "RequestTracingAsyncHTTPClient", targets: ["RequestTracingAsyncHTTPClient"]),
        .library(name: "RequestTracingShipper", targets: ["RequestTracingShipper"]),
        .library(name: "TraceReceiver", targets: ["TraceReceiver"]),
        .executable(name: "trace-receiver", targets: ["TraceReceiverCLI"]),
        .executable(name: "demo-server", targets: ["DemoServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "RequestTracing",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RequestTracingHummingbird",
            dependencies: [
                "RequestTracing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RequestTracingAsyncHTTPClient",
            dependencies: [
                "RequestTracing",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RequestTracingShipper",
            dependencies: [
                "RequestTracing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TraceReceiver",
            dependencies: [
                "RequestTracing",
                "RequestTracingHummingbird",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            // The web page, compiled into the binary: `trace-receiver` serves it with nothing installed beside it.
            resources: [.embedInCode("Web/index.html"), .embedInCode("Web/app.js"), .embedInCode("Web/app.css")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TraceReceiverCLI",
            dependencies: [
                "TraceReceiver",
                "RequestTracing",
                "RequestTracingShipper",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DemoServer",
            dependencies: [
                "RequestTracing",
                "RequestTracingShipper",
                "RequestTracingHummingbird",
                "RequestTracingAsyncHTTPClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks: plain executables, built in release by Benchmarks/run.sh.
        .executableTarget(
            name: "BenchServer",
            dependencies: [
                "RequestTracing",
                "RequestTracingHummingbird",
                "RequestTracingShipper",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/Sources/BenchServer",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BenchMicro",
            dependencies: [
                "RequestTracing",
                "RequestTracingHummingbird",
                "RequestTracingShipper",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            path: "Benchmarks/Sources/BenchMicro",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BenchReceiver",
            dependencies: [
                "TraceReceiver",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/Sources/BenchReceiver",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RequestTracingTests",
            dependencies: ["RequestTracing"],
            swiftSettings: testSwiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "RequestTracing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RequestTracingHummingbirdTests",
            dependencies: [
                "RequestTracing",
                "RequestTracingHummingbird",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "TraceReceiverTests",
            dependencies: [
                "TraceReceiver",
                "RequestTracingShipper",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "RequestTracing",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "MCP", package: "swift-sdk"),
            ],
            exclude: [
                "MCP/mcp_client.py", "OTLP/otel_export.py", "OTLP/otel_wsgi.py", "Web/browser_e2e.py", "Web/browser_token.py", "Web/browser_store.py",
                "Web/browser_cut.py", "Web/browser_fields.py", "Web/browser_lines.py", "Web/browser_older.py", "Web/browser_otel.py",
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "DemoServerTests",
            dependencies: [
                "DemoServer",
                "RequestTracing",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)
