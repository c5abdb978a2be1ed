/// Splits a request body into records: NDJSON (one object per line; blank lines ignored but counted)
/// or a JSON array of objects (elements numbered from 1). Every record is decoded independently, so
/// one bad record is reported by number and the others are kept.
struct BatchDecoder: Sendable {
    var record: RecordDecoder

    func decode(_ body: UnsafeBufferPointer<UInt8>, now: Int64) -> DecodedBatch {
        var batch = DecodedBatch()
        var scanner = JSONScanner(body)
        if scanner.peek() == UInt8(ascii: "[") {
            decodeArray(&scanner, now: now, into: &batch)
        } else {
            decodeLines(body, now: now, into: &batch)
        }
        return batch
    }

    /// Decodes the elements of `[{…},{…}]`. An element nested too deeply is rejected alone; any other
    /// syntax error ends the array: elements before it are kept and the error is reported against the
    /// element where it happened.
    private func decodeArray(_ scanner: inout JSONScanner, now: Int64, into batch: inout DecodedBatch) {
        _ = scanner.consume(UInt8(ascii: "["))
        if scanner.consume(UInt8(ascii: "]")) { return trailing(&scanner, element: 1, into: &batch) }
        var element = 1
        while true {
            do throws(JSONSyntaxError) {
                scanner.skipWhitespace()
                let elementStart = scanner.index
                let decoded: Result<LogRecord, RecordRejection>
                do throws(JSONSyntaxError) {
                    if scanner.peek() == UInt8(ascii: "{") {
                        decoded = try record.decodeObject(&scanner, now: now)
                    } else {
                        _ = try scanner.scanValue()
                        decoded = .failure(RecordRejection("not a JSON object"))
                    }
                } catch where error.isNestingLimit {
                    scanner.index = elementStart
                    try scanner.skipUnchecked()
                    batch.reject(line: element, reason: "invalid JSON: \(error.reason)")
                    if scanner.consume(UInt8(ascii: "]")) { return trailing(&scanner, element: element + 1, into: &batch) }
                    try scanner.expect(UInt8(ascii: ","), "',' or ']'")
                    element += 1
                    continue
                }
                // Decoded before its size is known; the body limit bounds that work.
                let length = scanner.index - elementStart
                if length > record.maximumRecordBytes {
                    batch.reject(line: element, reason: "record is \(length) bytes; the limit is \(record.maximumRecordBytes)")
                } else {
                    append(decoded, line: element, into: &batch)
                }
                if scanner.consume(UInt8(ascii: "]")) { return trailing(&scanner, element: element + 1, into: &batch) }
                try scanner.expect(UInt8(ascii: ","), "',' or ']'")
            } catch {
                batch.reject(line: element, reason: "invalid JSON: \(error.reason); the rest of the array was not read")
                return
            }
            element += 1
        }
    }

    private func trailing(_ scanner: inout JSONScanner, element: Int, into batch: inout DecodedBatch) {
        scanner.skipWhitespace()
        if !scanner.isAtEnd { batch.reject(line: element, reason: "unexpected data after the JSON array") }
    }

    private func decodeLines(_ body: UnsafeBufferPointer<UInt8>, now: Int64, into batch: inout DecodedBatch) {
        var lineNumber = 0
        var start = 0
        let count = body.count
        batch.records.reserveCapacity(count / 200)
        while start < count {
            lineNumber += 1
            var end = start
            if let base = body.baseAddress, let found = memchr(base + start, 0x0A, count - start) {
                end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            } else {
                end = count
            }
            var lineEnd = end
            if lineEnd > start, body[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: body[start..<lineEnd])
            if !Self.isBlank(line) {
                append(record.decode(line, now: now), line: lineNumber, into: &batch)
            }
            start = end + 1
        }
    }

    private func append(_ result: consuming Result<LogRecord, RecordRejection>, line: Int, into batch: inout DecodedBatch) {
        switch consume result {  // moves the record into the batch rather than copying it
        case .success(let record): batch.records.append(record)
        case .failure(let rejection): batch.reject(line: line, reason: rejection.reason)
        }
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
