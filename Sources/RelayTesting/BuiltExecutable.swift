import Foundation

/// Executables of this package as the build left them, for tests that run the real binary.
public enum BuiltExecutable {
    /// The executable `name` built next to the running test bundle (found by walking up from it),
    /// or `.build/debug/<name>` when none is found there.
    public static func url(named name: String) -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !directory.path.isEmpty, directory.path != "/" {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/" + name)
    }
}
