/// Removes the ANSI escape sequences that loggers write on a terminal (colours, bold, hyperlinks).
enum ANSIEscapes {
    private static let escape: UInt8 = 0x1B
    private static let bell: UInt8 = 0x07

    /// Whether `bytes` contain an escape character at all (the common case is no).
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains(escape)
    }

    /// `bytes` without CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`) and two-byte escapes.
    static func strip(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            guard byte == escape else {
                out.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < count else { break }
            switch bytes[index] {
            case UInt8(ascii: "["):
                index += 1
                // Parameter and intermediate bytes, then one final byte in 0x40–0x7E.
                while index < count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                while index < count {
                    if bytes[index] == bell {
                        index += 1
                        break
                    }
                    if bytes[index] == escape, index + 1 < count, bytes[index + 1] == UInt8(ascii: "\\") {
                        index += 2
                        break
                    }
                    index += 1
                }
            default:
                index += 1
            }
        }
        return out
    }
}
