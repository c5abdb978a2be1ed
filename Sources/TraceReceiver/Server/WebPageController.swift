import Hummingbird

/// `GET /`: the web page (a live request list and a per-request view with a span waterfall), and the
/// script and style it loads from `/ui/`. Plain files embedded at build time from `Web/`; no build
/// step, no CDN.
///
/// With a token set, `GET /?token=<token>` gives the browser the cookie that lets the page read records
/// (``IngestAuthorization``) and sends it on to `/`, so the token does not stay in the address bar.
struct WebPageController: Sendable {
    static let assets = [
        WebAsset(path: "/", contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
        WebAsset(path: "/ui/app.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.app_js),
        WebAsset(path: "/ui/app.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.app_css),
    ]

    let authorization: IngestAuthorization

    func register(on router: Router<ReceiverRequestContext>) {
        for asset in Self.assets {
            router.get(RouterPath(asset.path)) { request, _ in
                if asset.path == "/", let presented = request.uri.queryParameters["token"] {
                    return try signIn(String(presented))
                }
                return asset.response(to: request)
            }
        }
    }

    /// The cookie and a redirect to `/` for the right token; 401 for a wrong one (or when the receiver
    /// has no token, so nothing is set).
    private func signIn(_ presented: String) throws -> Response {
        guard authorization.accepts(presented), let cookie = authorization.cookie() else {
            throw ReceiverError(.unauthorized, "unauthorized", "that is not this receiver's token")
        }
        var headers = WebAsset.securityHeaders
        headers[.location] = "/"
        headers[.setCookie] = cookie
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }
}
