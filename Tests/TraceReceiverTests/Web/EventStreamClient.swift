import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// A real HTTP client reading a `text/event-stream` response as it arrives.
final class EventStreamClient: Sendable {
    private struct Received {
        /// Arrived since the last successful ``read(within:until:)``.
        var pending = ""
        var ended = false
    }

    /// Shared between the reading task and the readers of the text.
    private final class Inbox: Sendable {
        let state = Mutex(Received())
    }

    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    private let inbox = Inbox()
    private let reader: Task<Void, Never>

    /// Opens `url` and starts reading its body in the background.
    init(url: String) async throws {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        status = response.status
        headers = response.headers
        let inbox = self.inbox
        reader = Task {
            do {
                for try await buffer in response.body {
                    inbox.state.withLock { $0.pending += String(buffer: buffer) }
                }
            } catch {}
            inbox.state.withLock { $0.ended = true }
        }
    }

    /// What arrived after the previous call once `condition` holds for it, or `nil` when `seconds`
    /// pass (or the stream ends) first.
    func read(within seconds: Double = 5, until condition: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let (fresh, ended): (String?, Bool) = inbox.state.withLock { state in
                guard condition(state.pending) else { return (nil, state.ended) }
                defer { state.pending = "" }
                return (state.pending, state.ended)
            }
            if let fresh { return fresh }
            if ended { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Whether the server ended the stream within `seconds`.
    func ends(within seconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if inbox.state.withLock({ $0.ended }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Stops reading (the connection closes).
    func close() {
        reader.cancel()
    }
}
