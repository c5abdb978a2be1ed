import RequestTracing

extension SSHTailer {
    /// Settings of an ``SSHTailer``; every one has a documented default.
    public struct Configuration: Sendable {
        /// Default ``sshExecutable``: `ssh`, looked up on `PATH` (then `/usr/bin/ssh`).
        public static let defaultSSHExecutable = "ssh"
        /// Default ``serverAliveInterval``: 15 s.
        public static let defaultServerAliveInterval = 15
        /// Default ``serverAliveCountMax``: 3.
        public static let defaultServerAliveCountMax = 3
        /// Default ``connectTimeout``: 10 s.
        public static let defaultConnectTimeout = 10
        /// Default ``maximumConsecutiveFailures``: none (retry forever).
        public static let defaultMaximumConsecutiveFailures: Int? = nil
        /// Default ``diagnosticMemory``: 64 distinct messages.
        public static let defaultDiagnosticMemory = 64

        /// Where to start when the tailer has not read anything yet. Default: ``TailStartPosition/end``.
        public var startPosition: TailStartPosition = .end
        /// Options for ssh placed before the destination, such as `["-F", "ssh_config"]`, `["-p", "2222"]`,
        /// `["-i", "key"]` or `["-o", "ProxyJump=bastion"]`. Options that turn off host key checking
        /// are refused.
        public var extraOptions: [String] = []
        /// The ssh client: a name looked up on `PATH`, or a path.
        public var sshExecutable: String = Self.defaultSSHExecutable
        /// `ServerAliveInterval` in seconds: how often ssh checks that the server still answers.
        public var serverAliveInterval: Int = Self.defaultServerAliveInterval
        /// `ServerAliveCountMax`: unanswered checks before ssh gives up on the connection.
        public var serverAliveCountMax: Int = Self.defaultServerAliveCountMax
        /// `ConnectTimeout` in seconds.
        public var connectTimeout: Int = Self.defaultConnectTimeout
        /// Delays between reconnection attempts.
        public var backoff = ReconnectBackoff()
        /// Failed attempts in a row after which the sequence throws ``TailError/sshGaveUp(destination:attempts:diagnostics:)``;
        /// `nil` retries forever. An attempt that reached the remote `tail` resets the count.
        public var maximumConsecutiveFailures: Int? = Self.defaultMaximumConsecutiveFailures
        /// Longest line kept whole, in bytes; longer lines are cut and flagged.
        public var maximumLineLength: Int = FileTailer.Configuration.defaultMaximumLineLength
        /// Bytes read from ssh per system call.
        public var readChunkSize: Int = FileTailer.Configuration.defaultReadChunkSize
        /// Lines read ahead of the consumer at most.
        public var bufferedLineLimit: Int = FileTailer.Configuration.defaultBufferedLineLimit
        /// How many distinct diagnostics are remembered so as to report each once.
        public var diagnosticMemory: Int = Self.defaultDiagnosticMemory
        /// Called with each ``SSHTailerEvent``, on the tailer's thread: return quickly.
        public var onEvent: (@Sendable (SSHTailerEvent) -> Void)?

        /// Creates the default configuration.
        public init() {}

        /// Creates a configuration; unspecified values take their defaults.
        public init(
            startPosition: TailStartPosition = .end,
            extraOptions: [String] = [],
            backoff: ReconnectBackoff = ReconnectBackoff(),
            onEvent: (@Sendable (SSHTailerEvent) -> Void)? = nil
        ) {
            self.startPosition = startPosition
            self.extraOptions = extraOptions
            self.backoff = backoff
            self.onEvent = onEvent
        }

        func validate() throws {
            if serverAliveInterval < 1 { throw TailError.invalidConfiguration("serverAliveInterval must be at least 1 s") }
            if serverAliveCountMax < 1 { throw TailError.invalidConfiguration("serverAliveCountMax must be at least 1") }
            if connectTimeout < 1 { throw TailError.invalidConfiguration("connectTimeout must be at least 1 s") }
            if maximumLineLength < 1 { throw TailError.invalidConfiguration("maximumLineLength must be at least 1") }
            if readChunkSize < 1 { throw TailError.invalidConfiguration("readChunkSize must be at least 1") }
            if bufferedLineLimit < 1 { throw TailError.invalidConfiguration("bufferedLineLimit must be at least 1") }
            if let limit = maximumConsecutiveFailures, limit < 1 {
                throw TailError.invalidConfiguration("maximumConsecutiveFailures must be at least 1")
            }
            for option in extraOptions where Self.turnsOffHostKeyChecking(option) {
                throw TailError.insecureSSHOption(option)
            }
        }

        /// Whether an ssh argument (or `-o` value) turns host key verification off: `StrictHostKeyChecking`
        /// set to `no`/`off`, or `UserKnownHostsFile` set to `/dev/null`, in either `-o` spelling.
        static func turnsOffHostKeyChecking(_ option: String) -> Bool {
            let compact = option.lowercased().filter { !$0.isWhitespace && $0 != "=" && $0 != "\"" }
            return compact.contains("stricthostkeycheckingno") || compact.contains("stricthostkeycheckingoff")
                || compact.contains("userknownhostsfile/dev/null")
        }
    }
}
