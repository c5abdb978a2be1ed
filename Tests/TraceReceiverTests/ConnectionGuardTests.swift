import Foundation
import HummingbirdWSClient
import Synchronization
import TestSupport
import Testing

@testable import TraceReceiver

/// What a connection that never gets to a request costs the receiver: it is closed once
/// ``ReceiverConfiguration/firstRequestTimeout`` passes without a request head, and nothing else is.
@Suite("Connections that never send a request", .timeLimit(.minutes(1)))
struct ConnectionGuardTests {
    @Test(arguments: ["", "GET /api/debug/lo", "POST /api/logs HTTP/1.1\r\nHost: x\r\nContent-Le"])
    func aConnectionWithoutACompleteRequestHeadIsClosedAfterTheTimeout(_ partial: String) async throws {
        try await withReceiver(configure: { $0.firstRequestTimeout = .seconds(1) }) { receiver in
            let start = ContinuousClock.now
            let answer = try await sendRawHTTP(Array(partial.utf8), port: receiver.port, timeoutSeconds: 20)
            let elapsed = start.duration(to: .now)
            #expect(answer.isEmpty)
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(10), "closed by the receiver after about a second, not held: \(elapsed)")
            #expect(metricValue(try await receiver.metrics(), "trace_receiver_silent_connections_closed_total") == 1)
        }
    }

    @Test func aKeptAliveConnectionIdleLongerThanTheTimeoutServesItsNextRequest() async throws {
        try await withReceiver(configure: { $0.firstRequestTimeout = .seconds(1) }) { receiver in
            // Two requests on one connection, 2.5 s apart: the guard is gone once the first head is read.
            let script = """
                import socket, sys, time
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.settimeout(10)
                statuses = []
                for pause in (0, 2.5):
                    time.sleep(pause)
                    s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
                    data = b""
                    while b"\\r\\n\\r\\n" not in data or not data.rstrip().endswith(b"}"):
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    statuses.append(data.split(b"\\r\\n")[0].decode() if data else "closed")
                print("|".join(statuses))
                """
            let run = try await runProgram(["python3", "-c", script, "\(receiver.port)"], timeout: 60)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "HTTP/1.1 200 OK|HTTP/1.1 200 OK")
        }
    }

    @Test func anUpgradedStreamIdleLongerThanTheTimeoutStaysOpen() async throws {
        // 3 s, not 1: under the whole suite on two busy cores the receiver once took over a second to read
        // the upgrade request, the guard closed the connection, and the WebSocket client waited forever.
        try await withReceiver(configure: { $0.firstRequestTimeout = .seconds(3) }) { receiver in
            // A shipper connects and has nothing to send for a while: the upgrade answered its one request.
            let reply = Mutex<String?>(nil)
            // The client can wait forever on a handshake the server closed (see the shipper's
            // ConnectionAttempt), so the exchange runs apart and the test waits at most 30 s for its reply.
            let exchange = Task {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(receiver.port)/api/stream", logger: quietLogger) { inbound, outbound, _ in
                    try await Task.sleep(for: .milliseconds(4_500))
                    try await outbound.write(.text(#"{"batch":1,"records":[{"service":"idle","message":"after a quiet spell"}]}"#))
                    var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    if case .text(let text) = try await iterator.next() { reply.withLock { $0 = text } }
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            _ = await eventually(within: 30) { reply.withLock { $0 } != nil }
            exchange.cancel()
            let text = try #require(reply.withLock { $0 }, "the stream was closed while idle")
            #expect(text.contains(#""ack":1"#), "\(text)")
            #expect(metricValue(try await receiver.metrics(), "trace_receiver_silent_connections_closed_total") == 0)
        }
    }
}
