/// How a ``StructuredLogHandler`` writes each record.
public enum LogFormat: Sendable, Hashable {
    /// One JSON object per line, in the record shape of DESIGN.md. For machines and the receiver.
    case json
    /// One readable line per record, optionally coloured. For people at a terminal.
    case console(colour: Bool)

    /// `console(colour: true)` when `sink` writes to a terminal, `json` otherwise.
    public static func automatic(for sink: any LogSink) -> LogFormat {
        sink.isTerminal ? .console(colour: true) : .json
    }
}
