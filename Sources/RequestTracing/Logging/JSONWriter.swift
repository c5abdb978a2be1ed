import Logging

/// Appends JSON text to a byte buffer: escaped strings, numbers, and metadata values.
///
/// Strings are escaped per RFC 8259: `"` and `\` are backslash-escaped, every control character below
/// U+0020 becomes `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, and U+2028/U+2029 are escaped so a line is
/// also safe to embed in JavaScript. Swift strings are always valid UTF-8 (invalid input bytes were
/// repaired to U+FFFD when the string was made), so the output is valid UTF-8 too.
///
/// The writer is built for the logging hot path: it writes into one contiguous buffer through a raw
/// pointer. Every write first calls ``reserve(_:)`` for the bytes it is about to store, which moves the
/// contents to a larger heap buffer when they would not fit, so stores never run past ``capacity``. A
/// writer can start in borrowed storage (a stack buffer from `withUnsafeTemporaryAllocation`), which
/// makes a typical line free of heap allocations; see ``withTemporaryWriter(_:)``. It is noncopyable
/// so that the heap buffer it may own has exactly one owner, freed in `deinit`.
package struct JSONWriter: ~Copyable {
    /// Deepest metadata nesting written as JSON; deeper values are written as their description.
    static let maximumDepth = 32
    /// Size of the stack buffer ``withTemporaryWriter(_:)`` starts in; typical log lines fit.
    static let temporaryCapacity = 1024

    private var start: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count: Int
    /// Bytes that fit before the writer must move to a larger buffer.
    private(set) var capacity: Int
    /// Whether `start` is a heap buffer this writer allocated (and must free).
    private var ownsStorage: Bool

    /// A writer over a heap buffer of its own.
    package init(capacity: Int = 512) {
        let capacity = max(capacity, 16)
        self.start = .allocate(capacity: capacity)
        self.count = 0
        self.capacity = capacity
        self.ownsStorage = true
    }

    /// A writer that starts in `storage`, which must stay valid for the writer's lifetime; it moves to a
    /// heap buffer of its own if a line outgrows `storage`.
    init(borrowing storage: UnsafeMutableBufferPointer<UInt8>) {
        if let base = storage.baseAddress, storage.count >= 16 {
            self.start = base
            self.capacity = storage.count
            self.ownsStorage = false
        } else {
            self.start = .allocate(capacity: 512)
            self.capacity = 512
            self.ownsStorage = true
        }
        self.count = 0
    }

    deinit {
        if ownsStorage { start.deallocate() }
    }

    /// Runs `body` with a writer that starts in a stack buffer of ``temporaryCapacity`` bytes.
    static func withTemporaryWriter<Result>(_ body: (inout JSONWriter) throws -> Result) rethrows -> Result {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: temporaryCapacity) { storage in
            var writer = JSONWriter(borrowing: storage)
            return try body(&writer)
        }
    }

    /// A copy of the bytes written so far.
    package var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: start, count: count))
    }

    /// Calls `body` with the bytes written so far; they are valid only during the call.
    package func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: count))
    }

    // MARK: Raw bytes

    /// Makes room for `extra` more bytes, so the next `extra` bytes can be stored unchecked.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if capacity &- count < extra { grow(toFit: extra) }
    }

    @inline(never)
    private mutating func grow(toFit extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let newStart = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStart.initialize(from: start, count: count)
        if ownsStorage { start.deallocate() }
        start = newStart
        capacity = newCapacity
        ownsStorage = true
    }

    /// Stores one byte after a ``reserve(_:)`` that covered it.
    @inline(__always)
    private mutating func store(_ value: UInt8) {
        start[count] = value
        count &+= 1
    }

    @inline(__always)
    package mutating func byte(_ value: UInt8) {
        reserve(1)
        store(value)
    }

    @inline(__always)
    package mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        reserve(buffer.count)
        (start + count).update(from: base, count: buffer.count)
        count &+= buffer.count
    }

    @inline(__always)
    package mutating func append(_ buffer: UnsafeRawBufferPointer) {
        append(buffer.assumingMemoryBound(to: UInt8.self))
    }

    /// Appends bytes that need no escaping (already-encoded JSON, or ASCII known to be safe).
    @inline(__always)
    package mutating func raw(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the UTF-8 of `text` as it is, without quotes or escaping.
    ///
    /// Labelled so that a string literal passed to `raw` is a `StaticString` (a literal would otherwise
    /// prefer `String`, and be retained and released at every call).
    package mutating func raw(contentsOf text: String) {
        text.withContiguousUTF8 { append($0) }
    }

    /// Appends `count` bytes written by `body` into reserved space; `body` must fill all of them.
    @inline(__always)
    package mutating func appendFixed(count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(count)
        body(start + self.count)
        self.count &+= count
    }

    // MARK: JSON values

    /// Writes `,"key":` (or `"key":` when `first`).
    package mutating func key(_ key: String, first: Bool = false) {
        if !first { byte(UInt8(ascii: ",")) }
        string(key)
        byte(UInt8(ascii: ":"))
    }

    /// Writes a quoted, escaped string.
    package mutating func string(_ value: String) {
        byte(UInt8(ascii: "\""))
        escaped(value)
        byte(UInt8(ascii: "\""))
    }

    /// Writes `value` escaped, without quotes (for strings assembled from several parts).
    mutating func escaped(_ value: String) {
        value.withContiguousUTF8 { escape($0) }
    }

    /// Writes a quoted, escaped string from its UTF-8 bytes (which must be valid UTF-8).
    package mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        escape(utf8)
        byte(UInt8(ascii: "\""))
    }

    /// Copies `utf8` escaped, eight bytes at a time: each word is tested for bytes that may need escaping
    /// (SWAR, ``bytesToEscape(in:)``) and stored whole; the write position then advances past the bytes
    /// before the first flagged one, and only that byte is looked at on its own.
    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        var index = 0
        while index < count {
            let remaining = count &- index
            let word = remaining >= 8 ? Self.word(at: base + index) : Self.paddedWord(at: base + index, count: remaining)
            let mask = Self.bytesToEscape(in: word)
            // The lowest flagged byte is exactly the first one to look at; bytes after it that are stored
            // here are overwritten by what follows.
            let clean = mask == 0 ? min(remaining, 8) : mask.trailingZeroBitCount &>> 3
            reserve(8)
            UnsafeMutableRawPointer(start + self.count).storeBytes(of: word.littleEndian, as: UInt64.self)
            self.count &+= clean
            index &+= clean
            guard mask != 0 else { continue }
            let byte = base[index]
            switch byte {
            case 0xE2:
                // U+2028 (E2 80 A8) and U+2029 (E2 80 A9) are escaped; any other character starting E2 is not.
                if index &+ 2 < count, base[index &+ 1] == 0x80, base[index &+ 2] & 0xFE == 0xA8 {
                    raw(base[index &+ 2] == 0xA8 ? "\\u2028" : "\\u2029")
                    index &+= 3
                    continue
                }
                self.byte(byte)
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            default:
                raw("\\u00")
                reserve(2)
                store(Hex.digit(UInt64(byte >> 4)))
                store(Hex.digit(UInt64(byte & 0xF)))
            }
            index &+= 1
        }
    }

    /// The eight bytes at `pointer`, the first one lowest.
    @inline(__always)
    private static func word(at pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    /// The `count` (1...7) bytes at `pointer`, the first one lowest, padded above with `A`s (which need no
    /// escaping); read in pieces of four, two and one bytes, never past the end.
    @inline(__always)
    private static func paddedWord(at pointer: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(pointer)
        var word: UInt64 = 0
        var offset = 0
        if count & 4 != 0 {
            word = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            offset = 4
        }
        if count & 2 != 0 {
            word |= UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) << (offset &* 8)
            offset &+= 2
        }
        if count & 1 != 0 {
            word |= UInt64(raw.load(fromByteOffset: offset, as: UInt8.self)) << (offset &* 8)
        }
        return word | (0x4141_4141_4141_4141 << (count &* 8))
    }

    /// The high bit of each byte of `word` that a JSON string must escape (below 0x20, `"`, `\\`) or that
    /// may start U+2028/U+2029 (0xE2). As in ``specialBytes(in:)``, bits above a flagged byte may be false
    /// positives, but the lowest flagged byte is always a real one.
    @inline(__always)
    static func bytesToEscape(in word: UInt64) -> UInt64 {
        controlQuoteOrBackslash(in: word) | bytes(0xE2, in: word)
    }

    /// The high bit of each byte of `word` that is below 0x20, `"`, `\\` or not ASCII (SWAR test, after
    /// "Bit Twiddling Hacks"). Bits above a flagged byte may be false positives, but the lowest flagged
    /// byte is always a real one.
    @inlinable @inline(__always)
    package static func specialBytes(in word: UInt64) -> UInt64 {
        controlQuoteOrBackslash(in: word) | (word & 0x8080_8080_8080_8080)
    }

    /// The high bit of each byte of `word` that is below 0x20, `"` or `\\`: the bytes every JSON string
    /// escapes (false positives possible above a flagged byte, as for ``bytes(_:in:)``).
    @usableFromInline @inline(__always)
    static func controlQuoteOrBackslash(in word: UInt64) -> UInt64 {
        let below0x20 = (word &- 0x0101_0101_0101_0101 &* 0x20) & ~word & 0x8080_8080_8080_8080
        return below0x20 | bytes(UInt8(ascii: "\""), in: word) | bytes(UInt8(ascii: "\\"), in: word)
    }

    /// The high bit of each byte of `word` equal to `byte`: a byte of `word ^ c` is zero exactly where
    /// `word` has byte `c`, and subtracting one from each byte sets the high bit of the zero ones. A borrow
    /// can flag bytes above a real match, never below one, so the lowest flagged byte is always real.
    @usableFromInline @inline(__always)
    static func bytes(_ byte: UInt8, in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & 0x8080_8080_8080_8080
    }

    /// Writes an integer.
    package mutating func integer(_ value: some BinaryInteger) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            unsigned(UInt64(value.magnitude))
        } else {
            unsigned(UInt64(value))
        }
    }

    /// Writes an unsigned integer's decimal digits.
    mutating func unsigned(_ value: UInt64) {
        var digitCount = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digitCount &+= 1
        }
        appendFixed(count: digitCount) { out in
            var value = value
            var index = digitCount &- 1
            while index >= 0 {
                out[index] = UInt8(truncatingIfNeeded: value % 10) &+ UInt8(ascii: "0")
                value /= 10
                index &-= 1
            }
        }
    }

    /// Writes a finite number with up to three decimals (trailing zeros trimmed); non-finite values,
    /// which JSON cannot represent, are written as `null`.
    package mutating func decimal(_ value: Double) {
        guard value.isFinite else {
            raw("null")
            return
        }
        guard abs(value) < 1e15 else {
            raw(contentsOf: value.description)
            return
        }
        let scaled = (value * 1000).rounded()
        let thousandths = Int64(scaled)
        if thousandths < 0 { byte(UInt8(ascii: "-")) }
        let magnitude = thousandths.magnitude
        unsigned(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            reserve(4)
            store(UInt8(ascii: "."))
            var divisor: UInt64 = 100
            while fraction != 0 {
                store(UInt8(truncatingIfNeeded: fraction / divisor) &+ UInt8(ascii: "0"))
                fraction %= divisor
                divisor /= 10
            }
        }
    }

    /// Writes `value` as `count` (at most 16) lowercase hex digits, unquoted.
    mutating func hex(_ value: UInt64, digits count: Int) {
        appendFixed(count: count) { Hex.write(value, digits: count, to: $0) }
    }

    /// Writes a metadata value: strings as strings, numbers and booleans as JSON numbers and booleans,
    /// arrays and dictionaries as JSON (to ``maximumDepth``), anything else as its description.
    mutating func metadataValue(_ value: Logger.MetadataValue, depth: Int = 0) {
        switch value {
        case .string(let string):
            self.string(string)
        case .stringConvertible(let convertible):
            scalar(convertible)
        case .array(let values):
            guard depth < Self.maximumDepth else { return string(value.description) }
            byte(UInt8(ascii: "["))
            var first = true
            for element in values {
                if !first { byte(UInt8(ascii: ",")) }
                first = false
                metadataValue(element, depth: depth + 1)
            }
            byte(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            guard depth < Self.maximumDepth else { return string(value.description) }
            byte(UInt8(ascii: "{"))
            var first = true
            for (key, element) in dictionary {
                self.key(key, first: first)
                first = false
                metadataValue(element, depth: depth + 1)
            }
            byte(UInt8(ascii: "}"))
        }
    }

    /// Numbers and booleans become JSON numbers and booleans; anything else its quoted description.
    private mutating func scalar(_ value: any CustomStringConvertible & Sendable) {
        scalar(opened: value)
    }

    /// The value's type is compared by identity, and once it is known to be `T` the value's bytes are
    /// read as a `T` (sound, as the types are equal), which avoids a dynamic cast per value.
    private mutating func scalar<Value: CustomStringConvertible & Sendable>(opened value: Value) {
        let type = Value.self
        if type == Int.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: Int.self) })
        } else if type == Double.self {
            decimal(withUnsafeBytes(of: value) { $0.loadUnaligned(as: Double.self) })
        } else if type == Bool.self {
            withUnsafeBytes(of: value) { $0.loadUnaligned(as: Bool.self) } ? raw("true") : raw("false")
        } else if type == UInt.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: UInt.self) })
        } else if type == Int64.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: Int64.self) })
        } else if type == UInt64.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: UInt64.self) })
        } else if type == Int32.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: Int32.self) })
        } else if type == UInt32.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: UInt32.self) })
        } else if type == Int16.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: Int16.self) })
        } else if type == UInt16.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: UInt16.self) })
        } else if type == UInt8.self {
            integer(withUnsafeBytes(of: value) { $0.loadUnaligned(as: UInt8.self) })
        } else if type == Float.self {
            decimal(Double(withUnsafeBytes(of: value) { $0.loadUnaligned(as: Float.self) }))
        } else {
            string(value.description)
        }
    }
}
