/// A user's regular expression, compiled once and shared by every parse.
///
/// `Regex` is not declared `Sendable`, but matching does not mutate it (its lazily compiled program is
/// published atomically), so sharing one across tasks is safe.
final class CompiledRegex: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// The first capture group of the first match (the whole match when the pattern has no group).
    func firstGroup(in text: String) -> Substring? {
        guard let match = try? regex.firstMatch(in: text) else { return nil }
        let output = match.output
        return output.count > 1 ? output[1].substring : output[0].substring
    }

    /// The named groups of the first match.
    func namedGroups(in text: String) -> [String: Substring]? {
        guard let match = try? regex.firstMatch(in: text) else { return nil }
        var groups: [String: Substring] = [:]
        for element in match.output {
            if let name = element.name, let value = element.substring { groups[name] = value }
        }
        return groups
    }
}
