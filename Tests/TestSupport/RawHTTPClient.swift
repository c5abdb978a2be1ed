import Foundation
import RequestTracing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends raw bytes to 127.0.0.1:`port` and returns everything the server answers until it closes the
/// connection, one complete response has arrived, or `timeoutSeconds` pass. For requests no
/// well-behaved client would send (bare CR in a header, obsolete line folding, invalid UTF-8).
///
/// The blocking socket calls run on a thread of their own (``BlockingThread``): blocking a thread of
/// Swift's small cooperative pool would starve the server under test, whose handlers run on that pool.
///
/// The default wait is long (30 s) because it only ends a wait for an answer that is coming: under the
/// whole suite with three busy loops beside it, a receiver once took over 5 s (the old default) to answer,
/// and the test saw nothing. Pass a short one to test that nothing comes.
public func sendRawHTTP(_ request: [UInt8], port: Int, timeoutSeconds: Int = 30) async throws -> String {
    try await BlockingThread.run { Result { try sendRawHTTPBlocking(request, port: port, timeoutSeconds: timeoutSeconds) } }.get()
}

private func sendRawHTTPBlocking(_ request: [UInt8], port: Int, timeoutSeconds: Int) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RawHTTPError.socket(errno) }
    defer { close(fd) }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = loopbackAddress(port: port)
    let connected = withSocketAddress(&address) { connect(fd, $0, $1) }
    guard connected == 0 else { throw RawHTTPError.connect(errno) }
    var sent = 0
    while sent < request.count {
        let written = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard written > 0 else { throw RawHTTPError.send(errno) }
        sent += written
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if received <= 0 { break }
        response.append(contentsOf: buffer[0..<received])
        // One response is enough: stop once headers and a Content-Length body have arrived.
        if let text = String(validating: response, as: UTF8.self), isComplete(text) { break }
    }
    return String(decoding: response, as: UTF8.self)
}

private func isComplete(_ response: String) -> Bool {
    guard let headerEnd = response.range(of: "\r\n\r\n") else { return false }
    let head = response[..<headerEnd.lowerBound].lowercased()
    guard let lengthLine = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
        let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: " "))
    else { return false }
    return response.utf8.count - response[..<headerEnd.upperBound].utf8.count >= length
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var result = self
        while result.first == set { result = result.dropFirst() }
        while result.last == set { result = result.dropLast() }
        return result
    }
}

public enum RawHTTPError: Error {
    case socket(Int32), connect(Int32), send(Int32)
}
