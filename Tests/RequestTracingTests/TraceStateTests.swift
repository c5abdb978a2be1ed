import Testing
@testable import RequestTracing

struct TraceStateTests {
    @Test(arguments: [
        "congo=t61rcWkgMzE",
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        "tenant@vendor=value",
        "a_b-c*d/e=x",
        "0digit=1",
        "k=value with inner spaces",
        "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
    ])
    func keepsValidListsUnchanged(_ header: String) throws {
        let state = try #require(TraceState(header))
        #expect(state.description == header)
    }

    @Test func removesWhitespaceAroundMembers() throws {
        let state = try #require(TraceState("  rojo=1 ,\tcongo=2\t,  x=y  "))
        #expect(state.description == "rojo=1,congo=2,x=y")
    }

    @Test func dropsEmptyMembers() throws {
        let state = try #require(TraceState("rojo=1,,congo=2, ,\t,"))
        #expect(state.description == "rojo=1,congo=2")
        let leading = try #require(TraceState(",rojo=1"))
        #expect(leading.description == "rojo=1")
    }

    @Test(arguments: ["", ",", ",,,", "   ", " , \t , "])
    func rejectsListsWithNoMembers(_ header: String) {
        #expect(TraceState(header) == nil)
    }

    @Test func acceptsExactly512Characters() throws {
        let header = "a=" + String(repeating: "x", count: 254) + "," + "b=" + String(repeating: "y", count: 253)
        #expect(header.utf8.count == 512)
        let state = try #require(TraceState(header))
        #expect(state.description == header)
    }

    @Test func rejectsMoreThan512Characters() {
        let header = "a=" + String(repeating: "x", count: 254) + "," + "b=" + String(repeating: "y", count: 254)
        #expect(header.utf8.count == 513)
        #expect(TraceState(header) == nil)
        #expect(TraceState(String(repeating: "k=v,", count: 200)) == nil)
    }

    @Test func acceptsExactly32Members() throws {
        let header = (0..<32).map { "k\($0)=v" }.joined(separator: ",")
        let state = try #require(TraceState(header))
        #expect(state.description == header)
    }

    @Test func rejectsMoreThan32Members() {
        let header = (0..<33).map { "k\($0)=v" }.joined(separator: ",")
        #expect(header.utf8.count <= 512)
        #expect(TraceState(header) == nil)
    }

    @Test(arguments: [
        "Rojo=1",  // uppercase key
        "roJo=1",
        "rojo=1,Congo=2",  // one bad member drops the whole value
        "k=a=b",  // '=' in value
        "k=a,b",  // ',' splits off a member without '='
        "k=a\u{1}b",  // control characters in value
        "k=a\nb",
        "k=a\rb",
        "k=a\u{0}b",
        "k=a\u{7F}",
        "k=\u{1B}[31m",
        "k=é",  // non-ASCII value
        "rojo",  // missing '='
        "rojo=1,congo",
        "=v",  // empty key
        "k=",  // empty value
        "_k=v",  // key must start with a letter or digit
        "@k=v",
        "k!=v",  // character not allowed in keys
        "k y=v",
    ])
    func rejectsInvalidMembers(_ header: String) {
        #expect(TraceState(header) == nil)
    }

    @Test func limitsKeyAndValueTo256Characters() {
        #expect(TraceState(String(repeating: "k", count: 256) + "=v") != nil)
        #expect(TraceState(String(repeating: "k", count: 257) + "=v") == nil)
        #expect(TraceState("k=" + String(repeating: "v", count: 256)) != nil)
        #expect(TraceState("k=" + String(repeating: "v", count: 257)) == nil)
    }
}
