/// .NET's JSON log lines (see ``JSONLineParser``): Microsoft.Extensions.Logging's `State` and `Scopes`,
/// Serilog's `Properties` and `@r`.
extension JSONLineParser {
    /// Reads the members of Microsoft.Extensions.Logging's `State` (the message's values) and of each of its
    /// `Scopes` (objects, or texts kept as the `scopes` field), and of Serilog's `Properties`: ids where
    /// their keys name ids (an id the line already has stays), fields otherwise. `State` and each scope
    /// repeat their text as `Message`, and `State` its template as `{OriginalFormat}`; those are left out.
    /// On a line from neither logger, each of the three is one field as it is.
    static func takeDotNetProperties(
        state: (Range<Int>, JSONScanner.Value)?, scopes: (Range<Int>, JSONScanner.Value)?, properties: (Range<Int>, JSONScanner.Value)?,
        fromMicrosoftLogging: Bool, fromSerilog: Bool, in scanner: JSONScanner, into parsed: inout ParsedLine
    ) {
        if let (rawKey, value) = state {
            if fromMicrosoftLogging, value.kind == .object {
                takeMembers(of: value, leavingOutEchoes: true, in: scanner, into: &parsed)
            } else {
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
        }
        if let (rawKey, value) = scopes {
            if fromMicrosoftLogging, value.kind == .array {
                var texts: [String] = []
                for scope in elements(of: value, in: scanner) {
                    if scope.kind == .object {
                        takeMembers(of: scope, leavingOutEchoes: true, in: scanner, into: &parsed)
                    } else if let text = scanner.text(scope) {
                        texts.append(text)
                    }
                }
                if !texts.isEmpty { parsed.fields.append(key: "scopes", text: texts.joined(separator: " => ")) }
            } else {
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
        }
        if let (rawKey, value) = properties {
            if fromSerilog, value.kind == .object {
                takeMembers(of: value, leavingOutEchoes: false, in: scanner, into: &parsed)
            } else {
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
        }
    }

    /// Each member of `object` as an id (when its key names one and the line has none yet) or a field;
    /// `Message` and `{OriginalFormat}` left out when `leavingOutEchoes`.
    private static func takeMembers(of object: JSONScanner.Value, leavingOutEchoes: Bool, in scanner: JSONScanner, into parsed: inout ParsedLine) {
        forEachMember(of: object, in: scanner) { rawKey, key, value in
            switch key {
            case .requestID, .traceID, .spanID, .parentSpanID: _ = takeID(key, value, in: scanner, into: &parsed.ids)
            case .message where leavingOutEchoes: break
            case .other where leavingOutEchoes && scanner.bytes(unquoted(rawKey), equal: "{OriginalFormat}"): break
            default: parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
            return true
        }
    }

    /// An id, unless it is all zeros (.NET's `ParentId` of a request that has no parent span).
    static func nonZeroID(_ id: String) -> String? {
        id.utf8.allSatisfy { $0 == UInt8(ascii: "0") } ? nil : id
    }

    /// The texts of an array's elements (Serilog's `@r`); empty for any other value.
    static func texts(of array: JSONScanner.Value, in scanner: JSONScanner) -> [String] {
        guard array.kind == .array else { return [] }
        return elements(of: array, in: scanner).map { scanner.text($0) ?? "null" }
    }
}
