import CompressNIO
import HTTPTypes
import NIOCore

/// A request body's `Content-Encoding`: none, `gzip` or `deflate` (the zlib format, RFC 9110 §8.4.1),
/// as log shippers such as Vector, Fluent Bit and OpenTelemetry collectors send them.
///
/// Any other coding is refused with 415 and `Accept-Encoding` naming the ones we read, rather than the
/// compressed bytes being taken for records and every line rejected.
enum ContentCoding: Sendable, Equatable {
    case identity, gzip, deflate

    /// What `Accept-Encoding` says in a 415 answer.
    static let accepted = "gzip, deflate"

    /// The coding `header` names (case-insensitive; absent or `identity` is none). The HTTP parser has
    /// already stripped the whitespace around a field's value.
    init(header: String?) throws(ReceiverError) {
        let name = header?.lowercased() ?? ""
        switch name {
        case "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        default:
            // The name is echoed only when it is a plain token.
            let shown = name.count <= 32 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } ? " \(name)" : ""
            throw ReceiverError(
                .unsupportedMediaType, "unsupported_encoding",
                "Content-Encoding\(shown) is not supported; send the body as it is, or with gzip or deflate",
                headers: [.acceptEncoding: Self.accepted]
            )
        }
    }

    /// The body decoded, refusing (413) one that decodes to more than `limit` bytes and (400) one that
    /// is not valid in its coding, is cut short, or has bytes after its end.
    func decode(_ body: ByteBuffer, limit: Int) throws(ReceiverError) -> ByteBuffer {
        let algorithm: CompressionAlgorithm
        switch self {
        case .identity: return body
        case .gzip: algorithm = .gzip()
        case .deflate: algorithm = .zlib()
        }
        var input = body
        let decoded: ByteBuffer
        do {
            decoded = try input.decompress(with: algorithm, maxSize: limit)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw ReceiverError(.contentTooLarge, "body_too_large", "request body decodes to more than the limit of \(limit) bytes")
        } catch {
            throw invalid("is not valid \(self) data, or is cut short")
        }
        guard input.readableBytes == 0 else { throw invalid("has \(input.readableBytes) bytes after the end of its \(self) data") }
        guard isWhole(decoded, encoded: body) else { throw invalid("is cut short") }
        return decoded
    }

    /// Whether `decoded` is all that `encoded` holds. zlib stops without complaint where its input ends,
    /// so a body cut short decodes to a prefix of the records; the stream's trailer tells (gzip: the
    /// decoded size modulo 2³², RFC 1952; zlib: the Adler-32 checksum of the decoded bytes, RFC 1950). A
    /// whole stream's trailer has already been checked by zlib, so this only catches the cut ones.
    private func isWhole(_ decoded: ByteBuffer, encoded: ByteBuffer) -> Bool {
        guard encoded.readableBytes >= (self == .gzip ? 18 : 6),
            let trailer = encoded.getBytes(at: encoded.writerIndex - 4, length: 4)
        else { return false }
        switch self {
        case .identity:
            return true
        case .gzip:
            let size = trailer.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return size == UInt32(truncatingIfNeeded: decoded.readableBytes)
        case .deflate:
            let checksum = trailer.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return checksum == decoded.withUnsafeReadableBytes(Self.adler32)
        }
    }

    /// The Adler-32 checksum of `bytes` (RFC 1950 §9).
    static func adler32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var (a, b): (UInt32, UInt32) = (1, 0)
        var start = 0
        while start < bytes.count {
            // 5,552 bytes is the most that can be summed before `b` could overflow 32 bits.
            let end = min(start + 5552, bytes.count)
            for byte in bytes[start..<end] {
                a &+= UInt32(byte)
                b &+= a
            }
            a %= 65521
            b %= 65521
            start = end
        }
        return b << 16 | a
    }

    private func invalid(_ problem: String) -> ReceiverError {
        ReceiverError(.badRequest, "invalid_encoding", "the body sent as Content-Encoding: \(self) \(problem)")
    }
}
