import Testing
@testable import RequestTracing

struct TraceParentTests {
    private static let trace = W3CExample.traceID
    private static let parent = W3CExample.parentID

    @Test func parsesTheW3CExample() throws {
        let value = try #require(TraceParent(W3CExample.traceparent))
        #expect(value.version == 0)
        #expect(value.traceID.description == Self.trace)
        #expect(value.traceID.high == 0x4bf9_2f35_77b3_4da6)
        #expect(value.traceID.low == 0xa3ce_929d_0e0e_4736)
        #expect(value.parentID.description == Self.parent)
        #expect(value.parentID.rawValue == 0x00f0_67aa_0ba9_02b7)
        #expect(value.flags == .sampled)
    }

    @Test func roundTripsTheW3CExample() throws {
        let value = try #require(TraceParent(W3CExample.traceparent))
        #expect(value.description == W3CExample.traceparent)
        #expect(TraceParent(value.description) == value)
    }

    @Test func parsesUnsampledFlags() throws {
        let value = try #require(TraceParent("00-\(Self.trace)-\(Self.parent)-00"))
        #expect(value.flags == [])
        #expect(!value.flags.contains(.sampled))
        #expect(value.description.hasSuffix("-00"))
    }

    @Test func acceptsSubstrings() throws {
        let header = "  \(W3CExample.traceparent)  "
        let value = try #require(TraceParent(header.dropFirst(2).dropLast(2)))
        #expect(value.description == W3CExample.traceparent)
    }

    @Test(arguments: [
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",  // uppercase parent id
        "00-4bf92f3577b34da6a3ce929d0e0e473A-00f067aa0ba902b7-01",  // one uppercase digit
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // uppercase version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",  // uppercase flags
    ])
    func rejectsUppercaseHex(_ header: String) {
        #expect(TraceParent(header) == nil)
    }

    @Test func rejectsAllZeroTraceID() {
        #expect(TraceParent("00-00000000000000000000000000000000-\(Self.parent)-01") == nil)
    }

    @Test func rejectsAllZeroParentID() {
        #expect(TraceParent("00-\(Self.trace)-0000000000000000-01") == nil)
    }

    @Test func acceptsIDsThatAreZeroInOneHalfOnly() throws {
        let value = try #require(TraceParent("00-0000000000000000a3ce929d0e0e4736-0000000000000001-01"))
        #expect(value.traceID.high == 0)
        #expect(value.parentID.rawValue == 1)
    }

    @Test func rejectsVersionFF() {
        #expect(TraceParent("ff-\(Self.trace)-\(Self.parent)-01") == nil)
        #expect(TraceParent("ff-\(Self.trace)-\(Self.parent)-01-extra") == nil)
    }

    @Test(arguments: [
        String(W3CExample.traceparent.dropLast()),  // 54 characters
        W3CExample.traceparent + "0",  // 56 characters
        W3CExample.traceparent + "-",  // 56 characters, dash
        W3CExample.traceparent + "-extra",  // version 00 may not be extended
        "00-\(W3CExample.traceID)-\(W3CExample.parentID)-1",
        "00-\(W3CExample.traceID)0-\(W3CExample.parentID)-01",
        "",
        "00",
    ])
    func rejectsWrongLengthForVersion00(_ header: String) {
        #expect(header.utf8.count != 55)
        #expect(TraceParent(header) == nil)
    }

    @Test(arguments: [
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
        "00 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 01",
        "004-bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e47-3600f067aa0ba902b7-01",
    ])
    func rejectsBadSeparators(_ header: String) {
        #expect(header.utf8.count == 55)
        #expect(TraceParent(header) == nil)
    }

    @Test(arguments: [
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
        "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e 736-00f067aa0ba902b7-01",
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ])
    func rejectsNonHexDigits(_ header: String) {
        #expect(header.utf8.count == 55)
        #expect(TraceParent(header) == nil)
    }

    @Test func rejectsNonASCIIInput() {
        // 55 characters, but more than 55 bytes.
        let header = "00-4bf92f3577b34da6a3ce929d0e0e473é-00f067aa0ba902b7-01"
        #expect(header.count == 55)
        #expect(TraceParent(header) == nil)
    }

    @Test func acceptsFutureVersionWithExtraFieldsAfterADash() throws {
        let value = try #require(TraceParent("cc-\(Self.trace)-\(Self.parent)-01-what-the-future-will-be-like"))
        #expect(value.version == 0xCC)
        #expect(value.traceID.description == Self.trace)
        #expect(value.parentID.description == Self.parent)
        #expect(value.flags == .sampled)
    }

    @Test func acceptsFutureVersionOfExactly55Characters() throws {
        let header = "cc-\(Self.trace)-\(Self.parent)-01"
        #expect(header.utf8.count == 55)
        let value = try #require(TraceParent(header))
        #expect(value.version == 0xCC)
        #expect(value.traceID.description == Self.trace)
    }

    @Test func rejectsFutureVersionWhoseExtraPartDoesNotStartWithADash() {
        #expect(TraceParent("cc-\(Self.trace)-\(Self.parent)-01x") == nil)
        #expect(TraceParent("cc-\(Self.trace)-\(Self.parent)-01.extra") == nil)
    }

    @Test func rejectsFutureVersionShorterThan55Characters() {
        #expect(TraceParent("cc-\(Self.trace)-\(Self.parent)-1") == nil)
    }

    @Test func emitsVersion00ForFutureVersions() throws {
        let value = try #require(TraceParent("cc-\(Self.trace)-\(Self.parent)-01-extra"))
        #expect(value.description == "00-\(Self.trace)-\(Self.parent)-01")
        let exact = try #require(TraceParent("cc-\(Self.trace)-\(Self.parent)-00"))
        #expect(exact.description == "00-\(Self.trace)-\(Self.parent)-00")
    }

    @Test func dropsUnknownFlagBits() throws {
        let all = try #require(TraceParent("00-\(Self.trace)-\(Self.parent)-ff"))
        #expect(all.flags.rawValue == 0x01)
        #expect(all.description == "00-\(Self.trace)-\(Self.parent)-01")
        let unknownOnly = try #require(TraceParent("00-\(Self.trace)-\(Self.parent)-02"))
        #expect(unknownOnly.flags.rawValue == 0)
        #expect(unknownOnly.description == "00-\(Self.trace)-\(Self.parent)-00")
        let future = try #require(TraceParent("cc-\(Self.trace)-\(Self.parent)-83-extra"))
        #expect(future.flags == .sampled)
        #expect(future.description.hasSuffix("-01"))
    }

    @Test func formatsAValueMadeFromParts() throws {
        let trace = try #require(TraceID(high: 1, low: 0xABCDEF))
        let parent = try #require(SpanID(rawValue: 0x10))
        #expect(
            TraceParent(traceID: trace, parentID: parent).description
                == "00-00000000000000010000000000abcdef-0000000000000010-01"
        )
        #expect(TraceParent(traceID: trace, parentID: parent, flags: []).description.hasSuffix("-00"))
        #expect(TraceParent(traceID: trace, parentID: parent).version == 0)
    }
}
