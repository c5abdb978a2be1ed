/// Puts back together a long line that a container runtime stored in parts (Docker splits every 16 KiB,
/// CRI runtimes mark parts `P`), one line per input stream and container stream.
///
/// A line grows to at most ``maximumBytes``; the rest of it is left out and counted. A line whose parts
/// stop coming (the container died mid-line) is completed as it is by ``flush(idleSince:)``.
struct ContainerLineAssembler {
    /// Whose parts go together: one input stream (a tailed file, a child's stdout) and, in it, the
    /// container's stdout or stderr.
    struct Key: Hashable {
        var stream: Int
        var container: ContainerLogEnvelope.Stream
    }

    /// A whole line.
    struct Line {
        var content: [UInt8]
        /// The time of its first part.
        var time: Int64
        /// Bytes left out over ``maximumBytes`` (or already cut from a part before it got here).
        var skippedBytes: Int
        /// Where its latest part was read, when the reader names its lines (a replay that re-reads the last
        /// part gives the line the same name, whether or not it re-reads the first).
        var origin: CaptureOrigin? = nil
    }

    private struct Pending {
        var line: Line
        var lastPart: ContinuousClock.Instant
    }

    /// Longest line kept.
    let maximumBytes: Int
    private var pending: [Key: Pending] = [:]

    init(maximumBytes: Int) {
        self.maximumBytes = max(1, maximumBytes)
    }

    /// Whether no line is waiting for more parts.
    var isEmpty: Bool { pending.isEmpty }

    /// Adds one envelope read from `stream`; returns the whole line once its last part is in.
    mutating func add(_ envelope: ContainerLogEnvelope, stream: Int, skippedBytes: Int = 0, origin: CaptureOrigin? = nil) -> Line? {
        let key = Key(stream: stream, container: envelope.stream)
        var line = pending.removeValue(forKey: key)?.line ?? Line(content: [], time: envelope.time, skippedBytes: 0)
        let room = maximumBytes - line.content.count
        if envelope.content.count <= room {
            line.content.append(contentsOf: envelope.content)
        } else {
            var cut = max(0, room)
            // Not inside a UTF-8 sequence.
            while cut > 0, envelope.content[cut] & 0xC0 == 0x80 { cut -= 1 }
            line.content.append(contentsOf: envelope.content[..<cut])
            line.skippedBytes += envelope.content.count - cut
        }
        line.skippedBytes += skippedBytes
        line.origin = origin
        guard envelope.isPartial else { return line }
        pending[key] = Pending(line: line, lastPart: .now)
        return nil
    }

    /// Completes the lines whose last part came before `instant` (all of them by default), as they are.
    mutating func flush(idleSince instant: ContinuousClock.Instant = .now) -> [(key: Key, line: Line)] {
        let idle = pending.filter { $0.value.lastPart <= instant }
        for key in idle.keys { pending[key] = nil }
        return idle.map { ($0.key, $0.value.line) }.sorted { $0.line.time < $1.line.time }
    }
}
