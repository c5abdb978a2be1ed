import Foundation
import HTTPTypes
import Hummingbird
import RequestTracing
import RequestTracingShipper

/// The browser side of the demo, served by the gateway: the page in `Examples/browser/` (buttons for a
/// successful checkout, one failing downstream, a JavaScript error and an unhandled rejection) and the
/// `request-tracing.js` snippet it uses to tag requests and report failures to the receiver.
///
/// The files are read once at start from the source checkout (the demo runs from it with
/// `swift run demo-server`), so the page served is exactly the example a reader copies.
struct DemoBrowserPage: Sendable {
    /// `Examples/browser/` of the checkout this file was compiled from.
    static let defaultDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/browser").path

    static let files: [(path: String, file: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/request-tracing.js", "request-tracing.js", "text/javascript; charset=utf-8"),
        ("/demo.js", "demo.js", "text/javascript; charset=utf-8"),
        ("/demo.css", "demo.css", "text/css; charset=utf-8"),
    ]

    /// The receiver the page reports to, as `scheme://host[:port]`.
    let receiverOrigin: String
    private let bodies: [String: (contentType: String, bytes: [UInt8])]

    /// Reads the page's files from `directory` and points the page at `receiverURL`.
    init(directory: String = Self.defaultDirectory, receiverURL: String) throws {
        guard let origin = Self.origin(of: receiverURL) else { throw DemoPageError.invalidReceiverURL(receiverURL) }
        receiverOrigin = origin
        var bodies: [String: (String, [UInt8])] = [:]
        for entry in Self.files {
            let path = directory + "/" + entry.file
            guard let data = FileManager.default.contents(atPath: path) else { throw DemoPageError.missingFile(path) }
            var bytes = [UInt8](data)
            if entry.file == "index.html" { bytes = Self.pointing(page: bytes, at: origin) }
            bodies[entry.path] = (entry.contentType, bytes)
        }
        self.bodies = bodies
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        // The page may talk to its own origin and to the receiver, and runs only its own files.
        let policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self' \(receiverOrigin); base-uri 'none'; frame-ancestors 'none'"
        let headers: HTTPFields = [
            .contentSecurityPolicy: policy,
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-cache",
        ]
        for (path, body) in bodies {
            var fields = headers
            fields[.contentType] = body.contentType
            let response = Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.bytes)))
            router.get(RouterPath(path)) { _, _ in response }
        }
    }

    /// `scheme://host[:port]` of a receiver's address (any form ``ReceiverAddress`` reads) at the root of
    /// its host, or `nil`: the page reports to `<origin>/api/frontend-log`, and the origin goes into its
    /// HTML, so the host is held to letters, digits and `-.:[]`.
    static func origin(of text: String) -> String? {
        guard let address = ReceiverAddress(text), !address.hasPathPrefix,
            let url = URL(string: address.baseURL), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]".contains($0)) })
        else { return nil }
        return "\(scheme)://\(host.bracketedIfIPv6)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// The page with its `<meta name="trace-receiver">` (and the link showing it) set to `origin`,
    /// which ``origin(of:)`` has limited to characters that need no escaping in HTML.
    static func pointing(page: [UInt8], at origin: String) -> [UInt8] {
        let placeholder = "http://127.0.0.1:7890"
        return Array(String(decoding: page, as: UTF8.self).replacingOccurrences(of: placeholder, with: origin).utf8)
    }
}

/// Why the demo page could not be set up.
enum DemoPageError: Error, CustomStringConvertible {
    case invalidReceiverURL(String)
    case missingFile(String)

    var description: String {
        switch self {
        case .invalidReceiverURL(let url): "the receiver URL \(url) is not a receiver's address at the root of its host"
        case .missingFile(let path): "the demo page file \(path) is missing (run the demo from its source checkout)"
        }
    }
}
