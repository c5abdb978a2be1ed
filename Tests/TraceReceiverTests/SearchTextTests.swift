import Testing

@testable import TraceReceiver

/// `q`'s `@key=value` words: which words are conditions, and what their values are.
@Suite("Search text")
struct SearchTextTests {
    func condition(_ key: String, _ value: String) -> FieldCondition { FieldCondition(key: key, value: value)! }

    @Test func wordsWithoutConditionsAreKeptAsTyped() throws {
        let search = try SearchText(parsing: "  payment  timeout ")
        #expect(search.text == "payment timeout")
        #expect(search.conditions.isEmpty)
    }

    @Test func conditionsAreTakenOutOfTheWordsInTheOrderWritten() throws {
        let search = try SearchText(parsing: "timeout @status_code=500 gateway @pod:shop-1 @a.b-c_d=x:y=z")
        #expect(search.text == "timeout gateway")
        #expect(search.conditions == [condition("status_code", "500"), condition("pod", "shop-1"), condition("a.b-c_d", "x:y=z")])
    }

    @Test func aQuotedValueHoldsSpacesAndAnUnclosedOneRunsToTheEnd() throws {
        let search = try SearchText(parsing: #"@path="/api/a b" after @msg:"card declined"x @note:"unclosed one"#)
        #expect(search.conditions == [condition("path", "/api/a b"), condition("msg", "card declined"), condition("note", "unclosed one")])
        // A quote's end ends the value; what follows it is the next word.
        #expect(search.text == "after x")
    }

    @Test func anEmptyValueIsAConditionOnAnEmptyField() throws {
        let search = try SearchText(parsing: "@pod= @x:\"\"")
        #expect(search.conditions == [condition("pod", ""), condition("x", "")])
    }

    @Test(arguments: ["@alice", "bob@example.com", "a=b", "@=1", "@:1", "@", "@ké=1", "@a b=1", "@@a=1", "\"@a=1\""])
    func otherWordsWithAtOrEqualsStayText(_ q: String) throws {
        let search = try SearchText(parsing: q)
        #expect(search.conditions.isEmpty)
        #expect(search.text == q.split(separator: " ").joined(separator: " "))
    }

    @Test func onlyConditionsLeaveNoText() throws {
        let search = try SearchText(parsing: " @a=1 ")
        #expect(search.text == nil)
        #expect(search.conditions == [condition("a", "1")])
    }

    @Test func aTooLongKeyOrValueIsRefusedNamingTheKey() throws {
        let longKey = String(repeating: "k", count: FieldCondition.maximumKeyLength + 1)
        #expect(throws: SearchText.Failure.invalidCondition(key: String(longKey.prefix(FieldCondition.maximumKeyLength)))) {
            try SearchText(parsing: "@\(longKey)=1")
        }
        #expect(throws: SearchText.Failure.invalidCondition(key: "note")) {
            try SearchText(parsing: "ok @note=" + String(repeating: "v", count: FieldCondition.maximumValueLength + 1))
        }
        let longest = try SearchText(parsing: "@note=" + String(repeating: "v", count: FieldCondition.maximumValueLength))
        #expect(longest.conditions.count == 1)
    }
}
