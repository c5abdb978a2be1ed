import Foundation

/// The time zone in which timestamps written without a zone (`2024-01-01 12:00:00,123`) are read.
///
/// Most programs we capture print local time; a wrapped command runs on the receiver's machine, so the
/// default is the receiver's own zone. Zones without daylight saving time (UTC in most containers) are
/// resolved once; others ask Foundation per timestamp.
struct NaiveTimeZone: Sendable {
    let zone: TimeZone
    private let fixedOffset: Int?

    init(_ zone: TimeZone) {
        self.zone = zone
        self.fixedOffset = zone.nextDaylightSavingTimeTransition == nil ? zone.secondsFromGMT() : nil
    }

    /// Seconds east of UTC for a wall-clock time given as seconds since the epoch read as if UTC.
    func offset(forWallClock seconds: Int64) -> Int {
        if let fixedOffset { return fixedOffset }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }
}
