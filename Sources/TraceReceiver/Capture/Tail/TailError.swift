/// Why a ``FileTailer`` or an ``SSHTailer`` stopped, or could not save a checkpoint.
public enum TailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// A system call on the followed file failed (other than the file not existing, which is waited for).
    case fileAccess(path: String, operation: String, errno: Int32)
    /// The checkpoint state could not be read or written.
    case checkpointStorage(path: String, reason: String)
    /// A remote target is not of the form `[USER@]HOST:PATH`.
    case invalidRemoteTarget(String)
    /// An extra ssh option would turn off host key checking, which the tailer refuses.
    case insecureSSHOption(String)
    /// The `ssh` client could not be started.
    case sshUnavailable(path: String, reason: String)
    /// The server's host key is unknown or has changed; ssh refused to connect.
    case sshHostKeyVerificationFailed(destination: String, diagnostics: String)
    /// The server refused every authentication method ssh tried.
    case sshAuthenticationFailed(destination: String, diagnostics: String)
    /// The remote side could not run the tail command (exit status 126 or 127).
    case remoteCommandFailed(destination: String, status: Int32, diagnostics: String)
    /// ssh failed more times in a row than the configured limit.
    case sshGaveUp(destination: String, attempts: Int, diagnostics: String)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidConfiguration: "invalid_configuration"
        case .fileAccess: "file_access"
        case .checkpointStorage: "checkpoint_storage"
        case .invalidRemoteTarget: "invalid_remote_target"
        case .insecureSSHOption: "insecure_ssh_option"
        case .sshUnavailable: "ssh_unavailable"
        case .sshHostKeyVerificationFailed: "ssh_host_key_verification_failed"
        case .sshAuthenticationFailed: "ssh_authentication_failed"
        case .remoteCommandFailed: "remote_command_failed"
        case .sshGaveUp: "ssh_gave_up"
        }
    }

    /// A sentence for a person.
    public var description: String {
        switch self {
        case .invalidConfiguration(let problem):
            return "invalid tail configuration: \(problem)"
        case .fileAccess(let path, let operation, let errno):
            return "\(operation) \(path) failed: \(SystemFile.describe(errno: errno))"
        case .checkpointStorage(let path, let reason):
            return "tail checkpoint \(path): \(reason)"
        case .invalidRemoteTarget(let text):
            return "'\(text)' is not a remote file; expected [USER@]HOST:PATH"
        case .insecureSSHOption(let option):
            return "refusing ssh option '\(option)': it turns off host key checking"
        case .sshUnavailable(let path, let reason):
            return "cannot run ssh (\(path)): \(reason)"
        case .sshHostKeyVerificationFailed(let destination, let diagnostics):
            return "host key verification failed for \(destination): add its key to known_hosts "
                + "(ssh said: \(Self.trimmed(diagnostics)))"
        case .sshAuthenticationFailed(let destination, let diagnostics):
            return "ssh authentication to \(destination) failed (ssh said: \(Self.trimmed(diagnostics)))"
        case .remoteCommandFailed(let destination, let status, let diagnostics):
            return "the tail command could not run on \(destination) (status \(status)): \(Self.trimmed(diagnostics))"
        case .sshGaveUp(let destination, let attempts, let diagnostics):
            return "ssh to \(destination) failed \(attempts) times in a row; giving up (last: \(Self.trimmed(diagnostics)))"
        }
    }

    private static func trimmed(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefixWhitespace() }
        return lines.isEmpty ? "nothing" : lines.joined(separator: " / ")
    }
}

extension Substring {
    fileprivate func trimmingPrefixWhitespace() -> Substring {
        drop(while: { $0 == " " || $0 == "\t" })
    }
}
