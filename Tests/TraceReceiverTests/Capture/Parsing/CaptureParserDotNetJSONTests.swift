import Foundation
import Logging
import Testing

@testable import TraceReceiver

/// .NET's JSON log lines. There is no .NET runtime on this machine, so the lines are written as the
/// formatters' source writes them: dotnet/runtime's `JsonConsoleFormatter` (Microsoft.Extensions.Logging,
/// `AddJsonConsole()`, not indented: an exception's line breaks become spaces, and `Utf8JsonWriter`
/// escapes `+`, `<`, `>`, `&` and `'`), serilog-formatting-compact's `CompactJsonFormatter` and
/// `RenderedCompactJsonFormatter`, and Serilog's `JsonFormatter`.
@Suite("CaptureParsing: .NET JSON lines")
struct CaptureParserDotNetJSONTests {
    static let traceID = "8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b"
    static let scopes =
        #""Scopes":[{"Message":"SpanId:4c8d1fe5ba3a8b8f, TraceId:8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b, ParentId:0000000000000000","SpanId":"4c8d1fe5ba3a8b8f","TraceId":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b","ParentId":"0000000000000000"},{"Message":"ConnectionId:0HN5F6S8O9Q1K","ConnectionId":"0HN5F6S8O9Q1K"},{"Message":"RequestPath:/orders/42 RequestId:0HN5F6S8O9Q1K:00000001","RequestId":"0HN5F6S8O9Q1K:00000001","RequestPath":"/orders/42"},"checkout"]"#

    @Test func jsonConsoleFormatterGivesLevelMessageIdsFromScopesAndTheStateAsFields() {
        let record = CaptureParsing.parse(
            #"{"Timestamp":"2026-11-23T14:48:22.123Z","EventId":0,"LogLevel":"Warning","Category":"Shop.OrdersController","Message":"Order 42 is late by 3 days","State":{"Message":"Order 42 is late by 3 days","OrderId":42,"Days":3,"{OriginalFormat}":"Order {OrderId} is late by {Days} days"},"#
                + Self.scopes + "}"
        )
        #expect(record.level == .warning)
        #expect(record.message == "Order 42 is late by 3 days")
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T14:48:22.123Z"))
        #expect(record.traceID == Self.traceID)
        #expect(record.spanID == "4c8d1fe5ba3a8b8f")
        #expect(record.parentSpanID == nil, "a ParentId of zeros is no parent")
        #expect(record.requestID == "0HN5F6S8O9Q1K:00000001")
        let fields = CaptureParsing.fields(record)
        #expect(fields["OrderId"] as? Int == 42)
        #expect(fields["Days"] as? Int == 3)
        #expect(fields["Category"] as? String == "Shop.OrdersController")
        #expect(fields["EventId"] as? Int == 0)
        #expect(fields["ConnectionId"] as? String == "0HN5F6S8O9Q1K")
        #expect(fields["RequestPath"] as? String == "/orders/42")
        #expect(fields["scopes"] as? String == "checkout", "a scope that is only a text")
        #expect(fields["Message"] == nil && fields["{OriginalFormat}"] == nil && fields["State"] == nil && fields["Scopes"] == nil)
        #expect(fields.count == 7)
    }

    @Test func jsonConsoleFormatterExceptionGivesTheErrorAndAStackWithItsLineBreaksBack() {
        let record = CaptureParsing.parse(
            #"{"EventId":0,"LogLevel":"Error","Category":"Shop.OrdersController","Message":"Saving order 42 failed","Exception":"System.InvalidOperationException: Order 42 is closed  ---\u003E System.IO.IOException: disk full    at Shop.Orders.Save(Order order) in /src/Orders.cs:line 17    --- End of inner exception stack trace ---    at Shop.OrdersController.Post(Int32 id) in /src/OrdersController.cs:line 30","State":{"Message":"Saving order 42 failed","{OriginalFormat}":"Saving order 42 failed"}}"#
        )
        #expect(record.level == .error)
        #expect(record.message == "Saving order 42 failed")
        #expect(record.errorType == "System.InvalidOperationException")
        #expect(record.error == "Order 42 is closed", "the outer exception's message, without the inner one")
        #expect(
            record.stack == """
                System.InvalidOperationException: Order 42 is closed
                 ---> System.IO.IOException: disk full
                   at Shop.Orders.Save(Order order) in /src/Orders.cs:line 17
                   --- End of inner exception stack trace ---
                   at Shop.OrdersController.Post(Int32 id) in /src/OrdersController.cs:line 30
                """
        )
        #expect(record.fields == #"{"EventId":0,"Category":"Shop.OrdersController"}"#)
    }

    @Test func aspNetCoreRequestFinishedLineIsARequestWithTheScopesTrace() {
        let record = CaptureParsing.parse(
            #"{"EventId":2,"LogLevel":"Information","Category":"Microsoft.AspNetCore.Hosting.Diagnostics","Message":"Request finished HTTP/1.1 GET http://localhost:5000/orders/42?ref=mail - 500 - application/json;\u002Bcharset=utf-8 12.3456ms","State":{"Message":"Request finished HTTP/1.1 GET http://localhost:5000/orders/42?ref=mail - 500 - application/json;\u002Bcharset=utf-8 12.3456ms","ElapsedMilliseconds":12.3456,"StatusCode":500,"ContentType":"application/json; charset=utf-8","Method":"GET","Path":"/orders/42"},"#
                + Self.scopes + "}"
        )
        #expect(record.event == "request_failed", "a 5xx")
        #expect(record.durationMS == 12.3456)
        #expect(record.traceID == Self.traceID)
        let fields = CaptureParsing.fields(record)
        #expect(fields["status_code"] as? Int == 500)
        #expect(fields["method"] as? String == "GET")
        #expect(fields["path"] as? String == "/orders/42")
        #expect(fields["StatusCode"] as? Int == 500, "the state's values are kept as they are")
    }

    @Test func serilogCompactFormatterFillsTheTemplateFromThePropertiesAsSerilogRendersIt() {
        let record = CaptureParsing.parse(
            #"{"@t":"2026-11-23T14:48:22.1234567Z","@mt":"Order {OrderId} for {Customer} ({Customer:l}) placed by {@User} in {Elapsed:0.00} ms; {{not a hole}} {Missing}","@r":["Ann \"A\" Lee","12.35"],"@l":"Warning","@tr":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b","@sp":"4c8d1fe5ba3a8b8f","OrderId":42,"Customer":"Ann \"A\" Lee","User":{"Name":"bob","Id":7},"Elapsed":12.3456,"SourceContext":"Shop.Orders","RequestId":"0HN5F6S8O9Q1K:00000001"}"#
        )
        #expect(
            record.message
                == #"Order 42 for "Ann \"A\" Lee" (Ann "A" Lee) placed by {"Name":"bob","Id":7} in 12.35 ms; {not a hole} {Missing}"#
        )
        #expect(record.level == .warning)
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T14:48:22.123456Z"))
        #expect(record.traceID == Self.traceID)
        #expect(record.spanID == "4c8d1fe5ba3a8b8f")
        #expect(record.requestID == "0HN5F6S8O9Q1K:00000001")
        let fields = CaptureParsing.fields(record)
        #expect(fields["OrderId"] as? Int == 42)
        #expect(fields["SourceContext"] as? String == "Shop.Orders")
        #expect((fields["message_template"] as? String)?.hasPrefix("Order {OrderId} for") == true)
        #expect(fields["@r"] == nil && fields["@mt"] == nil)
    }

    @Test func serilogCompactFormatterWithoutALevelIsInformationAndItsExceptionIsTheError() {
        let plain = CaptureParsing.parse(#"{"@t":"2026-11-23T14:48:22.1234567Z","@mt":"Started"}"#)
        #expect(plain.level == .info)
        #expect(plain.message == "Started")
        let failed = CaptureParsing.parse(
            #"{"@t":"2026-11-23T14:48:22.1234567Z","@mt":"Payment {PaymentId} failed","@l":"Error","@x":"System.TimeoutException: The gateway did not answer\n   at Shop.Payments.Charge() in /src/Payments.cs:line 9","PaymentId":"p-9"}"#
        )
        #expect(failed.level == .error)
        #expect(failed.message == #"Payment "p-9" failed"#)
        #expect(failed.errorType == "System.TimeoutException")
        #expect(failed.error == "The gateway did not answer")
        #expect(failed.stack == "System.TimeoutException: The gateway did not answer\n   at Shop.Payments.Charge() in /src/Payments.cs:line 9")
    }

    @Test func serilogRenderedCompactFormatterMessageIsTaken() {
        let record = CaptureParsing.parse(
            #"{"@t":"2026-11-23T14:48:22.1234567Z","@m":"Order 42 placed","@i":"a1b2c3d4","@l":"Debug","OrderId":42}"#
        )
        #expect(record.message == "Order 42 placed")
        #expect(record.level == .debug)
        #expect(CaptureParsing.fields(record)["message_template"] == nil)
        #expect(CaptureParsing.fields(record)["@i"] as? String == "a1b2c3d4")
    }

    @Test func serilogJsonFormatterReadsItsPropertiesAsIdsAndFields() {
        let record = CaptureParsing.parse(
            #"{"Timestamp":"2026-11-23T15:48:22.1234567+01:00","Level":"Error","MessageTemplate":"Payment {PaymentId} failed after {Attempts} attempts","Exception":"System.TimeoutException: The gateway did not answer\n   at Shop.Payments.Charge()","Properties":{"PaymentId":"p-9","Attempts":3,"RequestId":"0HN5F6S8O9Q1K:00000002","TraceId":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b","SpanId":"4c8d1fe5ba3a8b8f"}}"#
        )
        #expect(record.message == #"Payment "p-9" failed after 3 attempts"#)
        #expect(record.level == .error)
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T14:48:22.123456Z"))
        #expect(record.requestID == "0HN5F6S8O9Q1K:00000002")
        #expect(record.traceID == Self.traceID)
        #expect(record.errorType == "System.TimeoutException")
        let fields = CaptureParsing.fields(record)
        #expect(fields["PaymentId"] as? String == "p-9")
        #expect(fields["Attempts"] as? Int == 3)
        #expect(fields["Properties"] == nil)
    }

    @Test func stateScopesAndPropertiesOfOtherLoggersStayFieldsAsTheyAre() {
        let record = CaptureParsing.parse(
            #"{"level":"info","message":"order moved","State":{"Message":"shipped","RequestId":"r-1"},"Scopes":["a"],"Properties":{"TraceId":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b"}}"#
        )
        #expect(record.message == "order moved")
        #expect(record.requestID == nil && record.traceID == nil)
        let fields = CaptureParsing.fields(record)
        #expect((fields["State"] as? [String: Any])?["Message"] as? String == "shipped")
        #expect(fields["Scopes"] as? [String] == ["a"])
        #expect((fields["Properties"] as? [String: Any])?["TraceId"] as? String == Self.traceID)
    }

    @Test func malformedTemplatesAndOddShapesKeepWhatTheySay() {
        for (template, rendered) in [
            ("{", "{"), ("{Name", "{Name"), ("{ Name}", "{ Name}"), ("}", "}"), ("{Name,}", "{Name,}"), ("{Name:", "{Name:"),
            ("{Name,-5:x}!", #""Bob"!"#), ("{Name:l}", "Bob"), ("{@Name} {$Name}", #""Bob" "Bob""#), ("{{{Name}}}", #"{"Bob"}"#), ("é{Name}é", #"é"Bob"é"#),
        ] {
            let line = #"{"@mt":"\#(template)","Name":"Bob"}"#
            #expect(CaptureParsing.parse(line).message == rendered, "\(template)")
        }
        // Scopes that are not an array, a state that is not an object, nothing but strings.
        let odd = CaptureParsing.parse(#"{"LogLevel":"Critical","Message":"m","State":"s","Scopes":{"x":1},"Exception":"not an exception"}"#)
        #expect(odd.level == .critical)
        #expect(odd.stack == "not an exception")
        #expect(odd.errorType == nil)
        let fields = CaptureParsing.fields(odd)
        #expect(fields["State"] as? String == "s")
        #expect((fields["Scopes"] as? [String: Any])?["x"] as? Int == 1)
    }

    @Test func aTemplateNamingALargePropertyOverAndOverMakesABoundedMessage() {
        let holes = String(repeating: "{Big}", count: 5_000)
        let line = #"{"@mt":"\#(holes)","Big":"\#(String(repeating: "x", count: 20_000))"}"#
        let record = CaptureParsing.parse(line)
        #expect(record.message.utf8.count < SerilogMessageTemplate.maximumBytes + 20_010 + holes.utf8.count)
        #expect(record.message.hasSuffix("{Big}{Big}"), "the holes past the limit stay as written")
        #expect(record.message.hasPrefix("\"xxx"))
    }

    @Test func truncatedLinesDoNotCrashAndAreKeptAsText() {
        let line =
            #"{"EventId":0,"LogLevel":"Error","Category":"C","Message":"m","Exception":"System.Exception: x    at A.B()","State":{"Message":"m","K":1},"#
            + Self.scopes + "}"
        for length in stride(from: 1, to: line.utf8.count, by: 7) {
            let cut = String(decoding: line.utf8.prefix(length), as: UTF8.self)
            let record = CaptureParsing.parse(cut)
            #expect(record.message == cut.trimmingCharacters(in: .whitespaces), "an incomplete object is not read as JSON")
        }
    }
}
