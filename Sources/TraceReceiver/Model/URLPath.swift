/// The path of a URL or of an HTTP request target, without its query or fragment, as the middleware
/// records a request's `path`: `https://shop.test/pay?card=1` → `/pay`, `/orders/42?ref=mail` →
/// `/orders/42`, `https://shop.test` → `/`.
enum URLPath {
    static func of(_ target: Substring) -> Substring {
        var rest = target
        // A path's query may hold a URL of its own (`/login?next=https://…`): only a target that is not a
        // path has a scheme and a host to skip.
        if rest.first != "/", let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        return rest.prefix { $0 != "?" && $0 != "#" }
    }
}
