import Foundation

/// Reading OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) as parsed by
/// `JSONSerialization`: lowerCamelCase keys (the proto's snake_case accepted too), trace and span ids in
/// hex, 64-bit integers as numbers or decimal strings, bytes in base64. Each accessor throws
/// ``OTLPDecodingError`` naming the key when a value has the wrong type.
enum OTLPJSON {
    typealias Object = [String: Any]

    /// The body parsed as a JSON object.
    static func parse(_ body: Data) throws(OTLPDecodingError) -> Object {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: body)
        } catch {
            throw OTLPDecodingError("invalid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription)")
        }
        guard let object = root as? Object else { throw OTLPDecodingError("the body is not a JSON object") }
        return object
    }

    static func object(_ json: Object, _ camel: String, _ snake: String) throws(OTLPDecodingError) -> Object? {
        guard let value = json[camel] ?? json[snake] else { return nil }
        guard let object = value as? Object else { throw OTLPDecodingError("\(camel) is not an object") }
        return object
    }

    static func objects(_ json: Object, _ camel: String, _ snake: String) throws(OTLPDecodingError) -> [Object] {
        guard let value = json[camel] ?? json[snake] else { return [] }
        guard let array = value as? [Any] else { throw OTLPDecodingError("\(camel) is not an array") }
        var objects: [Object] = []
        objects.reserveCapacity(array.count)
        for element in array {
            guard let object = element as? Object else { throw OTLPDecodingError("an element of \(camel) is not an object") }
            objects.append(object)
        }
        return objects
    }

    static func string(_ json: Object, _ camel: String, _ snake: String) throws(OTLPDecodingError) -> String {
        guard let value = json[camel] ?? json[snake] else { return "" }
        guard let text = value as? String else { throw OTLPDecodingError("\(camel) is not a string") }
        return text
    }

    /// A `fixed64` time: a number or a decimal string.
    static func unsigned(_ json: Object, _ camel: String, _ snake: String) throws(OTLPDecodingError) -> UInt64 {
        guard let value = json[camel] ?? json[snake] else { return 0 }
        if let text = value as? String, let number = UInt64(text) { return number }
        // The number's own digits: through a Double, a time in nanoseconds (about 2^60) would lose its end.
        if !isBoolean(value), let number = value as? NSNumber, let exact = UInt64(number.stringValue) { return exact }
        throw OTLPDecodingError("\(camel) is not an unsigned 64-bit integer")
    }

    /// An enum: its number, or its name's index in `names`.
    static func enumeration(_ json: Object, _ camel: String, _ snake: String, names: [String]) throws(OTLPDecodingError) -> UInt64 {
        guard let value = json[camel] ?? json[snake] else { return 0 }
        if let name = value as? String {
            if let number = UInt64(name), number < names.count { return number }
            guard let index = names.firstIndex(of: name) else { throw OTLPDecodingError("\(camel) \(name.prefix(40)) is not one of its values") }
            return UInt64(index)
        }
        guard let number = int64(value), number >= 0, number < names.count else { throw OTLPDecodingError("\(camel) is not 0…\(names.count - 1)") }
        return UInt64(number)
    }

    /// Whether JSONSerialization read `value` from `true` or `false` (its booleans are NSNumbers too).
    static func isBoolean(_ value: Any) -> Bool {
        type(of: value as AnyObject) == type(of: true as NSNumber)
    }

    static func int64(_ value: Any) -> Int64? {
        if let text = value as? String { return Int64(text) }
        if !isBoolean(value), let number = value as? NSNumber { return Int64(number.stringValue) }
        return nil
    }

    /// A trace or span id in hex (OTLP/JSON's exception to base64 for bytes); empty when absent or empty.
    static func hexID(_ json: Object, _ camel: String, _ snake: String, bytes count: Int) throws(OTLPDecodingError) -> [UInt8] {
        let text = try string(json, camel, snake)
        guard !text.isEmpty else { return [] }
        let digits = Array(text.utf8)
        guard digits.count == count * 2 else { throw OTLPDecodingError("\(camel) is not \(count * 2) hex digits") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexDigit(digits[index]), let low = hexDigit(digits[index + 1]) else {
                throw OTLPDecodingError("\(camel) is not \(count * 2) hex digits")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
