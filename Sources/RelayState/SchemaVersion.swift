import RelayCore

extension RelayError.Code {
    /// The state database was migrated by a newer ccrelay than the running one; this binary refuses
    /// to read or write it (it would not know the newer tables' meaning).
    public static let stateSchemaNewer = RelayError.Code(rawValue: "state.schema_newer")
}

/// The refusal both stores share: a database whose schema is newer than this binary's is never
/// opened for use, so an accidental downgrade cannot corrupt what the newer version wrote.
enum SchemaVersion {
    /// Throws `state.schema_newer` when `applied` holds a version above every one in `known`.
    ///
    /// - Parameters:
    ///   - database: What the message names: the SQLite path or the redacted PostgreSQL URL.
    ///   - applied: The versions recorded in the database.
    ///   - known: The versions this binary ships.
    static func refuseNewer(database: String, applied: Set<Int>, known: Set<Int>) throws {
        guard let newest = applied.subtracting(known).max() else { return }
        let binary = known.max() ?? 0
        throw RelayError(
            .stateSchemaNewer,
            "state database \(database) has schema version \(newest), newer than version \(binary) of this ccrelay; "
                + "run the ccrelay release that migrated it or a later one (downgrades are not supported)")
    }
}
