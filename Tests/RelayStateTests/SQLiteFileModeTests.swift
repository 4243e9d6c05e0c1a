import Foundation
import RelayCore
import RelayState
import RelayTesting
import Testing

@Suite("SQLite state file modes")
struct SQLiteFileModeTests {
    @Test("the database and its -wal and -shm files are created 0600")
    func databaseFilesArePrivate() async throws {
        try await withScratchDirectory("sqlite-mode") { (directory: String) async throws in
            let path = directory + "/state/state.sqlite"
            let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: path))
            try await store.setValue("v", forKey: "k")
            for file in [path, path + "-wal", path + "-shm"] {
                let mode = try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
                #expect(mode == 0o600, "\(file)")
            }
            try store.close()
        }
    }
}
