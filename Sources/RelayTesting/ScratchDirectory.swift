import Foundation

/// A fresh directory under the system's temporary directory, named `ccrelay-<label>-<UUID>`, for a
/// test's files. Created at once; ``remove()`` (or the scoped ``withScratchDirectory(_:_:)``) deletes it.
public struct ScratchDirectory: Sendable {
    /// The directory's absolute path (no trailing slash).
    public let path: String

    /// Creates the directory.
    public init(_ label: String = "test") throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The directory as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to the file `name` inside the directory and returns the file's path.
    public func write(_ name: String, _ text: String) throws -> String {
        let path = file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Deletes the directory and everything in it; a directory already gone is not an error.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a fresh scratch directory's path and deletes the directory afterwards.
public func withScratchDirectory<T>(_ label: String = "test", _ body: (String) async throws -> T) async throws -> T {
    let directory = try ScratchDirectory(label)
    defer { directory.remove() }
    return try await body(directory.path)
}
