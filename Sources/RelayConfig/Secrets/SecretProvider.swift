import Logging
import RelayAWSCore
import RelayCore
import RelayHTTP
import Synchronization

/// Holds every secret a configuration references, in memory only (never in the state store, logs,
/// metrics or messages), and keeps them current.
///
/// * Environment and file references are read while the file is loaded; Secrets Manager references
///   by ``resolve(transport:clock:signingClock:logger:)`` before anything is built. A reference that
///   cannot be read then is a configuration error naming the key and the reference.
/// * Every file and Secrets Manager secret is re-read each ``SecretsConfiguration/refreshInterval``
///   (``SecretRefreshService``) and at once when a remote party rejects it (at most once a second
///   per secret); a changed value is used from the next request on.
/// * At run time a failed read keeps the last good value, is logged, and is retried with backoff
///   (5 s doubling, at most the refresh interval).
public final class SecretProvider: Sendable {
    /// What `ccrelay check` shows of one secret (never its value).
    public struct Status: Sendable, Equatable {
        public var reference: SecretReference
        /// The YAML keys that use it (`sinks.splunk.token`).
        public var usedBy: [String]
        /// Secrets Manager's `VersionId` of the value in use.
        public var version: String?
        /// The modification time of the file the value in use was read from.
        public var modified: Timestamp?
        /// The last read's failure, when it failed (the previous value stays in use).
        public var lastError: String?
    }

    struct Entry: Sendable {
        var reference: SecretReference
        var usedBy: [String] = []
        var value: String?
        var version: String?
        var modified: Timestamp?
        var lastRead: WallInstant?
        /// The last read prompted by a rejection (those are at most one a second).
        var lastPromptedRead: WallInstant?
        var failures = 0
        var nextRefresh: WallInstant?
        var lastError: String?
    }

    struct State: Sendable {
        var order: [SecretReference] = []
        var entries: [SecretReference: Entry] = [:]
        var settings = SecretsConfiguration()
        var allowInline = false
        /// Keys whose value must be at least so many bytes (receiver keys, the HMAC key).
        var minimums: [MinimumLength] = []
        /// Where Secrets Manager's credentials come from (the default chain, read with the file).
        var awsCredentialSource: AWSCredentialSource?
        /// Made from the source at the first Secrets Manager read, then kept (it caches temporary credentials).
        var awsCredentials: (any AWSCredentialProvider)?
        var defaultRegion: String?
        var transport = HTTPTransport()
        var clock: any WallClock = SystemClock()
        var signingClock: any WallClock = SystemClock()
        var logger = Logger(label: "ccrelay.secrets", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Shortest time between two reads of one secret prompted by rejections.
    static let minimumRereadGap: Duration = .seconds(1)
    /// First wait after a failed read; doubles up to the refresh interval.
    static let initialBackoff: Duration = .seconds(5)

    let interpolation: Interpolation
    let state = Mutex(State())

    /// An empty provider reading references through `interpolation`.
    public init(interpolation: Interpolation = Interpolation()) {
        var interpolation = interpolation
        interpolation.secrets = nil
        self.interpolation = interpolation
    }

    /// The `secrets:` settings in force.
    public var settings: SecretsConfiguration { state.withLock { $0.settings } }

    /// Whether `allow_inline_secrets: true` was set.
    public var allowsInlineSecrets: Bool { state.withLock { $0.allowInline } }

    /// Whether any secret can change while running (a file or Secrets Manager reference).
    public var hasRotatingSecrets: Bool { state.withLock { $0.order.contains(where: \.rotates) } }

    /// Every referenced secret in the order the file first uses them.
    public var statuses: [Status] {
        state.withLock { state in
            state.order.compactMap { state.entries[$0] }.map {
                Status(
                    reference: $0.reference, usedBy: $0.usedBy, version: $0.version, modified: $0.modified,
                    lastError: $0.lastError)
            }
        }
    }

    /// The value in use for `reference`, `nil` before it was first read.
    func value(of reference: SecretReference) -> String? {
        state.withLock { $0.entries[reference]?.value }
    }

    /// Records that the key at `path` uses `template` and returns its credential. Environment and
    /// file references are read now; each failure is returned as a message naming the reference.
    func register(_ template: SecretTemplate, written: String, at path: String) -> (Credential, [String]) {
        var failures: [String] = []
        for reference in template.references {
            let known = state.withLock { state -> Bool in
                if state.entries[reference] == nil {
                    state.order.append(reference)
                    state.entries[reference] = Entry(reference: reference)
                }
                if state.entries[reference]?.usedBy.contains(path) == false {
                    state.entries[reference]?.usedBy.append(path)
                }
                return state.entries[reference]?.value != nil
            }
            if known { continue }
            if case .awsSecretsManager = reference.kind { continue }
            switch interpolation.read(reference) {
            case .success(let value) where value.isEmpty:
                failures.append("\(reference) is empty")
            case .success(let value):
                var modified: Timestamp?
                if case .file(let filePath) = reference.kind { modified = interpolation.fileModified(filePath) }
                state.withLock { state in
                    state.entries[reference]?.value = value
                    state.entries[reference]?.modified = modified
                }
            case .failure(let failure):
                failures.append(failure.message)
            }
        }
        return (
            Credential(reference: written, source: TemplateCredentialSource(provider: self, template: template)),
            failures
        )
    }

    /// Sets what run-time reads use and schedules the first refresh of every secret read so far;
    /// the runtime calls it with its own clock and logger.
    public func use(transport: HTTPTransport, clock: any WallClock, logger: Logger) {
        state.withLock { state in
            state.transport = transport
            state.clock = clock
            state.logger = logger
            for reference in state.order where state.entries[reference]?.value != nil {
                if state.entries[reference]?.nextRefresh == nil {
                    state.entries[reference]?.nextRefresh = clock.now.advanced(by: state.settings.refreshInterval)
                }
            }
        }
    }

    /// Reads every secret not read yet (Secrets Manager references) and schedules refreshes.
    /// - Parameter signingClock: times AWS signatures (AWS refuses a skewed clock). Default the system clock.
    /// - Throws: a ``ConfigError`` with one problem per key whose reference cannot be read.
    public func resolve(
        transport: HTTPTransport = HTTPTransport(), clock: any WallClock = SystemClock(),
        signingClock: any WallClock = SystemClock(), logger: Logger
    ) async throws(ConfigError) {
        use(transport: transport, clock: clock, logger: logger)
        state.withLock { $0.signingClock = signingClock }
        let fetcher = self.fetcher
        var problems: [ConfigProblem] = []
        for entry in state.withLock({ state in state.order.compactMap { state.entries[$0] } }) {
            if entry.value != nil {
                schedule(entry.reference, lastRead: clock.now)
                continue
            }
            switch await fetcher.read(entry.reference) {
            case .success(let reading):
                store(reading, for: entry.reference, at: clock.now)
                problems += shortValues(if: entry.reference, reads: reading.value).map {
                    ConfigProblem(path: $0.path, message: "\(entry.reference): \(Self.tooShort($0.minimumBytes))")
                }
            case .failure(let failure):
                for path in entry.usedBy {
                    problems.append(
                        ConfigProblem(path: path, message: "cannot resolve \(entry.reference): \(failure.message)"))
                }
            }
        }
        if !problems.isEmpty { throw ConfigError(problems: problems) }
    }

    /// Re-reads `references` now, unless a rejection already prompted a read less than a second ago.
    func reread(_ references: [SecretReference]) async {
        for reference in references where reference.rotates {
            let due = state.withLock { state -> Bool in
                let now = state.clock.now
                if let last = state.entries[reference]?.lastPromptedRead, last.advanced(by: Self.minimumRereadGap) > now
                {
                    return false
                }
                state.entries[reference]?.lastPromptedRead = now
                return true
            }
            if due { await refresh(reference, prompted: true) }
        }
    }

    /// Re-reads every secret whose refresh time has come.
    public func refreshDue() async {
        let due = state.withLock { state in
            state.order.filter { reference in
                guard reference.rotates, let next = state.entries[reference]?.nextRefresh else { return false }
                return next <= state.clock.now
            }
        }
        for reference in due { await refresh(reference, prompted: false) }
    }

    /// When the next scheduled re-read is due; `nil` when nothing rotates or nothing was read yet.
    public var nextRefresh: WallInstant? {
        state.withLock { state in state.order.compactMap { $0.rotates ? state.entries[$0]?.nextRefresh : nil }.min() }
    }

    private var fetcher: SecretsFetcher {
        state.withLock { state in
            if state.awsCredentials == nil, let source = state.awsCredentialSource {
                state.awsCredentials = source.provider(
                    transport: state.transport, clock: state.signingClock, logger: state.logger,
                    readFile: interpolation.readFile)
            }
            return SecretsFetcher(
                interpolation: interpolation, settings: state.settings.aws, awsCredentials: state.awsCredentials,
                defaultRegion: state.defaultRegion, transport: state.transport, signingClock: state.signingClock)
        }
    }

    private func refresh(_ reference: SecretReference, prompted: Bool) async {
        var result = await fetcher.read(reference)
        if case .success(let reading) = result, let short = shortValues(if: reference, reads: reading.value).first {
            result = .failure(
                .init(
                    message:
                        "the new value of \(reference) is too short for \(short.path): \(Self.tooShort(short.minimumBytes))"
                ))
        }
        let (now, logger, interval) = state.withLock { ($0.clock.now, $0.logger, $0.settings.refreshInterval) }
        switch result {
        case .success(let reading):
            if store(reading, for: reference, at: now) {
                logger.notice(
                    "Secret changed; the new value is in use from the next request",
                    metadata: [
                        "ccrelay.secret": "\(reference)",
                        "ccrelay.secret_version": "\(reading.version ?? reading.modified?.iso8601 ?? "-")",
                        "ccrelay.prompted_by_rejection": "\(prompted)",
                    ])
            }
        case .failure(let failure):
            let backoff = state.withLock { state -> Duration in
                var entry = state.entries[reference] ?? Entry(reference: reference)
                entry.failures += 1
                entry.lastError = failure.message
                let exponent = min(entry.failures - 1, 20)
                let backoff = min(Self.initialBackoff * (1 << exponent), interval)
                entry.nextRefresh = now.advanced(by: backoff)
                state.entries[reference] = entry
                return backoff
            }
            logger.warning(
                "Secret could not be re-read; the last good value stays in use",
                metadata: [
                    "ccrelay.secret": "\(reference)", "ccrelay.error": "\(failure.message)",
                    "ccrelay.retry_in_secs": "\(backoff.seconds)",
                ])
        }
    }

    /// Stores a successful read; true when the value changed.
    @discardableResult
    private func store(_ reading: SecretReading, for reference: SecretReference, at now: WallInstant) -> Bool {
        state.withLock { state in
            var entry = state.entries[reference] ?? Entry(reference: reference)
            let changed = entry.value != nil && entry.value != reading.value
            entry.value = reading.value
            entry.version = reading.version
            entry.modified = reading.modified
            entry.lastRead = now
            entry.failures = 0
            entry.lastError = nil
            entry.nextRefresh = now.advanced(by: state.settings.refreshInterval)
            state.entries[reference] = entry
            return changed
        }
    }

    private func schedule(_ reference: SecretReference, lastRead: WallInstant) {
        state.withLock { state in
            state.entries[reference]?.lastRead = lastRead
            state.entries[reference]?.nextRefresh = lastRead.advanced(by: state.settings.refreshInterval)
        }
    }
}

/// A credential whose value is a template over provider-held secrets.
struct TemplateCredentialSource: CredentialSource {
    let provider: SecretProvider
    let template: SecretTemplate

    var currentValue: String { template.render { provider.value(of: $0) } ?? "" }

    func reread(afterRejecting value: String) async -> Bool {
        await provider.reread(template.references)
        return currentValue != value
    }
}
