#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `127.0.0.1:port` (0: any port) as an IPv4 socket address.
public func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// Calls `body` with `address` seen as a `sockaddr` and its length, for `bind`, `connect` and
/// `getsockname` (which may write the address back).
public func withSocketAddress<T>(
    _ address: inout sockaddr_in, _ body: (UnsafeMutablePointer<sockaddr>, socklen_t) -> T
) -> T {
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read and released), for a server a test
/// starts later.
///
/// Picked at random below the kernel's ephemeral range (32768 and up on Linux): a port from that range
/// can be taken meanwhile by any outgoing connection or `port: 0` listener of the tests running in
/// parallel, which then makes the later server fail with "address already in use".
public func unusedLoopbackPort() throws -> Int {
    for _ in 0..<200 {
        let candidate = Int.random(in: 20_000..<32_768)
        if bindLoopback(port: candidate) == candidate { return candidate }
    }
    guard let port = bindLoopback(port: 0) else { throw NoFreeLoopbackPort() }
    return port
}

/// Binds 127.0.0.1:`port` (0: any), releases it, and returns the port bound, or `nil` when it is taken.
private func bindLoopback(port: Int) -> Int? {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var address = loopbackAddress(port: port)
    guard withSocketAddress(&address, { bind(descriptor, $0, $1) }) == 0 else { return nil }
    let named = withSocketAddress(&address) { pointer, length in
        var length = length
        return getsockname(descriptor, pointer, &length)
    }
    guard named == 0 else { return nil }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Not one loopback port could be bound.
public struct NoFreeLoopbackPort: Error {}
