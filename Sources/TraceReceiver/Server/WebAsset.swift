import HTTPTypes
import Hummingbird
import NIOCore

/// One file of the web page, embedded in the binary (no files to install beside it), with the
/// headers it is served with and an entity tag for revalidation.
struct WebAsset: Sendable {
    let path: String
    let contentType: String
    let body: ByteBuffer
    let etag: String

    init(path: String, contentType: String, bytes: [UInt8]) {
        self.path = path
        self.contentType = contentType
        self.body = ByteBuffer(bytes: bytes)
        var hasher = StableHasher()
        bytes.withUnsafeBufferPointer { hasher.combine(bytes: $0) }
        self.etag = "\"" + String(hasher.finalize(), radix: 16) + "\""
    }

    /// The asset, or 304 when `request` already holds this version.
    func response(to request: Request) -> Response {
        var headers = WebAsset.securityHeaders
        headers[.contentType] = contentType
        headers[.eTag] = etag
        // Revalidate every time: a new receiver build must never be shown with an old script.
        headers[.cacheControl] = "no-cache"
        if let held = request.headers[.ifNoneMatch], held.split(separator: ",").contains(where: { $0.trimmingSpaces == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// The page runs only its own script and style and talks only to this receiver; the data it shows
    /// (log lines from anywhere) is inserted as text, and this policy is the second fence.
    static let contentSecurityPolicy = [
        "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'", "connect-src 'self'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: contentSecurityPolicy,
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
    ]
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}

extension HTTPField.Name {
    /// Not among swift-http-types' names (its `contentSecurityPolicy` and `xContentTypeOptions` are).
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
