/// Where and how ``SQLiteStateStore`` keeps its database.
public struct SQLiteStateConfiguration: Sendable, Equatable {
    /// The database file. Its parent directory is created when missing. SQLite also keeps the
    /// `-wal` and `-shm` files next to it (the store runs in WAL mode).
    public var path: String

    /// How long a statement waits for a lock held by another connection before it fails.
    /// Default: 5 seconds.
    public var busyTimeout: Duration

    /// Whether opening gives back every outbox claim left by a previous process. The pipeline's own
    /// open does (it is the only consumer of a SQLite store); an operator command opened beside a
    /// running daemon must not, or the daemon's in-flight batches would be sent twice. Default true.
    public var releasesClaimsOnOpen: Bool

    /// - Parameters:
    ///   - path: The database file.
    ///   - busyTimeout: Lock wait before failing; default 5 seconds.
    ///   - releasesClaimsOnOpen: Give back a previous process's claims; default true.
    public init(path: String, busyTimeout: Duration = .seconds(5), releasesClaimsOnOpen: Bool = true) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.releasesClaimsOnOpen = releasesClaimsOnOpen
    }
}
