/// Where and how ``SQLiteStateStore`` keeps its database.
public struct SQLiteStateConfiguration: Sendable, Equatable {
    /// The database file. Its parent directory is created when missing. SQLite also keeps the
    /// `-wal` and `-shm` files next to it (the store runs in WAL mode).
    public var path: String

    /// How long a statement waits for a lock held by another connection before it fails.
    /// Default: 5 seconds.
    public var busyTimeout: Duration

    /// - Parameters:
    ///   - path: The database file.
    ///   - busyTimeout: Lock wait before failing; default 5 seconds.
    public init(path: String, busyTimeout: Duration = .seconds(5)) {
        self.path = path
        self.busyTimeout = busyTimeout
    }
}
