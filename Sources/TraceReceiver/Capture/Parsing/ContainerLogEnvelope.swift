/// A line as a container runtime stores a container's output, around the line the program printed:
///
/// - Docker's `json-file` driver (`/var/lib/docker/containers/ID/ID-json.log`):
///   `{"log":"GET /health 200\n","stream":"stdout","time":"2026-11-30T10:00:04.123456789Z"}`, with an
///   optional `attrs` object (`--log-opt labels=…`). A `log` without its final line feed is part of a
///   longer line, which Docker splits every 16 KiB.
/// - The CRI format of containerd and CRI-O (Kubernetes' `/var/log/containers/*.log` and
///   `/var/log/pods/…`): `2026-11-30T10:00:05.123456789Z stderr F the line`, where the tag `P` marks a
///   part of a longer line and `F` its last (or only) part.
///
/// Both shapes are exact enough to be recognised on any captured line: a program's own output does not
/// look like them by chance.
///
/// ```swift
/// let envelope = ContainerLogEnvelope.parse(bytes)   // "2026-11-30T10:00:05Z stderr F boom"
/// // envelope?.content == "boom", envelope?.stream == .stderr, envelope?.isPartial == false
/// ```
struct ContainerLogEnvelope: Equatable, Sendable {
    /// The container's output stream that the line was written to.
    enum Stream: UInt8, Sendable {
        case stdout = 1
        case stderr = 2
    }

    /// The program's line, without the line feed that ends it.
    var content: [UInt8]
    var stream: Stream
    /// When the runtime read the line, in microseconds since the Unix epoch.
    var time: Int64
    /// Whether more of the same line follows in the next envelope of the same stream.
    var isPartial: Bool

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ContainerLogEnvelope? {
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "{") { return docker(bytes) }
        if JSONScanner.isDigit(first) { return cri(bytes) }
        return nil
    }

    // MARK: CRI

    /// `TIME STREAM TAGS CONTENT`; TAGS is `F` or `P`, possibly followed by further `:`-separated tags
    /// (the format reserves them).
    private static func cri(_ bytes: UnsafeBufferPointer<UInt8>) -> ContainerLogEnvelope? {
        // The shortest RFC 3339 time, `2026-11-30T10:00:05Z`, is 20 bytes.
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[10] | 0x20 == UInt8(ascii: "t") else { return nil }
        guard let timeEnd = bytes[20...].firstIndex(of: UInt8(ascii: " ")) else { return nil }
        // The stream first: many loggers start their lines with an RFC 3339 time too, but not with this.
        var index = timeEnd + 1
        let stream: Stream
        if CaptureBytes.hasPrefix(bytes, at: index, "stdout ") {
            stream = .stdout
        } else if CaptureBytes.hasPrefix(bytes, at: index, "stderr ") {
            stream = .stderr
        } else {
            return nil
        }
        guard let time = RecordTime.parse(UnsafeBufferPointer(rebasing: bytes[0..<timeEnd])) else { return nil }
        index += 7
        let tagsStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
        let tags = bytes[tagsStart..<index]
        guard let tag = tags.first, tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P"),
            tags.count == 1 || tags[tagsStart + 1] == UInt8(ascii: ":")
        else { return nil }
        // One space separates the tags from the content, which may itself start with spaces.
        let contentStart = min(index + 1, bytes.count)
        return ContainerLogEnvelope(
            content: Array(bytes[contentStart...]),
            stream: stream,
            time: time,
            isPartial: tag == UInt8(ascii: "P")
        )
    }

    // MARK: Docker json-file

    private struct DockerMembers: JSONMemberSink {
        var log: JSONScanner.Value?
        var stream: Stream?
        var time: JSONScanner.Value?
        /// A member other than `log`, `stream`, `time` and `attrs`, or one of those of the wrong kind.
        var foreign = false

        mutating func take(_ key: JSONScanner.Value, _ value: JSONScanner.Value, in scanner: JSONScanner) {
            guard case .string(hasEscapes: false) = key.kind else {
                foreign = true
                return
            }
            let isString = if case .string = value.kind { true } else { false }
            if scanner.bytes(key.contentRange, equal: "log"), isString {
                log = value
            } else if scanner.bytes(key.contentRange, equal: "time"), isString {
                time = value
            } else if scanner.bytes(key.contentRange, equal: "stream"), isString {
                if scanner.bytes(value.contentRange, equal: "stdout") {
                    stream = .stdout
                } else if scanner.bytes(value.contentRange, equal: "stderr") {
                    stream = .stderr
                } else {
                    foreign = true
                }
            } else if scanner.bytes(key.contentRange, equal: "attrs"), value.kind == .object {
                // Labels and environment variables the container was started with (`--log-opt`).
            } else {
                foreign = true
            }
        }
    }

    private static func docker(_ bytes: UnsafeBufferPointer<UInt8>) -> ContainerLogEnvelope? {
        // Docker writes `log` first: anything else is some program's own JSON, not worth a full scan.
        guard CaptureBytes.hasPrefix(bytes, at: 0, #"{"log":""#) else { return nil }
        var scanner = JSONScanner(bytes)
        var members = DockerMembers()
        do {
            try scanner.scanObject(depth: 1, into: &members)
        } catch {
            return nil
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd, !members.foreign, let log = members.log, let stream = members.stream, let timeValue = members.time,
            let time = RecordTime.parse(UnsafeBufferPointer(rebasing: bytes[timeValue.contentRange]))
        else { return nil }
        var content = Array(scanner.string(log).utf8)
        let isPartial = content.last != UInt8(ascii: "\n")
        if !isPartial {
            content.removeLast()
            if content.last == UInt8(ascii: "\r") { content.removeLast() }
        }
        return ContainerLogEnvelope(content: content, stream: stream, time: time, isPartial: isPartial)
    }
}
