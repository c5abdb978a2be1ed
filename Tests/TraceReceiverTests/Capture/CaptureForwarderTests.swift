import Foundation
import RequestTracing
import Testing

@testable import TraceReceiver

@Suite("Capture: the forwarder from lines to records")
struct CaptureForwarderTests {
    @Test func colouredLinesAreJoinedAsPlainOnesAre() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "app"), sink: sink)
        for line in [
            "\u{1B}[31mERROR\u{1B}[0m:root:charge failed",
            "\u{1B}[1mTraceback (most recent call last):\u{1B}[0m",
            #"  File "\#u{1B}[35mapp.py\#u{1B}[0m", line 3, in charge"#,
            "\u{1B}[1;35mZeroDivisionError\u{1B}[0m: division by zero",
        ] {
            forwarder.append(line: Array(line.utf8))
        }
        forwarder.finish()
        let records = try ServicePrefixTests.records(sink)
        #expect(records.count == 1, "\(records.map { $0["message"] ?? "" })")
        #expect(records.first?["error_type"] as? String == "ZeroDivisionError")
        #expect((records.first?["stack"] as? String)?.contains(#"File "app.py", line 3"#) == true)
    }
}
