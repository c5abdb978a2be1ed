/// The prefix that a process multiplexer writes before each line of the programs it runs, naming the
/// service the line came from:
///
/// - docker compose: `api-1  | …` (Compose v1: `api_1  | …`);
/// - foreman and honcho: `12:00:00 web.1  | …`;
/// - overmind and hivemind: `web | …`;
/// - `kubectl logs --prefix`: `[pod/api-7d9f8-x2k4q/api] …`, naming the pod and the container;
/// - concurrently and npm-run-all (`--print-label`): `[api] …`, or `[0] …` (a process number, which names
///   no service);
/// - Turborepo: `web:dev: …` (the package, then the task; a scoped package's service is its name
///   without the scope: `@acme/web:build: …` is `web`).
///
/// A name is letters, digits, `_`, `.` and `-` (at most ``maximumNameLength``). In the `NAME | ` form it is
/// followed by at least one space, then `|` and one space (or the end of the line, for an empty line), and a
/// trailing `-N`, `_N` or `.N` is the replica (Compose's `--scale`, foreman's process number), not part
/// of the service. A bracketed or Turborepo name that is a level (`[INFO] …`, `INFO:root: …`) is no
/// prefix, nor is a bracketed date or a number of more than ``maximumProcessNumberDigits`` digits.
///
/// ```swift
/// let prefix = ServicePrefix.parse(bytes)   // "worker-2  | job done"
/// // prefix?.service == "worker", prefix?.replica == 2, bytes[prefix!.contentStart...] == "job done"
/// ```
struct ServicePrefix: Equatable, Sendable {
    /// Longest name read as a service (Compose's own limit on a container name is 63 characters after
    /// its project prefix).
    static let maximumNameLength = 64
    /// Most digits of a replica number.
    static let maximumReplicaDigits = 4
    /// Most digits of concurrently's process number (`[0]`).
    static let maximumProcessNumberDigits = 3

    /// The name as written, replica included (`api-1`): it tells one process's lines from another's.
    let name: String
    /// The name without its replica number (`api`); `nil` when the prefix is only a process number
    /// (concurrently's `[0]`): the line keeps the service it would have without a prefix.
    let service: String?
    /// The replica number, when the name ends with one.
    let replica: Int?
    /// Where the program's own line starts, after the prefix.
    let contentStart: Int
    /// The pod, for a line `kubectl logs --prefix` wrote (the container is the service).
    var pod: String? = nil

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ServicePrefix? {
        if CaptureBytes.hasPrefix(bytes, at: 0, "[pod/") { return kubectl(bytes) }
        if CaptureBytes.hasPrefix(bytes, at: 0, "[") { return bracketed(bytes) }
        return barred(bytes) ?? turborepo(bytes)
    }

    /// `NAME | `, after foreman's time.
    private static func barred(_ bytes: UnsafeBufferPointer<UInt8>) -> ServicePrefix? {
        var index = 0
        // foreman and honcho lead with the time the line was read: `HH:MM:SS `.
        if bytes.count > 9, isClock(bytes), bytes[8] == UInt8(ascii: " ") { index = 9 }
        let nameStart = index
        guard index < bytes.count, CaptureBytes.isAlnum(bytes[index]) else { return nil }
        while index < bytes.count, CaptureBytes.isNameByte(bytes[index]) {
            index += 1
            guard index - nameStart <= maximumNameLength else { return nil }
        }
        let nameEnd = index
        guard index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return nil }
        index = CaptureBytes.skipSpaces(bytes, from: index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "|") else { return nil }
        index += 1
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: " ") else { return nil }
            index += 1
        }
        let (serviceEnd, replica) = replicaSuffix(bytes, nameStart..<nameEnd)
        return ServicePrefix(
            name: CaptureBytes.string(bytes, nameStart..<nameEnd),
            service: CaptureBytes.string(bytes, nameStart..<serviceEnd),
            replica: replica,
            contentStart: index
        )
    }

    /// `[pod/POD/CONTAINER] ` (Kubernetes names: lower-case letters, digits, `-` and `.`).
    private static func kubectl(_ bytes: UnsafeBufferPointer<UInt8>) -> ServicePrefix? {
        let podStart = 5
        var index = podStart
        while index < bytes.count, CaptureBytes.isNameByte(bytes[index]), index - podStart < maximumKubernetesNameLength { index += 1 }
        guard index > podStart, index < bytes.count, bytes[index] == UInt8(ascii: "/") else { return nil }
        let podEnd = index
        let containerStart = index + 1
        index = containerStart
        while index < bytes.count, CaptureBytes.isNameByte(bytes[index]), index - containerStart < maximumNameLength { index += 1 }
        guard index > containerStart, index < bytes.count, bytes[index] == UInt8(ascii: "]") else { return nil }
        let containerEnd = index
        index += 1
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: " ") else { return nil }
            index += 1
        }
        return ServicePrefix(
            name: CaptureBytes.string(bytes, 1..<containerEnd),
            service: CaptureBytes.string(bytes, containerStart..<containerEnd),
            replica: nil,
            contentStart: index,
            pod: CaptureBytes.string(bytes, podStart..<podEnd)
        )
    }

    /// `[NAME] ` (concurrently, npm-run-all): a name that is not a level, or a process number.
    private static func bracketed(_ bytes: UnsafeBufferPointer<UInt8>) -> ServicePrefix? {
        let nameStart = 1
        var index = nameStart
        while index < bytes.count, CaptureBytes.isNameByte(bytes[index]) {
            index += 1
            guard index - nameStart <= maximumNameLength else { return nil }
        }
        let name = nameStart..<index
        guard !name.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "]") else { return nil }
        index += 1
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: " ") else { return nil }
            index += 1
        }
        let isNumber = name.allSatisfy { CaptureBytes.isDigit(bytes[$0]) }
        if isNumber {
            guard name.count <= maximumProcessNumberDigits else { return nil }
        } else {
            guard CaptureBytes.isAlpha(bytes[name.lowerBound]), CaptureBytes.level(bytes, name) == nil else { return nil }
        }
        let text = CaptureBytes.string(bytes, name)
        return ServicePrefix(name: text, service: isNumber ? nil : text, replica: nil, contentStart: index)
    }

    /// `PACKAGE:TASK: ` (Turborepo): a package name (`@scope/` allowed) that is not a level, then a task
    /// (which may hold colons: `web:dev:watch: `).
    private static func turborepo(_ bytes: UnsafeBufferPointer<UInt8>) -> ServicePrefix? {
        var index = 0
        guard index < bytes.count, CaptureBytes.isAlpha(bytes[index]) || bytes[index] == UInt8(ascii: "@") else { return nil }
        var serviceStart = 0
        while index < bytes.count, CaptureBytes.isNameByte(bytes[index]) || bytes[index] == UInt8(ascii: "@") || bytes[index] == UInt8(ascii: "/") {
            if bytes[index] == UInt8(ascii: "/") { serviceStart = index + 1 }
            index += 1
            guard index <= maximumNameLength else { return nil }
        }
        let package = 0..<index
        guard serviceStart < index, index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        guard CaptureBytes.level(bytes, package) == nil else { return nil }
        index += 1
        let taskStart = index
        while index < bytes.count, CaptureBytes.isNameByte(bytes[index]) || bytes[index] == UInt8(ascii: ":") {
            index += 1
            guard index - taskStart <= maximumNameLength + 1 else { return nil }
        }
        // The task ends at the last colon, which a space or the end of the line follows.
        guard index - taskStart >= 2, bytes[index - 1] == UInt8(ascii: ":"), bytes[taskStart] != UInt8(ascii: ":") else { return nil }
        let taskEnd = index - 1
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: " ") else { return nil }
            index += 1
        }
        let service = CaptureBytes.string(bytes, serviceStart..<package.upperBound)
        return ServicePrefix(name: CaptureBytes.string(bytes, 0..<taskEnd), service: service, replica: nil, contentStart: index)
    }

    /// Longest pod name read (Kubernetes allows 253 characters).
    static let maximumKubernetesNameLength = 253

    /// Where the service part of `name` ends, and the replica number after it (`-N`, `_N`, `.N`).
    private static func replicaSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> (Int, Int?) {
        var index = name.upperBound
        while index > name.lowerBound, CaptureBytes.isDigit(bytes[index - 1]) { index -= 1 }
        let digits = index..<name.upperBound
        guard (1...maximumReplicaDigits).contains(digits.count), index - 1 > name.lowerBound,
            [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ".")].contains(bytes[index - 1]),
            let replica = CaptureBytes.integer(bytes, digits)
        else { return (name.upperBound, nil) }
        return (index - 1, Int(replica))
    }

    /// `HH:MM:SS` at the start.
    private static func isClock(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in [0, 1, 3, 4, 6, 7] where !CaptureBytes.isDigit(bytes[index]) { return false }
        return bytes[2] == UInt8(ascii: ":") && bytes[5] == UInt8(ascii: ":")
    }
}
