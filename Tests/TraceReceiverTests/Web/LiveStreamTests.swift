import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import TraceReceiver

@Suite("GET /api/live")
struct LiveStreamTests {
    /// The `stored` totals among the events in `text`.
    static func totals(_ text: String) -> [Int] {
        text.components(separatedBy: "\n\n").compactMap { event in
            guard event.contains("event: stored"), let data = event.split(separator: "\n").first(where: { $0.hasPrefix("data: ") })
            else { return nil }
            let object = try? JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any]
            return object?["stored"] as? Int
        }
    }

    /// `count` records with fixed timestamps, so sending them again sends duplicates.
    static func records(_ count: Int, service: String = "api") -> String {
        (0..<count).map { index in
            recordLine(["service": service, "message": "line \(index)", "timestamp": "2026-01-01T00:00:0\(index).000Z"])
        }.joined(separator: "\n")
    }

    @Test
    func announcesStoredRecordsAsServerSentEvents() async throws {
        try await withReceiver { (receiver) async throws in
            let stream = try await EventStreamClient(url: receiver.baseURL + "/api/live")
            defer { stream.close() }
            #expect(stream.status == .ok)
            #expect(stream.headers["Content-Type"].first?.hasPrefix("text/event-stream") == true)
            #expect(stream.headers["Cache-Control"].first == "no-store")
            let opening = try #require(await stream.read { Self.totals($0) == [0] })
            #expect(opening.hasPrefix("retry: 2000\n\n"))

            #expect(try await receiver.postLogs(Self.records(3)).counts() == Counts(accepted: 3))
            #expect(await stream.read { Self.totals($0).last == 3 } != nil)
            // Duplicates and rejected lines store nothing, so they announce nothing.
            _ = try await receiver.postLogs(Self.records(3) + "\n{not json")
            #expect(try await receiver.postLogs(Self.records(2, service: "web")).counts() == Counts(accepted: 2))
            let later = try #require(await stream.read { Self.totals($0).last == 5 })
            #expect(Self.totals(later) == [5])
        }
    }

    @Test
    func sendsKeepAliveCommentsWhileIdle() async throws {
        try await withReceiver(configure: { $0.liveKeepAliveInterval = .milliseconds(50) }) { (receiver) async throws in
            let stream = try await EventStreamClient(url: receiver.baseURL + "/api/live")
            defer { stream.close() }
            let idle = try #require(await stream.read { $0.components(separatedBy: ": keep-alive\n\n").count > 3 })
            // Keep-alives repeat nothing: the only event is the opening total.
            #expect(Self.totals(idle) == [0])
        }
    }

    @Test
    func refusesViewersBeyondTheCapAndFreesTheSlotsOfThoseWhoLeave() async throws {
        try await withReceiver(configure: {
            $0.maximumLiveViewers = 2
            $0.liveKeepAliveInterval = .milliseconds(50)
        }) { (receiver) async throws in
            let first = try await EventStreamClient(url: receiver.baseURL + "/api/live")
            let second = try await EventStreamClient(url: receiver.baseURL + "/api/live")
            defer { second.close() }
            #expect(await first.read { Self.totals($0) == [0] } != nil)
            #expect(await second.read { Self.totals($0) == [0] } != nil)

            let refused = try await receiver.get("/api/live")
            #expect(refused.status == 503)
            #expect(refused.errorCode == "too_many_viewers")
            #expect(metricValue(try await receiver.metrics(), "trace_receiver_live_viewers_refused_total") == 1)
            #expect(metricValue(try await receiver.metrics(), "trace_receiver_live_viewers") == 2)

            // A viewer that goes away is noticed at the next keep-alive, and its slot is free again.
            first.close()
            #expect(try await eventually { metricValue(try await receiver.metrics(), "trace_receiver_live_viewers") == 1 })
            let third = try await EventStreamClient(url: receiver.baseURL + "/api/live")
            defer { third.close() }
            #expect(third.status == .ok)
        }
    }

    @Test
    func streamsEndWhenTheReceiverShutsDownGracefully() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = ReceiverConfiguration()
            configuration.port = 0
            configuration.store = .sqlite(directory: directory)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let receiver = try TraceReceiver(configuration: configuration, logger: quietLogger) { port in
                continuation.yield(port)
            }
            let group = ServiceGroup(configuration: .init(services: [receiver], logger: quietLogger))
            let running = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let stream = try await EventStreamClient(url: "http://127.0.0.1:\(port)/api/live")
            defer { stream.close() }
            #expect(await stream.read { Self.totals($0) == [0] } != nil)
            let started = ContinuousClock.now
            await group.triggerGracefulShutdown()
            // Well before the 15 s keep-alive would have noticed anything.
            #expect(await stream.ends(within: 10))
            try await running.value
            #expect(started.duration(to: .now) < .seconds(10))
        }
    }
}

@Suite("StoredRecordsFeed")
struct StoredRecordsFeedTests {
    @Test
    func aSlowViewerHoldsOnlyTheLatestTotal() async throws {
        let feed = StoredRecordsFeed(maximumSubscribers: 4)
        let subscription = try #require(feed.subscribe())
        for count in [1, 2, 3, 4] { feed.publish(count) }
        var iterator = subscription.totals.makeAsyncIterator()
        // The opening 0 and the four totals folded into one pending value: the newest.
        #expect(await iterator.next() == 10)
        feed.publish(5)
        #expect(await iterator.next() == 15)
        feed.unsubscribe(subscription.id)
        #expect(await iterator.next() == nil)
        #expect(feed.subscriberCount == 0)
    }

    @Test
    func finishEndsEveryStreamAndRefusesNewOnes() async throws {
        let feed = StoredRecordsFeed(maximumSubscribers: 4)
        let subscriptions = try (0..<3).map { _ in try #require(feed.subscribe()) }
        feed.finish()
        for subscription in subscriptions {
            var iterator = subscription.totals.makeAsyncIterator()
            // The opening total was buffered before the end.
            #expect(await iterator.next() == 0)
            #expect(await iterator.next() == nil)
        }
        #expect(feed.subscribe() == nil)
    }
}
