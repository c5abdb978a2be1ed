/// Where a record came from.
public enum RecordSource: String, Sendable, Hashable, CaseIterable {
    /// Streamed or posted by a service using the RequestTracing library (or any structured logger).
    case backend
    /// Reported by a browser through `POST /api/frontend-log`.
    case frontend
    /// A line read from a wrapped command, a followed file or an SSH tail.
    case capture

    /// Stable small integer used as the SQLite column value.
    var code: Int {
        switch self {
        case .backend: 0
        case .frontend: 1
        case .capture: 2
        }
    }

    init?(code: Int) {
        switch code {
        case 0: self = .backend
        case 1: self = .frontend
        case 2: self = .capture
        default: return nil
        }
    }
}
