import Foundation
import RequestTracingShipper
import TestSupport
import Testing

@Suite("The receiver's address, read alike by every tool")
struct ReceiverAddressTests {
    @Test(arguments: [
        ("http://127.0.0.1:7890", "http://127.0.0.1:7890", "ws://127.0.0.1:7890/api/stream"),
        ("127.0.0.1:7890", "http://127.0.0.1:7890", "ws://127.0.0.1:7890/api/stream"),
        (" HTTPS://traces.example.com/ ", "https://traces.example.com", "wss://traces.example.com/api/stream"),
        ("ws://[::1]:7890/api/stream", "http://[::1]:7890", "ws://[::1]:7890/api/stream"),
        ("wss://proxy.example.com/trace/api/stream/", "https://proxy.example.com/trace", "wss://proxy.example.com/trace/api/stream"),
        ("http://proxy.example.com/trace/", "http://proxy.example.com/trace", "ws://proxy.example.com/trace/api/stream"),
    ])
    func everyFormNamesTheSameBaseAndStream(_ text: String, _ base: String, _ stream: String) throws {
        let address = try #require(ReceiverAddress(text))
        #expect(address.baseURL == base)
        #expect(address.streamURL == stream)
    }

    @Test(arguments: [
        "", "not a url", "http://", "ftp://127.0.0.1:7890", "http://user:secret@127.0.0.1:7890", "http://127.0.0.1:7890/?token=x",
        "http://127.0.0.1:7890#top", "http://127.0.0.1:99999", "http://127.0.0.1:0", "http://127.0.0.1:port", "http://two words:7890",
    ])
    func whatIsNotAnAddressIsRefused(_ text: String) {
        #expect(ReceiverAddress(text) == nil)
    }

    @Test(arguments: [["logs"], ["trace", "some-request"]], ["not a url", "ftp://127.0.0.1:7890", "http://", "http://user:pw@127.0.0.1:7890"])
    func theCommandsRefuseWhatIsNotAnAddressNamingTheOption(_ command: [String], address: String) async throws {
        let process = try WrapperProcess(command + ["--receiver", address])
        let (status, _, stderr) = await process.finish()
        let message = String(decoding: stderr, as: UTF8.self)
        #expect(status != 0)
        #expect(message.contains("--receiver (or TRACE_RECEIVER_URL) must be the receiver's address"), "\(message)")
        #expect(message.contains(address), "\(message)")
    }

    @Test(arguments: [["logs"], ["trace", "some-request"]])
    func theCommandsSayAtOnceThatNothingAnswersAtTheAddress(_ command: [String]) async throws {
        let port = try unusedLoopbackPort()
        let started = ContinuousClock.now
        let process = try WrapperProcess(command + ["--receiver", "127.0.0.1:\(port)"])
        let (status, _, stderr) = await process.finish()
        let message = String(decoding: stderr, as: UTF8.self)
        #expect(status != 0)
        #expect(message.contains("cannot reach the receiver at http://127.0.0.1:\(port) (connection refused); is `trace-receiver serve` running?"), "\(message)")
        // AsyncHTTPClient's shared client retried the refused connection until the request's 30 s timeout.
        #expect(started.duration(to: .now) < .seconds(10))
    }

    @Test func theCommandsReadAReceiverGivenAsHostAndPortOrByItsStreamURL() async throws {
        try await withReceiver { receiver in
            _ = try await receiver.postLogs(#"{"service":"api","message":"found by any address"}"#)
            for address in ["127.0.0.1:\(receiver.port)", "ws://127.0.0.1:\(receiver.port)/api/stream"] {
                let process = try WrapperProcess(["logs", "--receiver", address])
                let (status, stdout, stderr) = await process.finish()
                #expect(status == 0, "\(address): \(String(decoding: stderr, as: UTF8.self))")
                #expect(String(decoding: stdout, as: UTF8.self).contains("found by any address"))
            }
        }
    }
}
