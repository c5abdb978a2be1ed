extension String {
    /// Calls `body` with the string's UTF-8 bytes, read in place when the string is stored as contiguous
    /// UTF-8 (every native string): no copy and no retain. Only other strings (bridged ones, say) are
    /// copied first. The bytes are valid only during the call.
    @inlinable @inline(__always)
    package func withContiguousUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
