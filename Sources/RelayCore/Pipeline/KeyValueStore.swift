/// Small named values a component keeps across restarts.
public protocol KeyValueStore: Sendable {
    /// A small named value a component keeps across restarts (e.g. a Splunk channel GUID).
    func value(forKey key: String) async throws -> String?

    /// Stores a named value.
    func setValue(_ value: String, forKey key: String) async throws
}
