import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/live`: a Server-Sent Events stream telling the web page that records were stored, so it
/// refreshes without polling.
///
/// Each event is `event: stored` with `data: {"stored":n}`, the running total of records stored
/// since the receiver started; several stores in quick succession arrive as one event. An idle stream
/// sends a `: keep-alive` comment every ``ReceiverConfiguration/liveKeepAliveInterval``. Streams end on
/// graceful shutdown; the browser's `EventSource` reconnects by itself (`retry: 2000`).
struct LiveController: Sendable {
    let feed: StoredRecordsFeed
    let metrics: ReceiverMetrics
    let keepAliveInterval: Duration

    /// Adds the route to `routes`, which the routes that read records share: with a token set, live
    /// updates need it too (they tell how busy the services are).
    func register(on routes: RouterGroup<ReceiverRequestContext>) {
        routes.get("/api/live") { _, _ in
            try stream()
        }
    }

    private func stream() throws -> Response {
        guard let subscription = feed.subscribe() else {
            metrics.liveViewerRefused()
            throw ReceiverError(
                .serviceUnavailable, "too_many_viewers",
                "\(feed.maximumSubscribers) live views are open; close one or raise maximumLiveViewers"
            )
        }
        metrics.liveViewerOpened()
        let (feed, metrics, interval) = (feed, metrics, keepAliveInterval)
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-store",
            .xContentTypeOptions: "nosniff",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let ticker = Task {
                while (try? await Task.sleep(for: interval)) != nil { feed.repeatTotal(to: subscription.id) }
            }
            defer {
                ticker.cancel()
                feed.unsubscribe(subscription.id)
                metrics.liveViewerClosed()
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            // Graceful shutdown ends the subscription's stream, and with it this loop.
            try await withGracefulShutdownHandler {
                var sent: Int?
                for await total in subscription.totals {
                    if total == sent {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    } else {
                        try await writer.write(ByteBuffer(string: "event: stored\ndata: {\"stored\":\(total)}\n\n"))
                        sent = total
                    }
                }
            } onGracefulShutdown: {
                feed.unsubscribe(subscription.id)
            }
            try await writer.finish(nil)
        })
    }
}
