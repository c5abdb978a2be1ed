import Logging
import Testing

@testable import TraceReceiver

@Suite("CaptureParsing: custom patterns")
struct CapturePatternTests {
    // The "Log Format Hints" example of seed 000.
    static let seedYAML = #"""
        patterns:
          timestamp: '^\[(.*?)\]'
          level: '\[(INFO|WARN|ERROR)\]'
          correlation_id: '\[req:(\w+)\]'
          message: '\] (.*)'
        """#

    @Test func seedPatternsReadTheirFirstGroups() throws {
        let patterns = try CapturePattern.load(yaml: Self.seedYAML)
        #expect(patterns.count == 1)
        let parser = CaptureParser(service: "legacy", patterns: patterns)
        let record = parser.parse("[2024-01-01T12:00:00Z] [WARN] [req:abc123] stock low", receivedAt: 0)
        #expect(record.level == .warning)
        #expect(record.requestID == "abc123")
        #expect(record.timestamp == CaptureParsing.micros("2024-01-01T12:00:00Z"))
        #expect(record.message == "[WARN] [req:abc123] stock low")
        #expect(record.source == .capture)
    }

    @Test func namedGroupsAndParserList() throws {
        let yaml = #"""
            parsers:
              - name: angle
                patterns:
                  level: '<(\w+)>'
                  message: '> (.*)'
              - name: worker
                regex: '^(?<level>[A-Z]+)\|(?<correlation_id>[0-9a-f]{32})\|(?<message>.*)$'
            """#
        let patterns = try CapturePattern.load(yaml: yaml)
        #expect(patterns.map(\.name) == ["angle", "worker"])
        let parser = CaptureParser(service: "s", patterns: patterns)
        let angle = parser.parse("<error> it broke", receivedAt: 0)
        #expect(angle.level == .error)
        #expect(angle.message == "it broke")
        let worker = parser.parse("WARN|4bf92f3577b34da6a3ce929d0e0e4736|queue full", receivedAt: 0)
        #expect(worker.level == .warning)
        #expect(worker.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(worker.message == "queue full")
    }

    @Test func seedBackendLogsShapeIsRead() throws {
        let yaml = #"""
            backend:
              logs:
                - type: file
                  path: /var/log/app.log
                  format: plaintext
                  patterns:
                    message: 'msg=(.*)'
            """#
        let patterns = try CapturePattern.load(yaml: yaml)
        #expect(patterns.map(\.name) == ["/var/log/app.log"])
    }

    @Test func linesThePatternDoesNotMatchFallThroughToBuiltIns() throws {
        let parser = CaptureParser(service: "s", patterns: try CapturePattern.load(yaml: "patterns:\n  message: '^>>> (.*)'"))
        let record = parser.parse(#"{"level":"error","msg":"json still works"}"#, receivedAt: 0)
        #expect(record.message == "json still works")
        #expect(record.level == .error)
    }

    @Test func invalidYAMLIsReported() {
        #expect(throws: CapturePatternError.self) { try CapturePattern.load(yaml: "patterns: [unclosed") }
        do {
            _ = try CapturePattern.load(yaml: "patterns: [unclosed")
        } catch {
            #expect(error.code == "invalid_yaml")
        }
    }

    @Test func invalidRegexNamesTheParserAndKey() {
        do {
            _ = try CapturePattern.load(yaml: "parsers:\n  - name: broken\n    patterns:\n      message: '(unclosed'")
            Issue.record("expected an error")
        } catch {
            guard case .invalidRegex(let parser, let key, let pattern, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(parser == "broken")
            #expect(key == "message")
            #expect(pattern == "(unclosed")
            #expect(error.message.contains("not a valid regular expression"))
        }
    }

    @Test(arguments: [
        ("patterns:\n  level: '(\\w+)'", CapturePatternError.missingMessagePattern(parser: "default")),
        ("patterns:\n  regex: '(?<level>\\w+)'", .missingMessagePattern(parser: "default")),
        ("patterns:\n  mesage: '(.*)'", .unknownKey(parser: "default", key: "mesage")),
        ("other: 1", .noPatterns),
        ("- a\n- b", .unexpectedShape(path: "the configuration", expected: "a mapping with `patterns:` or `parsers:`")),
    ])
    func badConfigurationsAreRefused(yaml: String, expected: CapturePatternError) {
        #expect(throws: expected) { try CapturePattern.load(yaml: yaml) }
    }
}
