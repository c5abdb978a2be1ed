/// The metadata and source module that swift-log's `StreamLogHandler` writes between its label and the
/// message: `2024-01-01T12:00:00+0000 info Hummingbird: hb.request.id=4a0b-1 hb.request.method=GET [Hummingbird] Request`
/// (swift-log 1.6 and later; earlier versions wrote `Hummingbird :`).
///
/// The pairs are `key=value`, sorted by key and separated by single spaces; a value may itself hold
/// spaces, so a value runs up to the next ` key=`. The module is the first `[Identifier]` followed by a
/// space (or the end), and the message is what follows it. With no metadata the text starts with the module.
enum StreamLogHandlerMetadata {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Most pairs read; a longer run of `key=value` text stays in the message.
    static let maximumPairs = 64

    struct Split {
        var pairs: [(key: Range<Int>, value: Range<Int>)]
        var module: Range<Int>
        var messageStart: Int
    }

    /// The method and path of Hummingbird's `LogRequestsMiddleware` line, which says a request started:
    /// module `Hummingbird`, message `Request`, and the pairs `hb.request.method` and `hb.request.path`.
    static func requestStart(_ bytes: Bytes, _ split: Split, end: Int) -> (method: Range<Int>, path: Range<Int>)? {
        guard CaptureBytes.equals(bytes, split.module, "Hummingbird"),
            CaptureBytes.equals(bytes, CaptureBytes.trimmed(bytes, split.messageStart..<end), "Request")
        else { return nil }
        let method = split.pairs.first { CaptureBytes.equals(bytes, $0.key, "hb.request.method") }?.value
        let path = split.pairs.first { CaptureBytes.equals(bytes, $0.key, "hb.request.path") }?.value
        guard let method, let path, !method.isEmpty, !path.isEmpty else { return nil }
        return (method, path)
    }

    /// `range` split into its pairs, the module and where the message starts; nil when it is not that shape.
    static func split(_ bytes: Bytes, _ range: Range<Int>) -> Split? {
        guard let (open, close) = module(bytes, range) else { return nil }
        let metadata = range.lowerBound..<max(range.lowerBound, open - 1)
        var pairs: [(key: Range<Int>, value: Range<Int>)] = []
        var index = metadata.lowerBound
        while index < metadata.upperBound {
            guard pairs.count < maximumPairs, let equals = keyEnd(bytes, from: index, to: metadata.upperBound) else { return nil }
            var valueEnd = equals + 1
            while valueEnd < metadata.upperBound,
                !(bytes[valueEnd] == 0x20 && keyEnd(bytes, from: valueEnd + 1, to: metadata.upperBound) != nil)
            {
                valueEnd += 1
            }
            pairs.append((index..<equals, equals + 1..<valueEnd))
            index = valueEnd + 1
        }
        return Split(pairs: pairs, module: open + 1..<close, messageStart: min(range.upperBound, close + 2))
    }

    /// The first `[Identifier]` at the start of `range` or after a space, followed by a space or the end.
    private static func module(_ bytes: Bytes, _ range: Range<Int>) -> (Int, Int)? {
        var index = range.lowerBound
        while let open = CaptureBytes.find(UInt8(ascii: "["), in: bytes, from: index, to: range.upperBound) {
            index = open + 1
            guard open == range.lowerBound || bytes[open - 1] == 0x20 else { continue }
            var close = open + 1
            while close < range.upperBound, CaptureBytes.isAlnum(bytes[close]) || bytes[close] == UInt8(ascii: "_") { close += 1 }
            guard close > open + 1, close < range.upperBound, bytes[close] == UInt8(ascii: "]"),
                close + 1 == range.upperBound || bytes[close + 1] == 0x20
            else { continue }
            return (open, close)
        }
        return nil
    }

    /// The index of the `=` ending a key (`[A-Za-z0-9._-]+`) that starts at `index`.
    private static func keyEnd(_ bytes: Bytes, from index: Int, to end: Int) -> Int? {
        var cursor = index
        while cursor < end, CaptureBytes.isNameByte(bytes[cursor]) { cursor += 1 }
        return cursor > index && cursor < end && bytes[cursor] == UInt8(ascii: "=") ? cursor : nil
    }
}
