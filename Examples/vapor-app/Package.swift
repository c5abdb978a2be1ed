// swift-tools-version:6.2
// Adopting RequestTracing in a Vapor 4 app: the middleware (RequestTracingVapor), a small app using it
// (VaporTracedApp) and tests that run it on a real socket. Built and tested by the repository's CI
// (`swift test --package-path Examples/vapor`); it depends on the repository's package by path.
import PackageDescription

let package = Package(
    name: "request-tracing-vapor-example",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RequestTracingVapor", targets: ["RequestTracingVapor"]),
        .executable(name: "vapor-traced-app", targets: ["VaporTracedApp"]),
    ],
    dependencies: [
        .package(name: "swift-request-tracing", path: "../.."),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
    ],
    targets: [
        .target(
            name: "RequestTracingVapor",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "RequestTracing", package: "swift-request-tracing"),
            ]
        ),
        .executableTarget(
            name: "VaporTracedApp",
            dependencies: [
                "RequestTracingVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "RequestTracing", package: "swift-request-tracing"),
                .product(name: "RequestTracingAsyncHTTPClient", package: "swift-request-tracing"),
            ]
        ),
        .testTarget(
            name: "RequestTracingVaporTests",
            dependencies: [
                "VaporTracedApp",
                "RequestTracingVapor",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "RequestTracing", package: "swift-request-tracing"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
