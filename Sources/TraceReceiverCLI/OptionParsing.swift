import ArgumentParser

/// Parses human-friendly option values: sizes (`64KiB`, `1GiB`, `500MB`, `1024`) and durations
/// (`90s`, `30m`, `12h`, `7d`, `1w`).
enum OptionParsing {
    static func size(_ text: String, option: String) throws -> Int {
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
        ]
        for (suffix, multiplier) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0, value * Double(multiplier) < 1e15 {
                return Int(value * Double(multiplier))
            }
        }
        if let value = Int(text), value > 0 { return value }
        throw ValidationError("\(option): '\(text)' is not a size like 64KiB, 256MiB or 1GiB")
    }

    static func duration(_ text: String, option: String) throws -> Duration {
        let units: [(Character, Int64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        if let last = text.last, let value = Int64(text.dropLast()), value > 0, value < 1_000_000,
            let unit = units.first(where: { $0.0 == last })
        {
            return .seconds(value * unit.1)
        }
        throw ValidationError("\(option): '\(text)' is not a duration like 30m, 12h or 7d")
    }
}
