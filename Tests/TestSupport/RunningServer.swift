import Hummingbird
import Logging
import NIOCore

/// Runs `application` (built with an `onServerRunning` that reports its port) for the duration of `body`,
/// then shuts it down.
///
/// - Parameter makeApplication: Builds the application; must call the given closure with the bound port.
public func withRunningApplication<App: ApplicationProtocol, Result: Sendable>(
    _ makeApplication: (@escaping @Sendable (Int) async -> Void) -> App,
    _ body: (Int) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let application = makeApplication { port in continuation.yield(port) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// A Hummingbird application on 127.0.0.1 with an ephemeral port, for tests.
public func testApplication<Context: RequestContext>(
    router: Router<Context>,
    logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void
) -> some ApplicationProtocol where Context.Source == ApplicationRequestContextSource {
    Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in await onRunning(channel.localAddress!.port!) },
        logger: logger
    )
}
