import Foundation
import RequestTracing
import Testing

@testable import TraceReceiver

/// A record setting every field the decoder reads.
private let fullRecord: OTLPLogRecord = {
    var record = OTLPLogRecord()
    record.time = 1_796_034_001_123_456_789
    record.observedTime = 1_796_034_001_200_000_000
    record.severityNumber = 17
    record.severityText = "ERROR"
    record.body = .string("charge failed")
    record.attributes = [
        (key: "exception.type", value: .string("CardError")),
        (key: "exception.message", value: .string("card declined")),
        (key: "exception.stacktrace", value: .string("CardError: card declined\n  at charge")),
        (key: "http.request.header.x-request-id", value: .array([.string("r-7")])),
        (key: "amount", value: .int(-42)),
        (key: "ratio", value: .double(0.5)),
        (key: "retried", value: .bool(true)),
        (key: "digest", value: .bytes([0xDE, 0xAD])),
        (key: "cart", value: .keyValues([(key: "items", value: .array([.int(1), .string("two")]))])),
    ]
    record.traceID = Array(repeating: 0xAB, count: 16)
    record.spanID = Array(repeating: 0x01, count: 8)
    record.eventName = "payment.failed"
    record.serviceName = "checkout"
    record.scopeName = "shop.payments"
    return record
}()

private func decode(_ bytes: [UInt8]) throws -> [OTLPLogRecord] {
    try bytes.withUnsafeBytes { try OTLPLogsDecoder.records(protobuf: $0) }
}

/// The record `writeRecord(to:)` makes, as a JSON object.
private func ours(_ record: OTLPLogRecord) throws -> [String: Any] {
    var writer = JSONWriter(capacity: 256)
    record.writeRecord(to: &writer)
    return try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
}

@Suite("OTLP: reading log export requests")
struct OTLPLogsDecoderTests {
    @Test func readsEveryFieldOfALogRecordWithItsResourcesServiceAndItsScope() throws {
        let records = try decode(ProtobufWriter.exportRequest(service: "checkout", scope: "shop.payments", [fullRecord, OTLPLogRecord()]))
        #expect(records.count == 2)
        #expect(records.first == fullRecord)
        #expect(records.last?.serviceName == "checkout", "every record of a resource has its service")
        #expect(records.last?.body == nil)
    }

    @Test func skipsUnknownFieldsAndReadsAResourceWrittenAfterItsRecords() throws {
        var request = ProtobufWriter()
        request.field(1) { resourceLogs in
            resourceLogs.field(2) { scopeLogs in
                scopeLogs.field(2) { record in
                    record.field(99, varint: 7)  // a field from a later OTLP version
                    record.field(98, fixed64: 1)
                    record.tag(97, 5)
                    record.bytes += [1, 2, 3, 4]
                    record.field(5) { $0.anyValue(.string("late resource")) }
                    record.field(8, bytes: [])  // flags with the wrong wire type: skipped
                }
                scopeLogs.field(3, string: "https://opentelemetry.io/schemas/1.24.0")
            }
            resourceLogs.field(1) { $0.field(1) { $0.keyValue("service.name", .string("late")) } }
        }
        let records = try decode(request.bytes)
        #expect(records.map(\.body) == [.string("late resource")])
        #expect(records.first?.serviceName == "late")
    }

    @Test(arguments: [
        ([0x0A], "truncated varint"),
        ([0x0A, 0x05, 0x01], "runs past the end"),
        ([0x0B, 0x00], "unsupported wire type 3"),
        ([0x0C], "unsupported wire type 4"),
        ([0x00, 0x00], "field number 0"),
        ([0x08] + Array(repeating: 0xFF, count: 10) + [0x01], "longer than 10 bytes"),
        ([0x09, 0x01, 0x02], "truncated fixed64"),
        ([0x0D, 0x01], "truncated fixed32"),
        ([0x0A, 0x04, 0x12, 0x02, 0x12, 0x05], "runs past the end"),
    ] as [([UInt8], String)])
    func refusesAMessageCutOrDamagedNamingTheProblem(bytes: [UInt8], problem: String) {
        #expect {
            try decode(bytes)
        } throws: { error in
            (error as? OTLPDecodingError)?.reason.contains(problem) == true
        }
    }

    @Test func refusesValuesNestedDeeperThanTheLimitAndReadsThemAtIt() throws {
        func nested(_ depth: Int) -> OTLPValue {
            (0..<depth).reduce(OTLPValue.string("core")) { inner, _ in .array([inner]) }
        }
        var record = OTLPLogRecord()
        record.body = nested(OTLPValue.maximumDepth)
        #expect(try decode(ProtobufWriter.exportRequest(service: nil, [record])).first?.body == record.body)
        record.body = nested(OTLPValue.maximumDepth + 1)
        #expect(throws: OTLPDecodingError("a value is nested more than \(OTLPValue.maximumDepth) levels deep")) {
            try decode(ProtobufWriter.exportRequest(service: nil, [record]))
        }
        // Ten thousand levels (a few bytes each) are refused without recursing through them.
        var deep = ProtobufWriter()
        deep.anyValue(.string("core"))
        for _ in 0..<10_000 {
            var array = ProtobufWriter()
            array.field(1, bytes: deep.bytes)
            var value = ProtobufWriter()
            value.field(5, bytes: array.bytes)
            deep = value
        }
        var request = ProtobufWriter()
        request.field(1) { $0.field(2) { $0.field(2) { $0.field(5, bytes: deep.bytes) } } }
        #expect(throws: OTLPDecodingError.self) { try decode(request.bytes) }
    }

    @Test func refusesMoreItemsThanTheBudgetInOneRequest() {
        // Two bytes per empty value: a 2 MB body that would otherwise become a million values in memory.
        var values: [UInt8] = []
        values.reserveCapacity(2 * (OTLPValueReader.maximumItems + 2))
        for _ in 0...OTLPValueReader.maximumItems { values += [0x0A, 0x00] }
        var record = ProtobufWriter()
        record.field(5) { $0.field(5, bytes: values) }
        var request = ProtobufWriter()
        request.field(1) { $0.field(2) { $0.field(2, bytes: record.bytes) } }
        #expect(throws: OTLPDecodingError("more than \(OTLPValueReader.maximumItems) items (records, attributes, values) in one request")) {
            try decode(request.bytes)
        }
    }

    @Test func invalidUTF8InAStringIsReplacedNotRefused() throws {
        var request = ProtobufWriter()
        request.field(1) { $0.field(2) { $0.field(2) { $0.field(5) { $0.field(1, bytes: [0x61, 0xFF, 0xC3, 0x62]) } } } }
        #expect(try decode(request.bytes).first?.body == .string("a\u{FFFD}\u{FFFD}b"))
    }

    @Test func readsOTLPJSONInCamelOrSnakeCase() throws {
        let camel = #"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
             "scopeLogs":[{"scope":{"name":"shop.payments"},"logRecords":[
              {"timeUnixNano":"1796034001123456789","observedTimeUnixNano":1796034001200000000,"severityNumber":17,
               "severityText":"ERROR","body":{"stringValue":"charge failed"},
               "attributes":[{"key":"exception.type","value":{"stringValue":"CardError"}},
                {"key":"exception.message","value":{"stringValue":"card declined"}},
                {"key":"exception.stacktrace","value":{"stringValue":"CardError: card declined\n  at charge"}},
                {"key":"http.request.header.x-request-id","value":{"arrayValue":{"values":[{"stringValue":"r-7"}]}}},
                {"key":"amount","value":{"intValue":"-42"}},{"key":"ratio","value":{"doubleValue":0.5}},
                {"key":"retried","value":{"boolValue":true}},{"key":"digest","value":{"bytesValue":"3q0="}},
                {"key":"cart","value":{"kvlistValue":{"values":[{"key":"items","value":{"arrayValue":{"values":[{"intValue":1},{"stringValue":"two"}]}}}]}}}],
               "traceId":"ABABABABABABABABABABABABABABABAB","spanId":"0101010101010101","eventName":"payment.failed"}]}]}]}
            """#
        #expect(try OTLPLogsDecoder.records(json: Data(camel.utf8)) == [fullRecord])
        let snake = #"""
            {"resource_logs":[{"scope_logs":[{"log_records":[{"time_unix_nano":"5","severity_number":"SEVERITY_NUMBER_WARN2",
             "body":{"string_value":"x"},"trace_id":"","span_id":""}]}]}]}
            """#
        let record = try #require(try OTLPLogsDecoder.records(json: Data(snake.utf8)).first)
        #expect(record.time == 5)
        #expect(record.severityNumber == 14)
        #expect(record.body == .string("x"))
        #expect(record.traceID.isEmpty)
        #expect(try OTLPLogsDecoder.records(json: Data("{}".utf8)).isEmpty)
    }

    @Test(arguments: [
        ("[]", "not a JSON object"),
        (#"{"resourceLogs":{}}"#, "resourceLogs is not an array"),
        (#"{"resourceLogs":[1]}"#, "an element of resourceLogs is not an object"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}"#, "traceId is not 32 hex digits"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"spanId":"zz01010101010101"}]}]}]}"#, "spanId is not 16 hex digits"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":25}]}]}]}"#, "severityNumber is not 0…24"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]}"#, "severityNumber LOUD is not one of its values"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":-1}]}]}]}"#, "timeUnixNano is not an unsigned"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"text"}]}]}]}"#, "body: not an AnyValue"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"intValue":1.5}}]}]}]}"#, "intValue is not a 64-bit integer"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"boolValue":1}}]}]}]}"#, "boolValue is not a boolean"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"bytesValue":"!!"}}]}]}]}"#, "bytesValue is not base64"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":5}]}]}]}]}"#, "attribute k: value is not"),
        (#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}"#, "invalid JSON"),
        ("\u{FF}", "invalid JSON"),
    ])
    func refusesJSONThatIsNotAnExportRequestNamingTheProblem(body: String, problem: String) {
        #expect {
            try OTLPLogsDecoder.records(json: Data(body.utf8))
        } throws: { error in
            (error as? OTLPDecodingError)?.reason.contains(problem) == true
        }
    }

    @Test func deeplyNestedJSONIsRefusedNotRecursedThrough() {
        let deep = String(repeating: #"{"arrayValue":{"values":["#, count: 10_000) + String(repeating: "]}}", count: 10_000)
        let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"# + deep + "}]}]}]}"
        #expect(throws: OTLPDecodingError.self) { try OTLPLogsDecoder.records(json: Data(body.utf8)) }
    }

    @Test func aRecordBecomesOursWithItsLevelIdsErrorRequestIDAndFields() throws {
        let record = try ours(fullRecord)
        #expect(record["message"] as? String == "charge failed")
        #expect(record["timestamp"] as? String == "2026-11-30T10:20:01.123456Z")
        #expect(record["level"] as? String == "error")
        #expect(record["service"] as? String == "checkout")
        #expect(record["event"] as? String == "payment.failed")
        #expect(record["trace_id"] as? String == String(repeating: "ab", count: 16))
        #expect(record["span_id"] as? String == String(repeating: "01", count: 8))
        #expect(record["error"] as? String == "card declined")
        #expect(record["error_type"] as? String == "CardError")
        #expect(record["stack"] as? String == "CardError: card declined\n  at charge")
        #expect(record["request_id"] as? String == "r-7")
        let fields = try #require(record["fields"] as? [String: Any])
        #expect(Set(fields.keys) == ["amount", "ratio", "retried", "digest", "cart", "logger"])
        #expect(fields["amount"] as? Int == -42)
        #expect(fields["digest"] as? String == "dead")
        #expect(fields["logger"] as? String == "shop.payments")
        #expect((fields["cart"] as? [String: Any])?["items"] as? [AnyHashable] == [1, "two"])

        var bare = OTLPLogRecord()
        bare.observedTime = 1_796_034_001_000_000_000
        bare.severityText = "Warning"
        bare.body = .keyValues([(key: "event", value: .string("login")), (key: "ok", value: .bool(false))])
        bare.traceID = Array(repeating: 0, count: 16)
        bare.spanID = [1, 2, 3]
        let minimal = try ours(bare)
        #expect(minimal["message"] as? String == #"{"event":"login","ok":false}"#, "a structured body is its JSON")
        #expect(minimal["timestamp"] as? String == "2026-11-30T10:20:01.000000Z", "the observed time when the event's is unknown")
        #expect(minimal["level"] as? String == "Warning", "the text when there is no number, read as any level name")
        #expect(minimal["trace_id"] == nil && minimal["span_id"] == nil, "an all-zero or short id is no id")
        #expect(minimal["service"] == nil && minimal["fields"] == nil)
        #expect(try ours(OTLPLogRecord())["message"] as? String == "")
    }

    @Test(arguments: [(1, "trace"), (4, "trace"), (5, "debug"), (9, "info"), (12, "info"), (13, "warning"), (17, "error"), (20, "error"), (21, "critical"), (24, "critical")])
    func severityNumbersMapToLevels(number: UInt64, level: String) {
        #expect(OTLPLogRecord.level(severityNumber: number) == level)
    }
}
