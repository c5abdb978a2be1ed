import Hummingbird

/// `GET /`: the web page (a live request list and a per-request view with a span waterfall), and the
/// script and style it loads from `/ui/`. Plain files embedded at build time from `Web/`; no build
/// step, no CDN.
struct WebPageController: Sendable {
    static let assets = [
        WebAsset(path: "/", contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
        WebAsset(path: "/ui/app.js", contentType: "text/javascript; charset=utf-8", bytes: PackageResources.app_js),
        WebAsset(path: "/ui/app.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.app_css),
    ]

    func register(on router: Router<ReceiverRequestContext>) {
        for asset in Self.assets {
            router.get(RouterPath(asset.path)) { request, _ in asset.response(to: request) }
        }
    }
}
