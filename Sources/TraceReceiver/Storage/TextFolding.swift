import Foundation
import RequestTracing

/// Folds text for matching as the SQLite store's FTS5 index does (lowercase, without diacritics:
/// "Ångström" → "angstrom"), fast enough for the memory store to fold every record a search reads.
///
/// Foundation's `folding(options:locale:)` takes 2–3 µs for a sentence here, which over a million
/// records is seconds. This folds by a table made once with it, for the scripts that have case or
/// diacritics folded by the index (Latin, IPA, Greek, Cyrillic, Armenian, Latin Extended Additional);
/// other characters (CJK, for one) are kept as they are.
enum TextFolding {
    private static let ranges: [ClosedRange<UInt32>] = [0x80...0x58F, 0x1E00...0x1EFF]

    /// The folded UTF-8 of every scalar in ``ranges``, one after another: scalar `i`'s is
    /// `bytes[ends[i - 1]..<ends[i]]`. Each is folded after a letter, as it stands in text: a combining
    /// mark alone is kept by Foundation, but removed after a letter.
    private static let table: (bytes: [UInt8], ends: [Int32]) = {
        var bytes: [UInt8] = []
        var ends: [Int32] = []
        for value in ranges.joined() {
            if let scalar = Unicode.Scalar(value) {
                let folded = Array(("a" + String(scalar)).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).utf8)
                bytes += folded.first == UInt8(ascii: "a") ? folded.dropFirst() : folded[...]
            }
            ends.append(Int32(bytes.count))
        }
        return (bytes, ends)
    }()

    /// `text` (valid UTF-8) folded.
    static func folded(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        table.bytes.withUnsafeBufferPointer { bytes in
            table.ends.withUnsafeBufferPointer { ends in
                var index = 0
                while index < text.count {
                    let lead = text[index]
                    if lead < 0x80 {
                        output.append(lead &- UInt8(ascii: "A") < 26 ? lead | 0x20 : lead)
                        index += 1
                        continue
                    }
                    let length = min(lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2, text.count - index)
                    var value = UInt32(lead & (0xFF >> (length + 1)))
                    for offset in 1..<max(length, 1) { value = value << 6 | UInt32(text[index + offset] & 0x3F) }
                    if let slot = slot(of: value) {
                        var byte = slot == 0 ? 0 : Int(ends[slot - 1])
                        while byte < Int(ends[slot]) {
                            output.append(bytes[byte])
                            byte += 1
                        }
                    } else {
                        output.append(contentsOf: text[index..<index + length])
                    }
                    index += length
                }
            }
        }
        return output
    }

    /// `text` folded.
    static func folded(_ text: String) -> [UInt8] {
        text.withContiguousUTF8 { folded($0) }
    }

    /// The table index of `value` (not ASCII), or `nil` when it is outside ``ranges``.
    @inline(__always)
    private static func slot(of value: UInt32) -> Int? {
        // ``ranges``, spelled out: this runs for every character that is not ASCII.
        if value <= 0x58F { return Int(value &- 0x80) }
        if value &- 0x1E00 <= 0xFF { return 0x510 + Int(value &- 0x1E00) }
        return nil
    }
}
