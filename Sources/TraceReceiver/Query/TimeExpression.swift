/// Reads `since`/`until` parameters: a span back from now (`45s`, `30m`, `1h`, `2d`, `1w`) or an
/// RFC 3339 timestamp. Returns microseconds since the epoch.
enum TimeExpression {
    static func parse(_ text: String, now: Int64) -> Int64? {
        if let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0, amount < 1_000_000 {
            let seconds: Int64? =
                switch unit {
                case "s": amount
                case "m": amount * 60
                case "h": amount * 3600
                case "d": amount * 86_400
                case "w": amount * 604_800
                default: nil
                }
            if let seconds { return now - seconds * 1_000_000 }
        }
        return RecordTime.parse(Array(text.utf8))
    }
}
