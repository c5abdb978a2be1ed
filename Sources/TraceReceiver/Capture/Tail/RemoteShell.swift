import Foundation

/// Builds the command the ``SSHTailer`` runs on the remote host.
enum RemoteShell {
    /// The first line the remote script prints: this prefix, then the byte offset `tail` starts at.
    static let offsetMarker = "trace-receiver-tail-offset="

    /// `text` quoted for a POSIX shell: in single quotes, each `'` written as `'\''`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// `path` as a shell word: quoted, except that a leading `~/` becomes `"$HOME"/`.
    static func pathWord(_ path: String) -> String {
        if path == "~" { return #""$HOME""# }
        if path.hasPrefix("~/") { return #""$HOME"/"# + quote(String(path.dropFirst(2))) }
        return quote(path)
    }

    /// The remote command: a POSIX `sh` script that measures the file, picks the starting offset,
    /// prints it after ``offsetMarker`` and becomes `tail -c +N -F`.
    ///
    /// - Parameter requestedOffset: where to start, or `nil` for the current end of the file. A requested
    ///   offset beyond the end of the file means the file was rotated or truncated while disconnected,
    ///   so the script starts at 0 instead.
    static func tailCommand(path: String, requestedOffset: UInt64?) -> String {
        let requested = requestedOffset.map(String.init) ?? "-1"
        let script = """
            f=\(pathWord(path)); r=\(requested); \
            s=$(wc -c < "$f" 2>/dev/null | tr -d ' '); [ -n "$s" ] || s=0; \
            if [ "$r" -lt 0 ]; then o=$s; elif [ "$r" -gt "$s" ]; then o=0; else o=$r; fi; \
            echo "\(offsetMarker)$o"; \
            exec tail -c +$((o + 1)) -F "$f"
            """
        return "sh -c " + quote(script)
    }
}
