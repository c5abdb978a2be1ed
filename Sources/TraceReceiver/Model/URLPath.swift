/// The path of a URL or of an HTTP request target, without its query or fragment, as the middleware
/// records a request's `path`: `https://shop.test/pay?card=1` → `/pay`, `/orders/42?ref=mail` →
/// `/orders/42`, `https://shop.test` → `/`.
enum URLPath {
    static func of(_ target: Substring) -> Substring {
        var text = String(target)
        guard let path = text.withUTF8({ range(in: $0, 0..<$0.count) }) else { return "/" }
        // The bounds are at ASCII bytes (`/`, `?`, `#`, or an end), so they are character boundaries.
        let utf8 = target.utf8
        return target[utf8.index(utf8.startIndex, offsetBy: path.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: path.upperBound)]
    }

    /// ``of(_:)`` of the target at `target` in `bytes` (a captured line's), read on its bytes.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ target: Range<Int>) -> String {
        range(in: bytes, target).map { CaptureBytes.string(bytes, $0) } ?? "/"
    }

    /// Where the path of the target at `target` in `bytes` lies; `nil` when a URL names no path (`/`).
    private static func range(in bytes: UnsafeBufferPointer<UInt8>, _ target: Range<Int>) -> Range<Int>? {
        var start = target.lowerBound
        // A path's query may hold a URL of its own (`/login?next=https://…`): only a target that is not a
        // path has a scheme and a host to skip.
        if start < target.upperBound, bytes[start] != UInt8(ascii: "/"),
            let scheme = CaptureBytes.find("://", in: bytes, from: start, to: target.upperBound)
        {
            guard let slash = CaptureBytes.find(UInt8(ascii: "/"), in: bytes, from: scheme + 3, to: target.upperBound) else { return nil }
            start = slash
        }
        var end = start
        while end < target.upperBound, bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") { end += 1 }
        return start..<end
    }
}
