extension Duration {
    /// The duration in milliseconds, as a fraction (`1.25` for 1250 µs).
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
