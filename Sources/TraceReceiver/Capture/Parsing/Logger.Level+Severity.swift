import Logging

extension Logger.Level {
    /// The more severe of two levels.
    func atLeast(_ other: Logger.Level) -> Logger.Level { rank >= other.rank ? self : other }
}
