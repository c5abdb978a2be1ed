/// Where a tailer starts reading a file it has no checkpoint for.
public enum TailStartPosition: Sendable, Hashable {
    /// Only lines appended after the tailer starts, like `tail -f` (the default).
    case end
    /// Every line already in the file, then the ones appended.
    case beginning
}
