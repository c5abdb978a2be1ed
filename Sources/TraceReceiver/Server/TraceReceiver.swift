import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The receiver daemon: ingests records over HTTP and WebSocket, keeps them in a ``LogStore`` and
/// answers queries. Run it as a `Service` (it stops on graceful shutdown, then closes the store so
/// everything acknowledged is on disk).
///
/// ```swift
/// let receiver = try TraceReceiver(configuration: .init())
/// try await ServiceGroup(services: [receiver], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
/// ```
public final class TraceReceiver: Service {
    public let configuration: ReceiverConfiguration
    /// Where records are kept.
    public let store: any LogStore
    let metrics = ReceiverMetrics()
    let pipeline: IngestPipeline
    private let logger: Logger
    private let onRunning: @Sendable (Int) async -> Void

    /// Opens the store. Throws when the configuration is unsafe (a non-loopback address without an
    /// ingest token) or the store cannot be opened.
    ///
    /// - Parameter onRunning: Called with the bound port once the server listens.
    public init(
        configuration: ReceiverConfiguration = ReceiverConfiguration(),
        logger: Logger = Logger(label: "trace-receiver"),
        onRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) throws {
        guard configuration.isLoopback || configuration.ingestToken != nil else {
            throw ReceiverConfigurationError(
                "binding to \(configuration.host) exposes ingest and every stored record to the network; set an ingest token (--ingest-token) or bind to 127.0.0.1"
            )
        }
        self.configuration = configuration
        self.logger = logger
        self.onRunning = onRunning
        switch configuration.store {
        case .memory:
            store = MemoryLogStore(
                limits: .init(maximumAge: configuration.memoryMaximumAge, maximumBytes: configuration.memoryMaximumBytes)
            )
        case .sqlite(let directory):
            store = try SQLiteLogStore(
                directory: directory,
                retention: .init(maximumAge: configuration.retentionAge, maximumBytes: configuration.retentionBytes),
                maximumPages: configuration.sqliteMaximumPages
            )
        }
        pipeline = IngestPipeline(store: store, configuration: configuration, metrics: metrics, logger: logger)
    }

    /// Where the store lives, for messages: the SQLite file or `memory`.
    public var storeDescription: String {
        (store as? SQLiteLogStore)?.path ?? "memory (hot buffer only; lost on exit)"
    }

    public func run() async throws {
        try await pipeline.warmUp()
        let application = makeApplication()
        let retention = RetentionService(store: store, interval: configuration.retentionInterval, logger: logger)
        do {
            let group = ServiceGroup(
                configuration: .init(services: [application, retention], logger: logger)
            )
            try await group.run()
        } catch {
            pipeline.feed.finish()
            try? await store.close()
            throw error
        }
        pipeline.feed.finish()
        try await store.close()
    }

    func makeApplication() -> some ApplicationProtocol {
        let router = Router(context: ReceiverRequestContext.self)
        let authorization = IngestAuthorization(token: configuration.ingestToken)
        router.add(middleware: LatencyMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware())
        IngestController(
            pipeline: pipeline,
            authorization: authorization,
            maximumBodyBytes: configuration.maximumBodyBytes
        ).register(on: router)
        FrontendLogController(pipeline: pipeline, configuration: configuration).register(on: router)
        OTLPController(pipeline: pipeline, authorization: authorization, configuration: configuration).register(on: router)
        let assembler = TraceAssembler(
            store: store, window: configuration.inferenceWindow.microseconds, limit: configuration.traceTimelineLimit
        )
        let reads = router.group().add(middleware: ReadAuthorizationMiddleware(authorization: authorization))
        QueryController(store: store, assembler: assembler).register(on: reads)
        LiveController(feed: pipeline.feed, metrics: metrics, keepAliveInterval: configuration.liveKeepAliveInterval).register(on: reads)
        WebPageController(authorization: authorization).register(on: router)
        MCPController(
            server: TraceMCPServer(source: StoreObservationSource(store: store, assembler: assembler), logger: logger),
            authorization: authorization,
            maximumBodyBytes: configuration.maximumBodyBytes
        ).register(on: router)
        StatusController(
            store: store,
            storeKind: configuration.store == .memory ? "memory" : "sqlite",
            metrics: metrics,
            startedAt: .now,
            writeHealth: pipeline.writeHealth
        ).register(on: router)
        let onRunning = self.onRunning
        return Application(
            router: router,
            server: .guardedHTTP1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(ws: .init(maxFrameSize: configuration.maximumBodyBytes)),
                firstRequestTimeout: configuration.firstRequestTimeout,
                closed: { [metrics] reason in metrics.connectionClosed(reason) }
            ),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}

/// A configuration the receiver refuses to start with.
public struct ReceiverConfigurationError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
