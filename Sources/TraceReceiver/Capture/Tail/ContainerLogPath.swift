/// The service a container's log file belongs to, read from where container runtimes keep those files,
/// whose names alone say little (`0.log`, or a 64-digit container id):
///
/// - Kubernetes, `/var/log/containers/POD_NAMESPACE_CONTAINER-ID.log` → `CONTAINER`;
/// - Kubernetes, `/var/log/pods/NAMESPACE_POD_UID/CONTAINER/0.log` → `CONTAINER`;
/// - Docker, `/var/lib/docker/containers/ID/ID-json.log` → the short id Docker shows (12 digits).
///
/// ```swift
/// ContainerLogPath.service(forPath: "/var/log/pods/shop_checkout-7d9f_0a1b/api/0.log")   // "api"
/// ```
public enum ContainerLogPath {
    /// The container's name (its short id for Docker), or `nil` when `path` is not laid out as a
    /// container runtime lays out its log files.
    public static func service(forPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, let file = parts.last else { return nil }
        let directory = parts[parts.count - 2]
        if file.hasSuffix("-json.log"), isContainerID(file.dropLast("-json.log".count)), directory == file.dropLast("-json.log".count) {
            return String(directory.prefix(12))
        }
        if directory == "containers", file.hasSuffix(".log") {
            // POD_NAMESPACE_CONTAINER-ID.log: pod and namespace names cannot hold `_`; a container name
            // cannot either, and the id is the last `-` part.
            let stem = file.dropLast(".log".count)
            let fields = stem.split(separator: "_", omittingEmptySubsequences: false)
            guard fields.count == 3, let dash = fields[2].lastIndex(of: "-"), isContainerID(fields[2][fields[2].index(after: dash)...]) else {
                return nil
            }
            let container = fields[2][..<dash]
            return container.isEmpty ? nil : String(container)
        }
        if parts.count >= 4, parts[parts.count - 4] == "pods", file.hasSuffix(".log"), file.dropLast(".log".count).allSatisfy(\.isNumber),
            parts[parts.count - 3].split(separator: "_", omittingEmptySubsequences: false).count == 3
        {
            return String(directory)
        }
        return nil
    }

    /// 64 lowercase hexadecimal digits.
    private static func isContainerID(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }
}
