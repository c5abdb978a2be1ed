import Foundation
import Testing

@Suite("trace-receiver logs and trace: the receiver's address")
struct ReceiverAddressTests {
    @Test(arguments: [["logs"], ["trace", "some-request"]], ["not a url", "ws://127.0.0.1:7890", "http://"])
    func anAddressThatIsNotAnHTTPURLIsRejectedNamingTheOption(_ command: [String], address: String) async throws {
        let process = try WrapperProcess(command + ["--receiver", address])
        let (status, _, stderr) = await process.finish()
        let message = String(decoding: stderr, as: UTF8.self)
        #expect(status != 0)
        #expect(message.contains("--receiver (or TRACE_RECEIVER_URL) must be the receiver's http:// or https:// URL"), "\(message)")
        #expect(message.contains(address), "\(message)")
    }
}
