import HTTPTypes

/// Checks the optional token (`--ingest-token`) in constant time.
///
/// With a token set, sending records (`POST /api/logs`, `/api/stream`), the MCP endpoint and every read
/// of records (searches, traces, the request list, live updates) need it. Senders and tools present it
/// as `Authorization: Bearer <token>`; reads may instead carry the ``cookieName`` cookie that opening
/// `/?token=<token>` in a browser sets, so the web page works. `GET /health`, `GET /metrics`, the page's
/// own files and browser reports (`POST /api/frontend-log`, which pages on other origins send and which
/// have their own limits) stay open.
struct IngestAuthorization: Sendable {
    let token: String?

    /// The cookie that lets a browser read.
    static let cookieName = "trace_receiver_token"

    /// Requires the token as a bearer token (sending records, MCP).
    func check(_ headers: HTTPFields) throws(ReceiverError) {
        guard let token else { return }
        guard let presented = Self.bearer(in: headers), Self.constantTimeEqual(presented, token) else {
            throw ReceiverError(
                .unauthorized, "unauthorized", "this receiver requires an ingest token (Authorization: Bearer <token>)",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
    }

    /// Requires the token as a bearer token or in the browser's cookie (reading records).
    func checkRead(_ headers: HTTPFields) throws(ReceiverError) {
        guard let token else { return }
        if let presented = Self.bearer(in: headers), Self.constantTimeEqual(presented, token) { return }
        if let presented = Self.cookie(in: headers), Self.constantTimeEqual(presented, token) { return }
        throw ReceiverError(
            .unauthorized, "unauthorized",
            "this receiver requires its token to read records: send Authorization: Bearer <token> "
                + "(the CLI reads TRACE_RECEIVER_INGEST_TOKEN), or open /?token=<token> once in this browser",
            headers: [.wwwAuthenticate: "Bearer"]
        )
    }

    /// Whether `presented` (from `/?token=`) is the token, so the browser may be given the cookie.
    func accepts(_ presented: String) -> Bool {
        token.map { Self.constantTimeEqual(presented, $0) } ?? false
    }

    /// The `Set-Cookie` value that lets this browser read: the token percent-encoded (a cookie value
    /// may not hold spaces, quotes, commas, semicolons or backslashes), only for this receiver's
    /// pages and never readable by a script.
    func cookie() -> String? {
        guard let token else { return nil }
        return "\(Self.cookieName)=\(Self.percentEncoded(token)); Path=/; HttpOnly; SameSite=Strict"
    }

    private static func bearer(in headers: HTTPFields) -> String? {
        headers[.authorization].flatMap { value in value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil }
    }

    /// The token from the ``cookieName`` cookie, decoded.
    private static func cookie(in headers: HTTPFields) -> String? {
        for field in headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " || $0 == "\t" }
                guard trimmed.hasPrefix(cookieName + "=") else { continue }
                return percentDecoded(trimmed.dropFirst(cookieName.count + 1))
            }
        }
        return nil
    }

    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    /// `text` with `%XX` escapes decoded, or `nil` when an escape is malformed.
    static func percentDecoded(_ text: Substring) -> String? {
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < utf8.count {
            guard utf8[index] == UInt8(ascii: "%") else {
                bytes.append(utf8[index])
                index += 1
                continue
            }
            guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) else { return nil }
            bytes.append(high << 4 | low)
            index += 3
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let (lhs, rhs) = (Array(lhs.utf8), Array(rhs.utf8))
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }
}
