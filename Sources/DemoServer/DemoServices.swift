import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import RequestTracing
import RequestTracingAsyncHTTPClient
import RequestTracingHummingbird

/// The demo's two services.
enum DemoServices {
    /// A plain error Hummingbird does not recognise: becomes a JSON 500.
    struct DemoFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// `inventory`: `GET /api/reserve` (add `?fail=1` to make it fail) and `GET /api/whoami`.
    static func inventory(
        host: String = "127.0.0.1",
        port: Int,
        logging: DemoLogging,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: RequestTracingMiddleware())
        router.get("/api/reserve") { request, _ -> WhoAmI in
            let logger = Logger.current
            if request.uri.queryParameters["fail"] != nil {
                logger.warning("no stock left", metadata: ["event": "reservation_rejected", "item": "sku-42"])
                throw DemoFailure(description: "inventory database unavailable")
            }
            logger.info("reserved one item", metadata: ["event": "item_reserved", "item": "sku-42"])
            return try await WhoAmI.fromChildTask()
        }
        router.get("/api/whoami") { _, _ in try await WhoAmI.fromChildTask() }
        return application(service: "inventory", router: router, host: host, port: port, logging: logging, onRunning: onRunning)
    }

    /// `gateway`: hello, whoami, fail, missing-item, checkout (calls inventory) and child; with `page`,
    /// also the demo's browser page at `/`.
    static func gateway(
        host: String = "127.0.0.1",
        port: Int,
        downstreamPort: Int,
        logging: DemoLogging,
        httpClient: HTTPClient = .shared,
        page: DemoBrowserPage? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        // The page's files are registered before the middleware, so they are not traced: the request
        // list then shows the page's API calls, not its script and style loads.
        page?.register(on: router)
        router.add(middleware: RequestTracingMiddleware())
        router.get("/api/hello") { _, _ in "Hello from the gateway!\n" }
        router.get("/api/whoami") { _, _ in try await WhoAmI.fromChildTask() }
        router.get("/api/fail") { _, _ -> String in
            throw DemoFailure(description: "something went wrong in /api/fail")
        }
        router.get("/api/missing-item") { _, _ -> String in
            throw HTTPError(.notFound, message: "No such item")
        }
        router.get("/api/checkout") { request, _ -> CheckoutResult in
            let gateway = WhoAmI(RequestTraceContext.current)
            let fail = request.uri.queryParameters["fail"] != nil
            let inventory = try await timed("reserve_inventory") {
                try await reserve(downstreamHost: host, port: downstreamPort, fail: fail, client: httpClient)
            }
            return CheckoutResult(gateway: gateway, inventory: inventory)
        }
        router.get("/api/child") { _, _ in try await ChildProcessEnvironment.run() }
        return application(service: "gateway", router: router, host: host, port: port, logging: logging, onRunning: onRunning)
    }

    private static func reserve(downstreamHost: String, port: Int, fail: Bool, client: HTTPClient) async throws -> WhoAmI {
        var request = HTTPClientRequest(url: "http://\(downstreamHost):\(port)/api/reserve\(fail ? "?fail=1" : "")")
        request.injectRequestTracing()
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw TracedError(
                "inventory refused the reservation",
                cause: DemoFailure(description: "inventory answered \(response.status.code)"),
                context: ["downstream": "inventory", "status_code": "\(response.status.code)"]
            )
        }
        return try JSONDecoder().decode(WhoAmI.self, from: Data(body.readableBytesView))
    }

    private static func application(
        service: String,
        router: Router<BasicRequestContext>,
        host: String,
        port: Int,
        logging: DemoLogging,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: service),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logging.logger(service: service)
        )
    }
}

extension ChildProcessEnvironment.Printed: ResponseEncodable {}
