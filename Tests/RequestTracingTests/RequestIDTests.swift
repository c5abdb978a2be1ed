import Testing
@testable import RequestTracing

struct RequestIDTests {
    @Test(arguments: [
        "0190ab12-53c2-7a4e-9c1d-2f0e5b7c8d9a",
        "F47AC10B-58CC-4372-A567-0E02B2C3D479",
        "abc-123",
        "a:b.c_d",
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "x",
        String(repeating: "a", count: 128),
    ])
    func keepsValidIDs(_ id: String) {
        #expect(RequestID.isValid(id))
        #expect(RequestID.validOrGenerate(id) == id)
    }

    @Test func acceptsExactlyTheMaximumLength() {
        #expect(RequestID.maximumLength == 128)
        #expect(RequestID.isValid(String(repeating: "7", count: 128)))
        #expect(!RequestID.isValid(String(repeating: "7", count: 129)))
    }

    @Test(arguments: [
        "",
        String(repeating: "a", count: 129),
        String(repeating: "a", count: 10 * 1024),
        "abc\r\nSet-Cookie: x=1",
        "abc\n",
        "abc\r",
        "abc def",
        " abc",
        "abc\t",
        "\"abc\"",
        "'abc'",
        "ünïcødé",
        "id-😀",
        "abc\u{0}def",
        "\u{0}",
        "abc/def",
        "abc;def",
        "abc,def",
        "abc=def",
        "<script>",
        "abc\u{7F}",
        "ａｂｃ",  // full-width letters
    ])
    func rejectsUnsafeOrOverlongIDs(_ id: String) {
        #expect(!RequestID.isValid(id))
        let replacement = RequestID.validOrGenerate(id)
        #expect(replacement != id)
        #expect(UUIDv7(replacement) != nil)
    }

    @Test func validOrGenerateMakesALowercaseUUIDv7ForInvalidInput() throws {
        let generated = RequestID.validOrGenerate("abc\r\nSet-Cookie: x=1")
        let parsed = try #require(UUIDv7(generated))
        #expect(parsed.description == generated)
        #expect(generated == generated.lowercased())
        #expect(RequestID.isValid(generated))
    }

    @Test func validOrGenerateMakesAnIDWhenThereIsNone() throws {
        let first = RequestID.validOrGenerate(nil)
        let second = RequestID.validOrGenerate(nil)
        let a = try #require(UUIDv7(first))
        let b = try #require(UUIDv7(second))
        #expect(a < b)
    }

    @Test func generatedIDsAreUniqueUUIDv7s() throws {
        var ids = Set<String>()
        for _ in 0..<1000 {
            let id = RequestID.generate()
            #expect(UUIDv7(id) != nil)
            ids.insert(id)
        }
        #expect(ids.count == 1000)
    }

    @Test func validatesSubstrings() {
        let header = "  abc-123  "
        let trimmed = header.dropFirst(2).dropLast(2)
        #expect(RequestID.isValid(trimmed))
        #expect(!RequestID.isValid(header.dropFirst(1)))
    }
}
