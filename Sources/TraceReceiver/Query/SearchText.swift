/// The text of a search (`q`): words to find in the records' text, and field conditions written
/// `@key=value` or `@key:value` among them.
///
/// `q=timeout @status_code=500 @pod:"shop 1"` finds records whose text has a word starting with
/// "timeout" and whose fields hold `status_code` 500 and `pod` "shop 1", as `q=timeout` with
/// `field=status_code=500&field=pod=shop 1` does. A value in double quotes may hold spaces and ends at the
/// next quote (there are no escapes); an unclosed quote runs to the end. Anything else, `@` included
/// (`@alice`, `bob@example.com`, `a=b`), stays a word of the text.
struct SearchText: Equatable {
    /// The words left once the conditions are taken out, as typed; `nil` when none are left.
    var text: String?
    /// The conditions, in the order written.
    var conditions: [FieldCondition]

    /// Why a `q` cannot be read.
    enum Failure: Error, Equatable {
        /// A condition whose key is over ``FieldCondition/maximumKeyLength`` characters or whose value
        /// is over ``FieldCondition/maximumValueLength`` bytes; carries the key's first 64 characters.
        case invalidCondition(key: String)
    }

    /// Splits `q` into words and conditions.
    init(parsing q: String) throws(Failure) {
        var words: [Substring] = []
        var conditions: [FieldCondition] = []
        var rest = q[...]
        while true {
            rest = rest.drop(while: \.isWhitespace)
            guard !rest.isEmpty else { break }
            if let (key, valueStart) = Self.conditionKey(in: rest) {
                let value: Substring
                if rest[valueStart...].first == "\"" {
                    let opened = rest.index(after: valueStart)
                    let closing = rest[opened...].firstIndex(of: "\"") ?? rest.endIndex
                    value = rest[opened..<closing]
                    rest = closing == rest.endIndex ? rest[closing...] : rest[rest.index(after: closing)...]
                } else {
                    let end = rest[valueStart...].firstIndex(where: \.isWhitespace) ?? rest.endIndex
                    value = rest[valueStart..<end]
                    rest = rest[end...]
                }
                guard let condition = FieldCondition(key: String(key), value: String(value)) else {
                    throw .invalidCondition(key: String(key.prefix(FieldCondition.maximumKeyLength)))
                }
                conditions.append(condition)
            } else {
                let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
                words.append(rest[..<end])
                rest = rest[end...]
            }
        }
        self.text = words.isEmpty ? nil : words.joined(separator: " ")
        self.conditions = conditions
    }

    /// The key of a condition starting `token` (`@`, name characters, then `=` or `:`), and where its
    /// value starts; `nil` when the token is a word.
    private static func conditionKey(in token: Substring) -> (key: Substring, valueStart: Substring.Index)? {
        guard token.first == "@" else { return nil }
        let keyStart = token.index(after: token.startIndex)
        guard let separator = token[keyStart...].firstIndex(where: { !$0.isASCII || !CaptureBytes.isNameByte($0.asciiValue!) }),
            separator > keyStart, token[separator] == "=" || token[separator] == ":"
        else { return nil }
        return (token[keyStart..<separator], token.index(after: separator))
    }
}
