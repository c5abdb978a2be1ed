import Logging

extension Logger.Level {
    /// ``init(alias:)`` over UTF-8 bytes. The canonical lowercase names (what our own handler writes)
    /// are matched without making a `String`.
    init?(aliasUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        for (name, level) in Self.canonicalNames where name.utf8CodeUnitCount == bytes.count {
            if name.withUTF8Buffer({ $0.elementsEqual(bytes) }) {
                self = level
                return
            }
        }
        self.init(alias: String(decoding: bytes, as: UTF8.self))
    }

    private static let canonicalNames: [(StaticString, Logger.Level)] = [
        ("info", .info), ("debug", .debug), ("warning", .warning), ("error", .error), ("notice", .notice),
        ("trace", .trace), ("critical", .critical),
    ]

    /// Parses a level name in any case, or one of the usual aliases: `warn`, `err`, `crit`,
    /// `fatal`/`panic`/`emergency`/`alert` → critical, `information` and `log` (NestJS) → info, `verbose` → debug.
    /// Numeric text is read with ``init(number:)``.
    init?(alias text: some StringProtocol) {
        switch text.lowercased() {
        case "trace", "trc", "finest": self = .trace
        case "debug", "dbg", "verbose", "fine": self = .debug
        case "info", "information", "informational", "inf", "log": self = .info
        case "notice": self = .notice
        case "warning", "warn", "wrn": self = .warning
        case "error", "err", "eror", "severe": self = .error
        case "critical", "crit", "fatal", "panic", "emergency", "emerg", "alert": self = .critical
        default:
            guard let number = Int(text) else { return nil }
            self.init(number: number)
        }
    }

    /// Reads a numeric level: pino's levels (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal)
    /// when the number is a multiple of ten from 10 to 60, Monolog's (PHP: 100 debug, 200 info, 250
    /// notice, 300 warning, 400 error, 500 critical, 550 alert, 600 emergency), otherwise an
    /// OpenTelemetry severity number (1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal).
    init?(number: Int) {
        switch number {
        case 100: self = .debug
        case 200: self = .info
        case 250: self = .notice
        case 300: self = .warning
        case 400: self = .error
        case 500, 550, 600: self = .critical
        case 10: self = .trace
        case 20: self = .debug
        case 30: self = .info
        case 40: self = .warning
        case 50: self = .error
        case 60: self = .critical
        case 1...4: self = .trace
        case 5...8: self = .debug
        case 9...12: self = .info
        case 13...16: self = .warning
        case 17...20: self = .error
        case 21...24: self = .critical
        default: return nil
        }
    }
}
