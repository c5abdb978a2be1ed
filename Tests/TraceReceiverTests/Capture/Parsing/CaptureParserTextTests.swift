import Foundation
import Logging
import Testing

@testable import TraceReceiver

@Suite("CaptureParsing: text formats")
struct CaptureParsingTextTests {
    @Test func logfmtMapsKnownKeysAndKeepsTheRest() {
        let record = CaptureParsing.parse(
            #"time=2024-01-01T12:00:00.123Z level=WARN msg="slow query took 2.5s" request_id=abc-123 table=orders"#
        )
        #expect(record.level == .warning)
        #expect(record.message == "slow query took 2.5s")
        #expect(record.requestID == "abc-123")
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T12:00:00.123Z"))
        #expect(record.fields == #"{"table":"orders"}"#)
    }

    @Test func proseWithOneEqualsSignIsNotLogfmt() {
        let record = CaptureParsing.parse("retrying connection attempt=3")
        #expect(record.message == "retrying connection attempt=3")
    }

    @Test func bracketedSeedShape() {
        let record = CaptureParsing.parse("[2024-01-01T12:00:00.123Z] INFO [req:abc123] [auth] User logged in")
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T12:00:00.123Z"))
        #expect(record.level == .info)
        #expect(record.requestID == "abc123")
        #expect(record.message == "User logged in")
        #expect(record.fields == #"{"logger":"auth"}"#)
        #expect(record.service == "wrapped")
    }

    @Test func bracketedLevelVariant() {
        let record = CaptureParsing.parse("[2024-01-01 12:00:00,500] [ERROR] payment failed")
        #expect(record.level == .error)
        #expect(record.message == "payment failed")
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T12:00:00.500Z"))
    }

    @Test func gunicornPidAndLevel() {
        let record = CaptureParsing.parse("[2024-01-01 12:00:00 +0000] [4242] [INFO] Starting gunicorn 21.2.0")
        #expect(record.level == .info)
        #expect(record.message == "Starting gunicorn 21.2.0")
        #expect(record.fields == #"{"pid":4242}"#)
    }

    // Rust's env_logger default format (https://docs.rs/env_logger): timestamp, level and target in one
    // group; the level is padded to five characters.
    @Test(arguments: [
        ("[2024-01-01T12:00:00Z ERROR my_app::db] connection refused", Logger.Level.error, String?("my_app::db"), "2024-01-01T12:00:00Z"),
        ("[2024-01-01T12:00:00.123Z WARN  my_app] slow query request_id=req-9", .warning, "my_app", "2024-01-01T12:00:00.123Z"),
        ("[2024-01-01T12:00:00Z INFO ] started", .info, nil, "2024-01-01T12:00:00Z"),
    ])
    func envLoggerTimestampLevelAndTargetInOneGroup(_ line: String, _ level: Logger.Level, _ target: String?, _ time: String) {
        let record = CaptureParsing.parse(line)
        #expect(record.level == level)
        #expect(record.timestamp == CaptureParsing.micros(time))
        #expect(CaptureParsing.fields(record)["logger"] as? String == target)
        #expect(!record.message.hasPrefix("["), "\(record.message)")
    }

    @Test func seedTraceTagIsACorrelationID() {
        let record = CaptureParsing.parse("[2024-01-01T12:00:00Z] INFO [trace:550e8400-e29b-41d4] Received checkout")
        #expect(record.requestID == "550e8400-e29b-41d4")
        #expect(record.message == "Received checkout")
    }

    @Test(arguments: [
        (#"203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#, Logger.Level.info, Int64(200)),
        (#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "POST /api/pay HTTP/1.1" 503 0 "-" "curl/8.5.0""#, .error, 503),
        (#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /missing HTTP/1.1" 404 153"#, .warning, 404),
    ])
    func accessLogLevelFollowsStatus(line: String, level: Logger.Level, status: Int64) {
        let record = CaptureParsing.parse(line)
        #expect(record.level == level)
        #expect(record.timestamp == CaptureParsing.micros("2000-10-10T20:55:36Z"))
        #expect(CaptureParsing.fields(record)["status_code"] as? Int64 == status)
        #expect(CaptureParsing.fields(record)["method"] != nil)
    }

    @Test func anAccessLogLineIsAFinishedRequestWithNginxsRequestTimeAsItsDuration() {
        let timed = CaptureParsing.parse(
            #"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /api/x?y=1 HTTP/1.1" 502 12 "-" "curl/8" rt=0.125 request_id=r-nginx"#)
        #expect(timed.event == "request_failed")
        #expect(timed.durationMS == 125)
        #expect(timed.requestID == "r-nginx")
        // The path is the target without its query, as the middleware's, other servers' and spans' are.
        #expect(timed.message == "GET /api/x?y=1 502")
        #expect(CaptureParsing.fields(timed)["path"] as? String == "/api/x")
        let absolute = CaptureParsing.parse(#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET http://shop.test/cart?session=s3cret HTTP/1.1" 200 1"#)
        #expect(CaptureParsing.fields(absolute)["path"] as? String == "/cart")
        let plain = CaptureParsing.parse(#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /missing HTTP/1.1" 404 153"#)
        #expect(plain.event == "request_completed")
        #expect(plain.durationMS == nil)
        let named = CaptureParsing.parse(#"10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "POST /pay HTTP/2.0" 200 5 "-" "-" request_time=1.5"#)
        #expect(named.durationMS == 1500)
        for bad in ["rt=", "rt=abc", "rt=-1", "rt=inf", "rt=nan"] {
            let record = CaptureParsing.parse(#"10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "-" "# + bad)
            #expect(record.durationMS == nil, "\(bad)")
            #expect(record.event == "request_completed", "\(bad)")
        }
    }

    @Test func accessLogFields() {
        let record = CaptureParsing.parse(
            #"203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#
        )
        #expect(record.message == "GET /apache_pb.gif 200")
        let fields = CaptureParsing.fields(record)
        #expect(fields["path"] as? String == "/apache_pb.gif")
        #expect(fields["user_agent"] as? String == "Mozilla/4.08 [en] (Win98; I ;Nav)")
        #expect(fields["remote_addr"] as? String == "203.0.113.9")
    }

    // The following were generated by running CPython 3.11's logging module and loguru 0.7.
    @Test func pythonLoggingDefaultFormat() {
        let record = CaptureParsing.parse("ERROR:app.db:connection lost request_id=0190ab12-3456-7def-8123-456789abcdef")
        #expect(record.level == .error)
        #expect(record.message == "connection lost request_id=0190ab12-3456-7def-8123-456789abcdef")
        #expect(record.requestID == "0190ab12-3456-7def-8123-456789abcdef")
        #expect(record.fields == #"{"logger":"app.db"}"#)
        #expect(record.timestamp == CaptureParsing.receivedAt)
        #expect(CaptureParsing.parse("WARNING:root:disk almost full").level == .warning)
    }

    // uvicorn's default log format (FastAPI, Starlette): the level, a colon and padding.
    @Test func uvicornLinesLoseTheirPaddedLevel() {
        let access = CaptureParsing.parse(#"INFO:     127.0.0.1:52345 - "GET /api/orders HTTP/1.1" 200 OK"#)
        #expect(access.level == .info)
        #expect(access.message == #"127.0.0.1:52345 - "GET /api/orders HTTP/1.1" 200 OK"#)
        #expect(access.event == "request_completed", "uvicorn's access line is a finished request")
        #expect(CaptureParsing.fields(access)["method"] as? String == "GET")
        #expect(CaptureParsing.fields(access)["path"] as? String == "/api/orders")
        #expect(CaptureParsing.fields(access)["status_code"] as? Int == 200)
        let crashed = CaptureParsing.parse(#"INFO:     [::1]:52345 - "POST /api/pay?card=1 HTTP/1.1" 500 Internal Server Error"#)
        #expect(crashed.event == "request_failed")
        #expect(CaptureParsing.fields(crashed)["path"] as? String == "/api/pay", "without its query")
        for text in [#"INFO:     a - "GET /x" 200 OK"#, #"INFO:     a - "get /x HTTP/1.1" 200"#, #"INFO:     a - "GET /x HTTP/1.1" OK"#] {
            #expect(CaptureParsing.parse(text).event == nil, "\(text)")
        }
        let failure = CaptureParsing.parse("ERROR:    Exception in ASGI application")
        #expect(failure.level == .error)
        #expect(failure.message == "Exception in ASGI application")
        #expect(CaptureParsing.parse("WARNING:  StatReload detected changes in 'app.py'. Reloading...").level == .warning)
    }

    @Test func pythonAsctimeNameLevelMessage() {
        let record = CaptureParsing.parse("2026-11-23 14:48:22,174 - myapp - INFO - user logged in")
        #expect(record.level == .info)
        #expect(record.message == "user logged in")
        #expect(record.fields == #"{"logger":"myapp"}"#)
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T14:48:22.174Z"))
    }

    @Test func pythonAsctimeLevelMessage() {
        let record = CaptureParsing.parse("2026-11-23 14:48:22,174 WARNING slow query took 2.5s")
        #expect(record.level == .warning)
        #expect(record.message == "slow query took 2.5s")
    }

    @Test func loguruDefaultFormat() {
        let record = CaptureParsing.parse("2026-11-23 14:48:23.615 | INFO     | __main__:<module>:11 - server started on port 8000")
        #expect(record.level == .info)
        #expect(record.message == "server started on port 8000")
        #expect(record.fields == #"{"logger":"__main__:<module>:11"}"#)
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T14:48:23.615Z"))
    }

    @Test func loguruColouredOnATerminal() {
        let line =
            "\u{1B}[32m2026-11-23 14:48:23.647\u{1B}[0m | \u{1B}[31m\u{1B}[1mERROR   \u{1B}[0m | \u{1B}[36m__main__\u{1B}[0m:\u{1B}[36m<module>\u{1B}[0m:\u{1B}[36m13\u{1B}[0m - \u{1B}[31m\u{1B}[1mboom\u{1B}[0m"
        let record = CaptureParsing.parse(line)
        #expect(record.level == .error)
        #expect(record.message == "boom")
    }

    // log4j's PatternLayout "%d [%t] %-5level %logger - %msg" and logback's default console pattern
    // ("%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg"): https://logback.qos.ch/manual/layouts.html
    @Test func javaLog4jShape() {
        let record = CaptureParsing.parse("2024-01-01 12:00:00,123 [main] ERROR com.example.Billing - charge failed")
        #expect(record.level == .error)
        #expect(record.message == "charge failed")
        #expect(CaptureParsing.fields(record)["logger"] as? String == "com.example.Billing")
        #expect(CaptureParsing.fields(record)["thread"] as? String == "main")
    }

    @Test func logbackTimeOfDayIsOnTheDayReceived() {
        let record = CaptureParsing.parse("10:15:23.456 [main] DEBUG c.e.App - starting")
        #expect(record.level == .debug)
        #expect(record.message == "starting")
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T10:15:23.456Z"))
    }

    // Spring Boot's default console format: https://docs.spring.io/spring-boot/reference/features/logging.html
    @Test func springBoot() {
        let record = CaptureParsing.parse(
            "2023-10-26T10:15:22.561Z  INFO 22174 --- [myapp] [           main] o.s.b.d.f.logexample.MyApplication       : Starting MyApplication"
        )
        #expect(record.level == .info)
        #expect(record.message == "Starting MyApplication")
        #expect(record.service == "myapp", "the application named in the line (spring.application.name)")
        #expect(CaptureParsing.fields(record)["thread"] as? String == "main")
        #expect(CaptureParsing.fields(record)["logger"] as? String == "o.s.b.d.f.logexample.MyApplication")
        #expect(CaptureParsing.fields(record)["pid"] as? Int == 22174)
        // Before 3.2, or without an application name: the one group is the thread.
        let older = CaptureParsing.parse("2023-10-26T10:15:22.561Z  INFO 22174 --- [           main] o.s.b.d.f.logexample.MyApplication       : Starting")
        #expect(older.service == "wrapped")
        #expect(CaptureParsing.fields(older)["thread"] as? String == "main")
    }

    // With Micrometer Tracing, Spring Boot 3.2+ adds the correlation group (logging.pattern.correlation).
    @Test func springBootCorrelationGroupGivesTheTraceAndSpanIDs() {
        let record = CaptureParsing.parse(
            "2024-01-10T10:58:44.181Z ERROR 8432 --- [shop] [nio-8080-exec-1] [803B448A0489F84084905D3093480352-3425F23BB2432450] c.s.OrdersController                     : Order 42 failed"
        )
        #expect(record.level == .error)
        #expect(record.message == "Order 42 failed")
        #expect(record.traceID == "803b448a0489f84084905d3093480352")
        #expect(record.spanID == "3425f23bb2432450")
        #expect(record.service == "shop")
        #expect(CaptureParsing.fields(record)["thread"] as? String == "nio-8080-exec-1")
        #expect(CaptureParsing.fields(record)["logger"] as? String == "c.s.OrdersController")
        // An empty correlation group (no span yet) is no id, and no thread.
        let idle = CaptureParsing.parse("2024-01-10T10:58:44.181Z  INFO 8432 --- [shop] [           main] [                                                 ] c.s.App : Started")
        #expect(idle.traceID == nil)
        #expect(idle.message == "Started")
        #expect(CaptureParsing.fields(idle)["thread"] as? String == "main")
        #expect(idle.fields?.components(separatedBy: "\"thread\"").count == 2, "one thread: \(idle.fields ?? "")")
    }

    @Test func goStandardLog() {
        let record = CaptureParsing.parse("2024/01/01 12:00:00 listening on :8080")
        #expect(record.message == "listening on :8080")
        #expect(record.level == .info)
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T12:00:00Z"))
    }

    @Test func nginxErrorLog() {
        let record = CaptureParsing.parse(
            #"2024/01/01 12:00:00 [error] 7#7: *1 open() "/usr/share/nginx/html/x" failed (2: No such file or directory)"#
        )
        #expect(record.level == .error)
        #expect(record.message.hasPrefix("7#7: *1 open()"))
    }

    // Ruby's Logger default format: https://ruby-doc.org/stdlib/libdoc/logger/rdoc/Logger.html
    @Test func rubyLogger() {
        let record = CaptureParsing.parse("E, [2024-01-01T12:00:00.123456 #1234] ERROR -- app: payment failed")
        #expect(record.level == .error)
        #expect(record.message == "payment failed")
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T12:00:00.123456Z"))
    }

    // glog / klog's header: https://github.com/kubernetes/klog (Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg).
    @Test(arguments: [
        ("I1123 10:15:23.456789       1 main.go:42] starting", Logger.Level.info),
        ("W1123 10:15:23.456789   12345 server.go:123] slow request request_id=r-9", .warning),
        ("E1123 10:15:23.456789   12345 server.go:123] failed to sync", .error),
        ("F1123 10:15:23.456789   12345 server.go:123] out of disk", .critical),
    ])
    func glogHeaderGivesLevelTimeThreadAndCaller(line: String, level: Logger.Level) {
        let record = CaptureParsing.parse(line)
        #expect(record.level == level)
        #expect(record.timestamp == CaptureParsing.micros("2026-11-23T10:15:23.456789Z"))
        #expect(!record.message.contains("]"))
        let fields = CaptureParsing.fields(record)
        #expect((fields["caller"] as? String)?.hasSuffix(".go:42") == true || (fields["caller"] as? String)?.hasSuffix(".go:123") == true)
        #expect(fields["thread"] != nil)
    }

    @Test func klogStructuredMessageLosesItsQuotesAndKeepsItsPairs() {
        let record = CaptureParsing.parse(#"I1123 10:15:23.000000       1 controller.go:80] "Pod updated" pod="default/web" request_id="r-k8s""#)
        #expect(record.message == #"Pod updated pod="default/web" request_id="r-k8s""#)
        #expect(record.requestID == "r-k8s")
        #expect(CaptureParsing.parse(#"I1123 10:15:23.000000 1 a.go:1] "say \"hi\"" n=1"#).message == #""say \"hi\"" n=1"#, "escaped quotes stay as written")
    }

    @Test func glogYearIsTheOneBeforeWhenTheLineWouldBeInTheFuture() {
        // Received 2026-11-23: a line from 31 December is last year's; one from tomorrow is clock skew.
        #expect(CaptureParsing.parse("I1231 23:59:59.000000 1 a.go:1] old").timestamp == CaptureParsing.micros("2025-12-31T23:59:59Z"))
        #expect(CaptureParsing.parse("I1124 10:00:00.000000 1 a.go:1] soon").timestamp == CaptureParsing.micros("2026-11-24T10:00:00Z"))
        #expect(CaptureParsing.parse("I0229 10:00:00.000000 1 a.go:1] leap").timestamp == CaptureParsing.micros("2024-02-29T10:00:00Z"))
    }

    @Test func linesThatOnlyStartLikeGlogAreNotRead() {
        for line in ["I1123 is not a header", "E1323 10:15:23.000000 1 a.go:1] month 13", "W1123 10:15:23.000000 x a.go:1] no thread", "I1123 10:15:23.000000 1 nocolon] x"] {
            #expect(CaptureParsing.fields(CaptureParsing.parse(line))["caller"] == nil, "\(line)")
        }
    }

    // PostgreSQL's default log_line_prefix '%m [%p] '.
    @Test func postgresLogLinesAreInfoWithTheirPrefixRemoved() {
        let ready = CaptureParsing.parse("2024-05-01 12:00:00.123 UTC [123] LOG:  database system is ready to accept connections")
        #expect(ready.level == .info)
        #expect(ready.message == "database system is ready to accept connections")
        #expect(ready.timestamp == CaptureParsing.micros("2024-05-01T12:00:00.123Z"))
        let failed = CaptureParsing.parse(#"2024-05-01 12:00:00.123 UTC [123] ERROR:  relation "x" does not exist at character 15"#)
        #expect(failed.level == .error)
        #expect(failed.message == #"relation "x" does not exist at character 15"#)
        #expect(CaptureParsing.parse("2024-05-01 12:00:00.123 UTC [123] STATEMENT:  select * from x").message == "select * from x")
        #expect(CaptureParsing.parse("2024-05-01 12:00:00 Log: something").message == "Log: something", "only PostgreSQL's upper-case names")
    }

    // Celery's worker log format: https://docs.celeryq.dev/en/stable/reference/cli.html (worker_log_format).
    @Test func celeryWorkerLinesGiveTimeLevelAndProcess() {
        let record = CaptureParsing.parse(
            "[2024-05-01 12:00:00,123: ERROR/ForkPoolWorker-1] Task tasks.charge[0190ab12-3456-7def-8123-456789abcdef] raised unexpected: ValueError('x')"
        )
        #expect(record.level == .error)
        #expect(record.timestamp == CaptureParsing.micros("2024-05-01T12:00:00.123Z"))
        #expect(record.message == "Task tasks.charge[0190ab12-3456-7def-8123-456789abcdef] raised unexpected: ValueError('x')")
        #expect(record.requestID == "0190ab12-3456-7def-8123-456789abcdef")
        #expect(CaptureParsing.fields(record)["process"] as? String == "ForkPoolWorker-1")
        #expect(CaptureParsing.parse("[2024-05-01 12:00:00,123: WARNING/MainProcess] celery@host ready.").level == .warning)
    }

    // swift-log's StreamLogHandler, as a stock Hummingbird 2 app logs each request.
    @Test func swiftLogStreamLinesSplitMetadataIntoFieldsAndFindHummingbirdsRequestID() {
        let record = CaptureParsing.parse(
            "2024-05-01T12:00:00+0000 error Hummingbird : error=Internal Server Error hb.request.id=4a0b1c2d3e4f5a6b-12 hb.request.method=GET [Hummingbird] Request failed"
        )
        #expect(record.level == .error)
        #expect(record.timestamp == CaptureParsing.micros("2024-05-01T12:00:00Z"))
        #expect(record.message == "Request failed")
        #expect(record.requestID == "4a0b1c2d3e4f5a6b-12")
        let fields = CaptureParsing.fields(record)
        #expect(fields["logger"] as? String == "Hummingbird")
        #expect(fields["module"] as? String == "Hummingbird")
        #expect(fields["error"] as? String == "Internal Server Error", "a value with spaces runs to the next key")
        #expect(fields["hb.request.method"] as? String == "GET")

        let plain = CaptureParsing.parse("2024-05-01T12:00:00+0000 info my-app : [App] Server started on 127.0.0.1:8080")
        #expect(plain.message == "Server started on 127.0.0.1:8080")
        #expect(CaptureParsing.fields(plain)["module"] as? String == "App")
    }

    // What swift-log 1.6 and later print, copied from a stock Hummingbird 2 app (`LogRequestsMiddleware`) and
    // a Vapor 4 app: the label's colon comes right after it.
    @Test func currentSwiftLogStreamLinesWithTheColonAttachedToTheLabelAreSplitToo() {
        let request = CaptureParsing.parse(
            "2026-11-30T10:07:47+0000 info bench: hb.request.id=353ac6dfa5814aaa0a0b033b8f1d4660 hb.request.method=GET hb.request.path=/api/hello [Hummingbird] Request"
        )
        #expect(request.level == .info)
        #expect(request.message == "Request")
        #expect(request.requestID == "353ac6dfa5814aaa0a0b033b8f1d4660")
        #expect(CaptureParsing.fields(request)["logger"] as? String == "bench")
        #expect(CaptureParsing.fields(request)["hb.request.path"] as? String == "/api/hello")
        #expect(CaptureParsing.fields(request)["module"] as? String == "Hummingbird")
        // LogRequestsMiddleware's line says a request started, as the middleware's request_received does.
        #expect(request.event == "request_received")
        #expect(CaptureParsing.fields(request)["method"] as? String == "GET")
        #expect(CaptureParsing.fields(request)["path"] as? String == "/api/hello")
        let failed = CaptureParsing.parse(
            "2026-11-30T10:07:47+0000 error bench: hb.request.id=1 hb.request.method=GET hb.request.path=/x [Hummingbird] Request failed"
        )
        #expect(failed.event == nil, "only the line that starts a request")
        let otherModule = CaptureParsing.parse("2026-11-30T10:07:47+0000 info bench: hb.request.method=GET hb.request.path=/x [App] Request")
        #expect(otherModule.event == nil)

        let started = CaptureParsing.parse("2026-11-30T10:07:46+0000 info bench: [HummingbirdCore] Server started and listening on 127.0.0.1:18995")
        #expect(started.message == "Server started and listening on 127.0.0.1:18995")
        #expect(CaptureParsing.fields(started)["module"] as? String == "HummingbirdCore")

        let vapor = CaptureParsing.parse(
            "2026-11-30T10:20:01+0000 error codes.vapor.application: request-id=7A1B2C3D-1111-2222-3333-444455556666 [Vapor] Abort.404: Not Found"
        )
        #expect(vapor.level == .error)
        #expect(vapor.message == "Abort.404: Not Found")
        #expect(vapor.requestID == "7A1B2C3D-1111-2222-3333-444455556666")
        #expect(CaptureParsing.fields(vapor)["logger"] as? String == "codes.vapor.application")

        // Only swift-log's shape: a word ending in a colon before text without a `[Module]` stays in the message.
        let other = CaptureParsing.parse("2026-11-30T10:20:01+0000 error payment: card declined")
        #expect(other.message == "payment: card declined")
        #expect(CaptureParsing.parse("2026-11-30T10:20:01Z ERROR Billing: [cache] warm").message == "Billing: [cache] warm")
    }

    // Vapor's RouteLoggingMiddleware logs `METHOD PATH` when a request starts, with the request's id.
    @Test func vaporsRouteLogLineIsARequestStartOnlyWithARequestID() {
        let console = CaptureParsing.parse("[ INFO ] GET /hello/world [request-id: 8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E]")
        #expect(console.event == "request_received")
        #expect(console.message == "GET /hello/world")
        #expect(CaptureParsing.fields(console)["method"] as? String == "GET")
        #expect(CaptureParsing.fields(console)["path"] as? String == "/hello/world")
        let stream = CaptureParsing.parse(
            "2026-11-30T10:20:01+0000 info codes.vapor.application: request-id=7A1B2C3D-1111-2222-3333-444455556666 [Vapor] DELETE /items/7"
        )
        #expect(stream.event == "request_received")
        #expect(CaptureParsing.fields(stream)["method"] as? String == "DELETE")
        #expect(CaptureParsing.fields(stream)["path"] as? String == "/items/7")
        for line in ["GET /hello", "[ INFO ] GET /hello", "[ INFO ] GET /hello now [request-id: 8F0B]"] {
            #expect(CaptureParsing.parse(line).event == nil, "\(line)")
        }
    }

    // Vapor's ConsoleLogger: the level padded in brackets, its request id in the trailing metadata.
    @Test func vaporConsoleLinesGiveLevelAndRequestID() {
        let record = CaptureParsing.parse("[ WARNING ] Abort.404: Not Found [request-id: 8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E]")
        #expect(record.level == .warning)
        #expect(record.message.hasPrefix("Abort.404: Not Found"))
        #expect(record.requestID == "8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E")
        #expect(CaptureParsing.parse("[ NOTICE ] Server started on http://127.0.0.1:8080").level == .notice)
    }

    // The metadata and call site console-kit 4.16's default fragments end a line with (sorted keys, values
    // unquoted; the call site at debug and trace only).
    @Test func vaporConsoleMetadataBecomesFieldsAndItsCallSiteTheCaller() {
        let debug = CaptureParsing.parse(
            "[ DEBUG ] Sending response [request-id: 8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E, status: 200] (Vapor/Responder/DefaultResponder.swift:66)"
        )
        #expect(debug.level == .debug)
        #expect(debug.message == "Sending response")
        #expect(debug.requestID == "8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E")
        #expect(CaptureParsing.fields(debug)["status"] as? String == "200")
        #expect(CaptureParsing.fields(debug)["caller"] as? String == "Vapor/Responder/DefaultResponder.swift:66")
        #expect(CaptureParsing.fields(debug)["request-id"] == nil, "the id is the record's, not a field")

        let nested = CaptureParsing.parse("[ ERROR ] Batch failed [error: card declined, limit: 5, ids: [1, 2, [3]], note: a, b: c, user_id: u 7]")
        #expect(nested.level == .error)
        #expect(nested.message == "Batch failed")
        #expect(nested.error == "card declined")
        let fields = CaptureParsing.fields(nested)
        #expect(fields["ids"] as? String == "[1, 2, [3]]")
        #expect(fields["note"] as? String == "a")
        #expect(fields["b"] as? String == "c")
        #expect(fields["user_id"] as? String == "u 7")
        #expect(fields["limit"] as? String == "5")
        #expect(CaptureParsing.fields(CaptureParsing.parse("[ INFO ] Saved [job: nightly, summary: 3 rows, 2 skipped]"))["summary"] as? String == "3 rows, 2 skipped")
    }

    @Test(arguments: [
        "[ INFO ] Listing [a, b]", "[ INFO ] Server started on http://127.0.0.1:8080", "[ INFO ] see the guide (docs:12 and more)",
        "[ INFO ] odd [: x]", "[ INFO ] unopened k: v]", "[ INFO ] glued[k: v]", "[ INFO ] call (File.swift:)",
    ])
    func vaporLinesWhoseEndIsNotMetadataKeepItInTheMessage(_ line: String) {
        let record = CaptureParsing.parse(line)
        #expect(record.level == .info)
        #expect(record.message == String(line.dropFirst("[ INFO ] ".count)))
        #expect(CaptureParsing.fields(record)["caller"] == nil)
    }

    // console-kit 4.16's default fragments put the logger's label first when the logger is at trace level
    // (`vapor run --log trace`), and `timestampDefaultLoggerFragment()` puts a local time first.
    @Test func vaporConsoleLinesLedByTheLabelOrATimeGiveTheLoggerAndTheTime() {
        let trace = CaptureParsing.parse(
            "[ codes.vapor.application ] [ TRACE ] Decoding request [request-id: 8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E, user_id: 42] (Vapor/Request.swift:120)"
        )
        #expect(trace.level == .trace)
        #expect(trace.message == "Decoding request")
        #expect(trace.requestID == "8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E")
        #expect(CaptureParsing.fields(trace)["logger"] as? String == "codes.vapor.application")
        #expect(CaptureParsing.fields(trace)["user_id"] as? String == "42")
        #expect(CaptureParsing.fields(trace)["caller"] as? String == "Vapor/Request.swift:120")
        let warning = CaptureParsing.parse("[ codes.vapor.application ] [ WARNING ] Abort.404: Not Found [request-id: 7A1B]")
        #expect(warning.level == .warning)
        #expect(warning.message == "Abort.404: Not Found")
        #expect(warning.requestID == "7A1B")

        let timed = CaptureParsing.parse("2026-11-30T10:20:01+0000 [ ERROR ] Batch failed [error: card declined, job: nightly]")
        #expect(timed.level == .error)
        #expect(timed.message == "Batch failed")
        #expect(timed.error == "card declined")
        #expect(timed.timestamp == 1_796_034_001_000_000)
        #expect(CaptureParsing.fields(timed)["job"] as? String == "nightly")
        let both = CaptureParsing.parse("2026-11-30T10:20:01+0000 [ shop ] [ DEBUG ] Cache miss [key: cart-7] (App/Cart.swift:9)")
        #expect(both.level == .debug)
        #expect(both.message == "Cache miss")
        #expect(CaptureParsing.fields(both)["logger"] as? String == "shop")
        #expect(CaptureParsing.fields(both)["caller"] as? String == "App/Cart.swift:9")

        // A first group that is not padded, or not followed by a padded level, is not read as a label.
        #expect(CaptureParsing.parse("[codes.vapor.application] [ INFO ] x [k: v]").message != "x")
        #expect(CaptureParsing.parse("[ note ] something [k: v]").message == "[ note ] something [k: v]")
        let padded = CaptureParsing.parse("[ 2026-11-30 10:20:01 ] [ INFO ] started [k: v]")
        #expect(padded.timestamp == 1_796_034_001_000_000)
        #expect(CaptureParsing.fields(padded)["logger"] == nil, "a padded time is not a label")
    }

    @Test func onlyVaporsPaddedLevelReadsATrailingGroupAsMetadata() {
        #expect(CaptureParsing.parse("[INFO] done [k: v]").message == "done [k: v]")
        #expect(CaptureParsing.parse("[2026-11-30T10:00:00Z] [ERROR] failed [k: v]").message == "failed [k: v]")
    }

    @Test func upperCaseLevelsOrTextWithoutAModuleKeepTheirMessage() {
        // Spring Boot and log4j write upper-case levels: a bracket in their message stays.
        let spring = CaptureParsing.parse("2024-05-01T12:00:00.123Z  INFO 1 --- [main] c.x.App : [cache] warmed")
        #expect(spring.message == "[cache] warmed")
        #expect(CaptureParsing.parse("2024-05-01T12:00:00+0000 info app : a=b then text").message == "a=b then text")
        #expect(CaptureParsing.parse("2024-05-01T12:00:00+0000 info app : note [not a module]").message == "note [not a module]")
    }

    // `next dev` (Next.js 14/15) marks a server error with ⨯ and a warning with ⚠, indented by one space.
    @Test func nextJSStatusSymbolsGiveTheLevelAndLeaveTheMessage() {
        let record = CaptureParsing.parse(" ⨯ TypeError: Cannot read properties of undefined (reading 'id')\n    at GET (webpack-internal:///(rsc)/./app/api/route.ts:9:22)")
        #expect(record.level == .error)
        #expect(record.message == "TypeError: Cannot read properties of undefined (reading 'id')")
        #expect(record.errorType == "TypeError")
        #expect(record.stack?.contains("route.ts:9:22") == true)
        let warning = CaptureParsing.parse(" ⚠ Fast Refresh had to perform a full reload.")
        #expect(warning.level == .warning)
        #expect(warning.message == "Fast Refresh had to perform a full reload.")
        #expect(CaptureParsing.parse(" ✓ Compiled /api in 312ms").level == .info)
    }

    // NestJS's default console logger (`new Logger(AppController.name)`), as Node 18 and Node 20+ print it.
    @Test func nestJSLinesGiveLevelTimeContextAndMessage() {
        let mapped = CaptureParsing.parse("[Nest] 12345  - 11/30/2026, 10:00:02 AM     LOG [RouterExplorer] Mapped {/api, GET} route +2ms")
        #expect(mapped.level == .info)
        #expect(mapped.message == "Mapped {/api, GET} route")
        #expect(mapped.timestamp == CaptureParsing.micros("2026-11-30T10:00:02Z"))
        #expect(CaptureParsing.fields(mapped)["logger"] as? String == "RouterExplorer")
        #expect(CaptureParsing.fields(mapped)["pid"] as? Int == 12345)

        // Node 20's ICU puts a narrow no-break space before PM; 12 PM is noon and 12 AM midnight.
        let error = CaptureParsing.parse("[Nest] 7  - 11/30/2026, 1:05:09\u{202F}PM   ERROR [ExceptionsHandler] payment failed request_id=r-42")
        #expect(error.level == .error)
        #expect(error.timestamp == CaptureParsing.micros("2026-11-30T13:05:09Z"))
        #expect(error.message == "payment failed request_id=r-42")
        #expect(error.requestID == "r-42")
        #expect(CaptureParsing.parse("[Nest] 7  - 11/30/2026, 12:00:00 PM     LOG x").timestamp == CaptureParsing.micros("2026-11-30T12:00:00Z"))
        #expect(CaptureParsing.parse("[Nest] 7  - 11/30/2026, 12:00:00 AM     LOG x").timestamp == CaptureParsing.micros("2026-11-30T00:00:00Z"))

        // Another application name and another locale's date: still read, at the time the line arrived.
        let german = CaptureParsing.parse("[Shop] 7  - 30.11.2026, 10:00:02    WARN [Cart] stock low")
        #expect(german.level == .warning)
        #expect(german.message == "stock low")
        #expect(german.timestamp == CaptureParsing.receivedAt)
        #expect(CaptureParsing.parse("[Nest] 7  - 11/30/2026, 10:00:02 AM VERBOSE [Db] query").level == .debug)
        #expect(CaptureParsing.parse("[Nest] 7  - 11/30/2026, 10:00:02 AM   FATAL boom").message == "boom")

        // Nest's JSON mode names info `log`.
        #expect(CaptureParsing.parse(#"{"level":"log","pid":7,"timestamp":1796032800000,"message":"ready","context":"App"}"#).level == .info)
        // A bracketed line that is not Nest's keeps its own reading.
        #expect(CaptureParsing.fields(CaptureParsing.parse("[main] 12  - something ERROR here"))["pid"] == nil)
    }

    // Rust's tracing-subscriber with its default `fmt()` layer (ANSI off), in and out of spans.
    @Test func rustTracingLinesGiveSpanFieldsTargetMessageAndTrailingFields() {
        let record = CaptureParsing.parse(
            #"2026-11-30T10:00:01.123456Z  INFO request{method=GET uri=/orders/{id} request_id=7c1e0f5a-aaaa-bbbb-cccc-ddddeeeeffff}:charge{attempt=2}: shop::payments: charge failed error="card declined" amount=42 note="a \"b\" c""#
        )
        #expect(record.level == .info)
        #expect(record.timestamp == CaptureParsing.micros("2026-11-30T10:00:01.123456Z"))
        #expect(record.message == "charge failed")
        #expect(record.requestID == "7c1e0f5a-aaaa-bbbb-cccc-ddddeeeeffff")
        #expect(record.error == "card declined")
        let fields = CaptureParsing.fields(record)
        #expect(fields["logger"] as? String == "shop::payments")
        #expect(fields["method"] as? String == "GET")
        #expect(fields["uri"] as? String == "/orders/{id}")
        #expect(fields["attempt"] as? String == "2")
        #expect(fields["amount"] as? String == "42")
        #expect(fields["note"] as? String == #"a "b" c"#)

        let outside = CaptureParsing.parse("2026-11-30T10:00:02.000001Z ERROR shop::db: pool timed out after 5s")
        #expect(outside.level == .error)
        #expect(outside.message == "pool timed out after 5s")
        #expect(CaptureParsing.fields(outside)["logger"] as? String == "shop::db")

        // A message made only of fields stays whole; a message that merely contains `=` keeps it.
        #expect(CaptureParsing.parse("2026-11-30T10:00:03Z  WARN shop: order_id=42").message == "shop: order_id=42")
        #expect(CaptureParsing.parse("2026-11-30T10:00:03Z  WARN shop::q: retry a=b later").message == "retry a=b later")
        // Not tracing: a word and a colon after the level is ordinary text.
        #expect(CaptureParsing.parse("2026-11-30T10:00:03Z ERROR Billing: card declined amount=3").message == "Billing: card declined amount=3")
    }

    // Two servers of a usual `docker compose` stack, as their images print.
    @Test func redisAndMySQLLinesGiveTheirLevelTimeAndParts() {
        let ready = CaptureParsing.parse("1:M 30 Nov 2026 09:00:00.123 * Ready to accept connections tcp")
        #expect(ready.level == .notice)
        #expect(ready.timestamp == CaptureParsing.micros("2026-11-30T09:00:00.123Z"))
        #expect(ready.message == "Ready to accept connections tcp")
        #expect(CaptureParsing.fields(ready)["pid"] as? Int == 1)
        #expect(CaptureParsing.fields(ready)["role"] as? String == "primary")
        #expect(CaptureParsing.parse("1:M 30 Nov 2026 09:00:01.123 # WARNING Memory overcommit must be enabled!").level == .warning)
        #expect(CaptureParsing.parse("27:C 30 Nov 2026 09:00:02.000 . DB saved on disk").level == .debug)
        #expect(CaptureParsing.parse("1:Q 30 Nov 2026 09:00:00.123 * not a role").message == "1:Q 30 Nov 2026 09:00:00.123 * not a role")

        let warning = CaptureParsing.parse("2026-11-30T09:00:02.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.")
        #expect(warning.level == .warning)
        #expect(warning.message == "CA certificate ca.pem is self signed.")
        #expect(warning.timestamp == CaptureParsing.micros("2026-11-30T09:00:02.123456Z"))
        #expect(CaptureParsing.fields(warning)["error_code"] as? String == "MY-010068")
        #expect(CaptureParsing.fields(warning)["logger"] as? String == "Server")
        let error = CaptureParsing.parse("2026-11-30T09:00:03.123456Z 8 [ERROR] [MY-012345] [InnoDB] Table ./shop/orders is marked as crashed")
        #expect(error.level == .error)
        #expect(error.message == "Table ./shop/orders is marked as crashed")
        #expect(CaptureParsing.fields(error)["logger"] as? String == "InnoDB")
        #expect(CaptureParsing.parse("2026-11-30T09:00:04.000000Z 0 [System] [MY-010931] [Server] ready for connections.").level == .notice)
        #expect(CaptureParsing.parse("2026-11-30T09:00:04.000000Z 0 [Note] [MY-010931] [Server] x").level == .info)
    }

    // `swift test` under `run`: swift-testing's and XCTest's failures are errors, passes stay info.
    @Test func failedSwiftTestsAreErrors() {
        let issue = CaptureParsing.parse("✘ Test checkoutReservesStock() recorded an issue at CheckoutTests.swift:42:9: Expectation failed: (status → 500) == 200")
        #expect(issue.level == .error)
        #expect(issue.message == "Test checkoutReservesStock() recorded an issue at CheckoutTests.swift:42:9: Expectation failed: (status → 500) == 200")
        #expect(CaptureParsing.parse("✘ Test run with 11 tests in 1 suite failed after 0.245 seconds with 13 issues.").level == .error)
        #expect(CaptureParsing.parse("􀢄 Test checkoutReservesStock() failed after 0.012 seconds with 1 issue.").level == .error)
        #expect(CaptureParsing.parse("Test Case 'AppTests.testHello' failed (0.004 seconds).").level == .error)
        #expect(CaptureParsing.parse("Test Case '-[AppTests.AppTests testHello]' failed (0.004 seconds).").level == .error)
        #expect(CaptureParsing.parse("Test Suite 'All tests' failed at 2026-11-30 10:00:00.123.").level == .error)
        #expect(CaptureParsing.parse("✔ Test healthAnswers() passed after 0.003 seconds.").level == .info)
        #expect(CaptureParsing.parse("Test Case 'AppTests.testHello' passed (0.004 seconds).").level == .info)
        #expect(CaptureParsing.parse("Test Case 'AppTests.testRetry' started at 2026-11-30 10:00:00.123").level == .info)
    }

    @Test func zoneLessTimestampsUseTheConfiguredZone() throws {
        let zone = try #require(TimeZone(secondsFromGMT: 2 * 3600))
        let parser = CaptureParser(service: "x", timeZone: zone)
        let record = parser.parse("2024-01-01 12:00:00,000 INFO hi", receivedAt: 0)
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T10:00:00Z"))
    }

    @Test(arguments: [
        ("something failed with ERROR code 7", Logger.Level.error),
        ("WARN: cache cold", .warning),
        ("panic: runtime error: index out of range [3] with length 3", .critical),
        ("Fatal error: Unexpectedly found nil while unwrapping an Optional value", .critical),
        ("App/main.swift:12: Fatal error: boom", .critical),
        ("Traceback (most recent call last):", .error),
        // What `trace-receiver run -- swift run App` shows when the build fails (swiftc, as SwiftPM prints it).
        ("/app/Sources/App/main.swift:12:5: error: cannot find 'x' in scope", .error),
        ("/app/Sources/App/main.swift:3:9: warning: initialization of variable 'y' was never used", .warning),
        ("warning: 'swift-nio': found 1 file(s) which are unhandled", .warning),
        ("src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.", .error),
        // ASP.NET Core's console logger (Microsoft.Extensions.Logging's SimpleConsoleFormatter).
        ("fail: Microsoft.AspNetCore.Server.Kestrel[13]", .error),
        ("warn: Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionMiddleware[3]", .warning),
        ("crit: Microsoft.AspNetCore.Hosting.Diagnostics[6]", .critical),
        ("dbug: Microsoft.EntityFrameworkCore.Database.Command[20100]", .debug),
        ("trce: Microsoft.AspNetCore.Routing.Matching.DfaMatcher[1001]", .trace),
        ("Listening on 0.0.0.0:3000", .info),
        ("retried 3: error: none, all good", .info),
        ("/app/main.swift:12:5: note: did you mean 'y'?", .info),
        ("0 errors, 2 warnings", .info),
        ("ERROR_CODES loaded", .info),
    ])
    func plaintextLevelInference(line: String, level: Logger.Level) {
        let record = CaptureParsing.parse(line)
        #expect(record.level == level)
        #expect(record.message == line)
        #expect(record.source == .capture)
        #expect(record.timestamp == CaptureParsing.receivedAt)
    }

    // ASP.NET Core's console logger: a header with the level, category and event id; the message on the
    // indented line below; an unhandled exception's text and stack after it (as the joiner hands it over).
    @Test func aspNetCoreConsoleEventGivesLevelMessageCategoryAndStack() {
        let record = CaptureParsing.parse(
            "fail: Microsoft.AspNetCore.Server.Kestrel[13]\n"
                + "      Connection id \"0HN1\", Request id \"0HN1:00000001\": An unhandled exception was thrown by the application.\n"
                + "      System.InvalidOperationException: bad state\n"
                + "         at App.Program.Main() in /src/Program.cs:line 12"
        )
        #expect(record.level == .error)
        #expect(record.message == "Connection id \"0HN1\", Request id \"0HN1:00000001\": An unhandled exception was thrown by the application.")
        #expect(CaptureParsing.fields(record)["logger"] as? String == "Microsoft.AspNetCore.Server.Kestrel")
        #expect(CaptureParsing.fields(record)["event_id"] as? Int == 13)
        #expect(record.stack?.contains("System.InvalidOperationException: bad state") == true, "\(String(describing: record.stack))")
        #expect(record.stack?.contains("at App.Program.Main()") == true)

        let single = CaptureParsing.parse("info: Microsoft.Hosting.Lifetime[14]\n      Now listening on: http://localhost:5000")
        #expect(single.level == .info)
        #expect(single.message == "Now listening on: http://localhost:5000")
        #expect(single.stack == nil)
    }

    // Rails' request lines: bare (its development log) and as production writes them (Ruby's Logger, tagged
    // with the request id by `config.log_tags = [:request_id]`).
    @Test func railsStartedAndCompletedLinesGiveTheRequestAndItsEnd() {
        let id = "5f1c3a9e-8d2b-4e4f-9a1b-2c3d4e5f6a7b"
        let started = CaptureParsing.parse(#"I, [2026-11-30T10:20:01.123456 #12345]  INFO -- : [\#(id)] Started GET "/orders/42" for 127.0.0.1 at 2026-11-30 10:20:01 +0000"#)
        #expect(started.requestID == id)
        #expect(started.event == "request_received", "the request has started, not finished")
        #expect(CaptureParsing.fields(started)["method"] as? String == "GET")
        #expect(CaptureParsing.fields(started)["path"] as? String == "/orders/42")
        let completed = CaptureParsing.parse(#"I, [2026-11-30T10:20:01.131000 #12345]  INFO -- : [\#(id)] Completed 500 Internal Server Error in 6ms (ActiveRecord: 0.4ms | Allocations: 812)"#)
        #expect(completed.requestID == id)
        #expect(completed.event == "request_failed")
        #expect(completed.durationMS == 6)
        #expect(CaptureParsing.fields(completed)["status_code"] as? Int == 500)
        #expect(completed.level == .info, "the level is the program's")
        let development = CaptureParsing.parse("Completed 200 OK in 12.5ms (Views: 3.1ms | ActiveRecord: 0.9ms)")
        #expect(development.event == "request_completed")
        #expect(development.durationMS == 12.5)
        for text in ["Completed the migration", "Completed 200 OK", "Completed 200 OK in soon", "Completed 999 in 1ms", "Started the job", #"Started GET /x for 1"#] {
            let record = CaptureParsing.parse(text)
            #expect(record.event == nil, "\(text)")
            #expect(CaptureParsing.fields(record)["method"] == nil, "\(text)")
        }
    }

    // Development servers' request lines, as each prints them.
    @Test(arguments: [
        (#"127.0.0.1 - - [30/Nov/2026 10:20:01] "GET /flask?x=1 HTTP/1.1" 500 -"#, "GET", "/flask", Int64(500), nil, Logger.Level.error),
        (#"[30/Nov/2026 10:20:02] "POST /django/ HTTP/1.1" 201 1234"#, "POST", "/django/", 201, nil, .info),
        (#"[GIN] 2026/11/30 - 10:20:03 | 404 |      12.3µs |       127.0.0.1 | GET      "/gin?q=1""#, "GET", "/gin", 404, 0.0123, .warning),
        (#"[GIN] 2026/11/30 - 10:20:03 | 200 |    1.5s |  ::1 | DELETE   "/gin/1""#, "DELETE", "/gin/1", 200, 1500, .info),
        ("GET /morgan-dev 304 3.456 ms - -", "GET", "/morgan-dev", 304, 3.456, .info),
        ("PUT /morgan-tiny 503 12 - 7.5 ms", "PUT", "/morgan-tiny", 503, 7.5, .error),
        (" GET /next?x=1 200 in 123ms", "GET", "/next", 200, 123, .info),
        ("Completed 500 Internal Server Error in 6ms (ActiveRecord: 0.2ms)", nil, nil, 500, 6, .error),
    ] as [(String, String?, String?, Int64, Double?, Logger.Level)])
    func aDevelopmentServersRequestLineIsAFinishedRequestWithALevelFromItsStatus(
        line: String, method: String?, path: String?, status: Int64, durationMS: Double?, level: Logger.Level
    ) {
        let record = CaptureParsing.parse(line)
        let fields = CaptureParsing.fields(record)
        #expect(record.event == (status >= 500 ? "request_failed" : "request_completed"))
        #expect(fields["method"] as? String == method)
        #expect(fields["path"] as? String == path)
        #expect(fields["status_code"] as? Int64 == status)
        if let durationMS, let measured = record.durationMS {
            #expect(abs(measured - durationMS) < 1e-9, "\(measured)")
        } else {
            #expect(record.durationMS == durationMS)
        }
        #expect(record.level == level)
    }

    @Test func linesThatOnlyMentionARequestAreNotOne() {
        for line in [
            "GET requests are 200 times faster now", "GET /x 2000 ms", "GET /x two hundred", "get /x 200 in 1ms", "[GIN] 2026/11/30 | 200",
            "[GIN] x | 200 | 1ms | ip | GET /unquoted", #"he said "GET /x HTTP/1.1" loudly"#, #"the "GET /x HTTP/1.1" 99 times"#,
        ] {
            let record = CaptureParsing.parse(line)
            #expect(record.event == nil, "\(line)")
            #expect(CaptureParsing.fields(record)["status_code"] == nil, "\(line)")
        }
    }

    @Test func aspNetCoreRequestFinishedGivesTheRequestItsStatusAndDuration() {
        let record = CaptureParsing.parse(
            "info: Microsoft.AspNetCore.Hosting.Diagnostics[2]\n"
                + "      Request finished HTTP/1.1 GET http://localhost:5000/api/orders?id=7 - 503 - application/json;+charset=utf-8 12.3456ms")
        #expect(record.event == "request_failed")
        #expect(record.durationMS == 12.3456)
        let fields = CaptureParsing.fields(record)
        #expect(fields["method"] as? String == "GET")
        #expect(fields["path"] as? String == "/api/orders")
        #expect(fields["status_code"] as? Int == 503)
        let ok = CaptureParsing.parse("Request finished HTTP/2 POST https://shop.test - 204 0 null 0.9ms")
        #expect(ok.event == "request_completed")
        #expect(CaptureParsing.fields(ok)["path"] as? String == "/")
        let old = CaptureParsing.parse("Request finished in 28.674ms 500 application/json; charset=utf-8")
        #expect(old.event == "request_failed", "before ASP.NET Core 3.0: no method or path")
        #expect(old.durationMS == 28.674)
        for text in ["Request finished HTTP/2 POST https://shop.test - 2xx 0 null 0.9ms", "Request finished HTTP/2 POST https://shop.test 204 0 null 0.9ms",
                     "Request finished HTTP/2 POST https://shop.test - 204 0 null soon", "Request finished in a hurry", "Request finished"] {
            #expect(CaptureParsing.parse(text).event == nil, "\(text)")
        }
    }

    @Test func aspNetCoreRequestStartingIsTheRequestReceivedWithItsMethodAndPath() {
        let record = CaptureParsing.parse(
            "info: Microsoft.AspNetCore.Hosting.Diagnostics[1]\n"
                + "      Request starting HTTP/1.1 GET http://localhost:5000/api/orders?id=7 - - -")
        #expect(record.event == "request_received")
        #expect(record.level == .info)
        let fields = CaptureParsing.fields(record)
        #expect(fields["method"] as? String == "GET")
        #expect(fields["path"] as? String == "/api/orders")
        let old = CaptureParsing.parse("Request starting HTTP/1.1 POST http://localhost:5000/api/values application/json 27")
        #expect(old.event == "request_received", "before ASP.NET Core 3.0")
        #expect(CaptureParsing.fields(old)["method"] as? String == "POST")
        for text in ["Request starting HTTP/1.1 get http://localhost:5000/x", "Request starting GET http://localhost:5000/x - - -",
                     "Request starting HTTP/1.1 GET", "Request starting soon", "Request starting"] {
            #expect(CaptureParsing.parse(text).event == nil, "\(text)")
        }
    }

    // go-chi's middleware.Logger (with middleware.RequestID), as its documentation shows it.
    @Test func goChiRequestLoggerGivesTheRequestItsIDStatusAndDuration() {
        let record = CaptureParsing.parse(
            #"2026/11/30 10:20:01 [dev-mbp/XazFBqCmb5-000001] "GET http://localhost:3333/orders/42?x=1 HTTP/1.1" from [::1]:51124 - 503 6B in 54.5µs"#
        )
        #expect(record.event == "request_failed")
        #expect(record.level == .error)
        #expect(record.requestID == "dev-mbp/XazFBqCmb5-000001")
        #expect(abs((record.durationMS ?? 0) - 0.0545) < 1e-9)
        let fields = CaptureParsing.fields(record)
        #expect(fields["method"] as? String == "GET")
        #expect(fields["path"] as? String == "/orders/42")
        #expect(fields["status_code"] as? Int == 503)
        let plain = CaptureParsing.parse(#"2026/11/30 10:20:01 "POST http://localhost:3333/pay HTTP/1.1" from 127.0.0.1:52345 - 201 0B in 1.2ms"#)
        #expect(plain.event == "request_completed")
        #expect(plain.requestID == nil)
        #expect(plain.durationMS == 1.2)
        for text in [#""GET /x HTTP/1.1" from 127.0.0.1:1 200 6B in 1ms"#, #""GET /x HTTP/1.1" from - 200"#, #""GET /x HTTP/1.1" from 127.0.0.1:1 - soon"#] {
            #expect(CaptureParsing.parse(text).event == nil, "\(text)")
        }
    }

    // Phoenix's development log: Elixir's Logger with `metadata: [:request_id]`, and Plug.Logger's lines.
    @Test func phoenixRequestLinesWithTheirRequestIDMetadata() {
        let start = CaptureParsing.parse("10:20:01.123 request_id=F5_xYzAbCd [info] GET /api/orders/42")
        #expect(start.level == .info)
        #expect(start.requestID == "F5_xYzAbCd")
        #expect(start.message == "GET /api/orders/42")
        #expect(start.event == "request_received")
        #expect(start.timestamp == CaptureParsing.micros("2026-11-23T10:20:01.123Z"))
        #expect(CaptureParsing.fields(start)["path"] as? String == "/api/orders/42")
        let sent = CaptureParsing.parse("10:20:01.125 request_id=F5_xYzAbCd user_id=7 [info] Sent 404 in 534µs")
        #expect(sent.event == "request_completed")
        #expect(sent.requestID == "F5_xYzAbCd")
        #expect(sent.durationMS == 0.534)
        #expect(CaptureParsing.fields(sent)["user_id"] as? String == "7")
        #expect(CaptureParsing.fields(sent)["status_code"] as? Int == 404)
        let error = CaptureParsing.parse("10:20:01.126 request_id=F5_xYzAbCd [error] ** (Ecto.NoResultsError) expected at least one result")
        #expect(error.level == .error)
        #expect(error.requestID == "F5_xYzAbCd")
        // Pairs not followed by a `[level]` group stay in the message.
        let prose = CaptureParsing.parse("10:20:01.127 retries=3 left, giving up")
        #expect(prose.message == "retries=3 left, giving up")
        #expect(prose.fields == nil)
        for text in ["Sent 200 in a while", "Sent 2000 in 2ms", "Sent 200"] {
            #expect(CaptureParsing.parse(text).event == nil, "\(text)")
        }
    }

    // Monolog's LineFormatter, as Laravel's log file (storage/logs/laravel.log) has it.
    @Test func laravelLogLineGivesLevelChannelAndItsContextAsFieldsAndIDs() {
        let record = CaptureParsing.parse(#"[2026-11-30 10:20:01] production.ERROR: Payment failed for order 42 {"order":42,"request_id":"r-lara-1"} {"url":"/pay"}"#)
        #expect(record.level == .error)
        #expect(record.message == "Payment failed for order 42")
        #expect(record.requestID == "r-lara-1")
        #expect(record.timestamp == CaptureParsing.micros("2026-11-30T10:20:01Z"))
        let fields = CaptureParsing.fields(record)
        #expect(fields["channel"] as? String == "production")
        #expect(fields["order"] as? Int == 42)
        #expect(fields["url"] as? String == "/pay")
        let empty = CaptureParsing.parse("[2026-11-30 10:20:01] local.NOTICE: Cache cleared [] []")
        #expect(empty.level == .notice)
        #expect(empty.message == "Cache cleared")
        #expect(empty.fields == #"{"channel":"local"}"#)
        // A message that only ends like JSON keeps it; a word with a dot that names no level is the message.
        let odd = CaptureParsing.parse("[2026-11-30 10:20:01] local.INFO: tags [a b] {oops}")
        #expect(odd.message == "tags [a b] {oops}")
        let notLevel = CaptureParsing.parse("[2026-11-30 10:20:01] app.js: started")
        #expect(notLevel.message == "app.js: started")
        #expect(notLevel.fields == nil)
    }

    // koa-logger.
    @Test func koaLoggerLinesAreRequests() {
        let failed = CaptureParsing.parse("  xxx POST /pay 500 12ms -")
        #expect(failed.event == "request_failed")
        #expect(failed.durationMS == 12)
        let answered = CaptureParsing.parse("  --> GET /orders/42?x=1 200 3ms 1.2kb")
        #expect(answered.event == "request_completed")
        #expect(CaptureParsing.fields(answered)["path"] as? String == "/orders/42")
        #expect(CaptureParsing.parse("  <-- GET /orders/42").event == nil, "a start without a request id is no request")
    }

    @Test func goPanicGivesTheError() {
        let record = CaptureParsing.parse("panic: runtime error: index out of range [3] with length 3")
        #expect(record.error == "runtime error: index out of range [3] with length 3")
    }
}
