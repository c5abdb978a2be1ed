import Logging
import Testing
@testable import RequestTracing

struct JSONWriterTests {
    private func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        (1.5, "1.5"),
        (0.0004, "0"),
        (-0.0004, "0"),
        (12.3456, "12.346"),
        (-2.25, "-2.25"),
        (0, "0"),
        (-0.0, "0"),
        (1, "1"),
        (100, "100"),
        (0.1, "0.1"),
        (0.05, "0.05"),
        (0.001, "0.001"),
        (0.0005, "0.001"),
        (999.9999, "1000"),
        (1234567.891, "1234567.891"),
        (-1e-9, "0"),
    ] as [(Double, String)])
    func formatsDecimalsWithUpToThreePlaces(_ value: Double, _ expected: String) {
        #expect(written { $0.decimal(value) } == expected)
    }

    @Test func writesNonFiniteNumbersAsNull() {
        #expect(written { $0.decimal(.nan) } == "null")
        #expect(written { $0.decimal(.infinity) } == "null")
        #expect(written { $0.decimal(-.infinity) } == "null")
    }

    @Test func writesHugeDecimalsAsValidNumbers() throws {
        let text = written { $0.decimal(1e20) }
        #expect(Double(text) == 1e20)
        #expect(written { $0.decimal(-1e300) }.hasPrefix("-"))
    }

    @Test(arguments: [
        (0, "0"),
        (7, "7"),
        (-7, "-7"),
        (10, "10"),
        (1_000_000, "1000000"),
        (Int.max, "9223372036854775807"),
        (Int.min, "-9223372036854775808"),
    ] as [(Int, String)])
    func formatsIntegers(_ value: Int, _ expected: String) {
        #expect(written { $0.integer(value) } == expected)
    }

    @Test func formatsOtherIntegerWidths() {
        #expect(written { $0.integer(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.integer(Int8.min) } == "-128")
        #expect(written { $0.integer(Int32.min) } == "-2147483648")
    }

    @Test func writesScalarMetadataByType() {
        #expect(written { $0.metadataValue(.stringConvertible(Int.min)) } == "-9223372036854775808")
        #expect(written { $0.metadataValue(.stringConvertible(UInt64.max)) } == "18446744073709551615")
        #expect(written { $0.metadataValue(.stringConvertible(Int64(-5))) } == "-5")
        #expect(written { $0.metadataValue(.stringConvertible(true)) } == "true")
        #expect(written { $0.metadataValue(.stringConvertible(Double.nan)) } == "null")
        #expect(written { $0.metadataValue(.stringConvertible(2.0)) } == "2")
        #expect(written { $0.metadataValue(.string("true")) } == "\"true\"")
    }

    @Test func writesKeysWithCommas() {
        #expect(written { $0.key("a", first: true); $0.integer(1); $0.key("b"); $0.integer(2) } == "\"a\":1,\"b\":2")
    }

    @Test func escapesStrings() {
        #expect(written { $0.string("a\"b\\c") } == #""a\"b\\c""#)
        #expect(written { $0.string("\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}") } == #""\u0000\u0001\b\t\n\f\r\u001f""#)
        #expect(written { $0.string("\u{2028}x\u{2029}") } == #""\u2028x\u2029""#)
        #expect(written { $0.string("é😀\u{7F}/") } == "\"é😀\u{7F}/\"")
        #expect(written { $0.string("") } == "\"\"")
    }

    @Test func leavesOtherThreeByteCharactersStartingWithE2Alone() {
        // U+2020 (†) and U+20AC (€) share the lead byte 0xE2 with U+2028/U+2029.
        #expect(written { $0.string("†€\u{2027}\u{202A}") } == "\"†€\u{2027}\u{202A}\"")
    }

    @Test func writesNestedMetadata() {
        let value: Logger.MetadataValue = ["list": [.stringConvertible(1), "two"]]
        #expect(written { $0.metadataValue(value) } == #"{"list":[1,"two"]}"#)
        #expect(written { $0.metadataValue([]) } == "[]")
        #expect(written { $0.metadataValue([:]) } == "{}")
    }

    @Test func writesHexDigitsUnquoted() {
        #expect(written { $0.hex(0xABC, digits: 6) } == "000abc")
    }
}
