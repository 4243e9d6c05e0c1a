import RelayCore

/// Configuration of a file sink (`type: file`): NDJSON of the normalized events, rotated by size
/// and age.
public struct FileSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// The file written to. Its folder (and any missing parent) is created `0700` at start. Rotated files are renamed
    /// `<path>.<UTC time, e.g. 20260101T000000.000Z>` (`.gz` appended when compressed).
    public var path: String
    /// Rotate before a write would grow the file past this many bytes. Default 104,857,600 (100 MiB).
    public var maxBytes: Int
    /// Rotate before writing to a file opened at least this long ago (on the injected clock);
    /// `nil` never rotates by age. An idle sink rotates at its next write. Default 24 h.
    public var maxAge: Duration?
    /// gzip rotated files (the file being written is never compressed). Default true.
    public var compressRotated: Bool
    /// Permissions of the files the sink creates, the one written to and the compressed rotated
    /// ones (`file_mode`, an octal string; rotated files keep theirs), set exactly (not reduced by
    /// the umask). A file that already exists keeps its mode. Default `0600`: events may hold
    /// personal data.
    public var fileMode: UInt16
    /// Default 500 events, 1 MiB, 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String,
        path: String,
        maxBytes: Int = 104_857_600,
        maxAge: Duration? = .seconds(86_400),
        compressRotated: Bool = true,
        fileMode: UInt16 = 0o600,
        batch: BatchConfiguration = BatchConfiguration(concurrency: 1),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.name = name
        self.path = path
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.compressRotated = compressRotated
        self.fileMode = fileMode
        self.batch = batch
        self.retry = retry
    }
}
