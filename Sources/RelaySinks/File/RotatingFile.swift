import Logging
import RelayCore
import RelayHTTP
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a ``FileSink`` appends to: opened lazily, rotated by size and age, rotated files
/// renamed with their rotation time and gzip-compressed.
final class RotatingFile: Sendable {
    private struct State {
        var descriptor: Int32 = -1
        var size = 0
        var openedAt = WallInstant(sinceEpoch: .zero)
    }

    private let configuration: FileSinkConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: FileSinkConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        close()
    }

    /// Appends `bytes` and syncs them to disk, rotating first when due.
    func append(_ bytes: [UInt8], now: WallInstant) throws(RelayError) {
        try state.withLock { (state: inout State) throws(RelayError) in
            if state.descriptor >= 0, rotationDue(state, adding: bytes.count, now: now) {
                try rotate(&state, now: now)
            }
            if state.descriptor < 0 { try open(&state, now: now) }
            let before = state.size
            do throws(RelayError) {
                try Self.writeAll(state.descriptor, bytes, path: configuration.path)
                guard fsync(state.descriptor) == 0 else { throw failure("cannot sync") }
                state.size += bytes.count
            } catch {
                // Cut back what this write added, then reopen on the next attempt.
                _ = ftruncate(state.descriptor, off_t(before))
                _ = posixClose(state.descriptor)
                state.descriptor = -1
                throw error
            }
        }
    }

    /// Closes the file.
    func close() {
        state.withLock { state in
            if state.descriptor >= 0 { _ = posixClose(state.descriptor) }
            state.descriptor = -1
        }
    }

    private func rotationDue(_ state: State, adding count: Int, now: WallInstant) -> Bool {
        guard state.size > 0 else { return false }
        if state.size + count > configuration.maxBytes { return true }
        if let maxAge = configuration.maxAge, now >= state.openedAt.advanced(by: maxAge) { return true }
        return false
    }

    /// Creates the file's folder and any missing parent, each `0700` (the umask may only narrow it);
    /// folders that exist keep their mode.
    func createDirectory() throws(RelayError) {
        var prefix = configuration.path.hasPrefix("/") ? "/" : ""
        for component in configuration.path.split(separator: "/").dropLast() {
            prefix += component
            if mkdir(prefix, 0o700) != 0 {
                guard errno == EEXIST else { throw Self.systemError("cannot create the folder", prefix) }
                var info = stat()
                guard stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                    throw RelayError(.fileIO, "file sink cannot use \(prefix) as a folder: it is not one")
                }
            }
            prefix += "/"
        }
    }

    private func open(_ state: inout State, now: WallInstant) throws(RelayError) {
        // The folder was made at start; it may have been removed since.
        try createDirectory()
        let descriptor = try Self.openForAppend(configuration.path, mode: mode_t(configuration.fileMode))
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = failure("cannot inspect")
            _ = posixClose(descriptor)
            throw error
        }
        state.descriptor = descriptor
        state.size = Int(info.st_size)
        // A file found on start counts as opened now: its age is measured from this process's first write.
        state.openedAt = now
    }

    private func rotate(_ state: inout State, now: WallInstant) throws(RelayError) {
        _ = posixClose(state.descriptor)
        state.descriptor = -1
        state.size = 0
        let stamp = now.timestamp.iso8601.filter { $0 != "-" && $0 != ":" }
        var rotated = "\(configuration.path).\(stamp)"
        var suffix = 1
        while Self.exists(rotated) || Self.exists(rotated + ".gz") {
            rotated = "\(configuration.path).\(stamp)-\(suffix)"
            suffix += 1
        }
        guard rename(configuration.path, rotated) == 0 else { throw failure("cannot rotate") }
        guard configuration.compressRotated else { return }
        do {
            try Self.compress(rotated, mode: mode_t(configuration.fileMode))
        } catch {
            // The rotated file stays uncompressed; nothing is lost.
            logger.warning("Rotated file left uncompressed", metadata: ["ccrelay.error": "\(error.message)"])
        }
    }

    /// Opens `path` for appending; a file created now gets exactly `mode` (the umask may only have
    /// narrowed it), an existing one keeps its own.
    private static func openForAppend(_ path: String, mode: mode_t) throws(RelayError) -> Int32 {
        let created = posixOpen(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, mode)
        if created >= 0 {
            guard fchmod(created, mode) == 0 else {
                let error = systemError("cannot set the mode of", path)
                _ = posixClose(created)
                throw error
            }
            return created
        }
        guard errno == EEXIST else { throw systemError("cannot open", path) }
        let existing = posixOpen(path, O_WRONLY | O_APPEND | O_CLOEXEC, 0)
        guard existing >= 0 else { throw systemError("cannot open", path) }
        return existing
    }

    /// Replaces `path` by `path.gz` (created with `mode`), synced before the original is removed.
    private static func compress(_ path: String, mode: mode_t) throws(RelayError) {
        let contents = try readAll(path)
        let compressed = Gzip.compress(contents, level: .standard)
        let temporary = path + ".gz.partial"
        let descriptor = posixOpen(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw systemError("cannot create", temporary) }
        defer { _ = posixClose(descriptor) }
        guard fchmod(descriptor, mode) == 0 else { throw systemError("cannot set the mode of", temporary) }
        try writeAll(descriptor, compressed, path: temporary)
        guard fsync(descriptor) == 0 else { throw systemError("cannot sync", temporary) }
        guard rename(temporary, path + ".gz") == 0 else { throw systemError("cannot rename", temporary) }
        _ = unlink(path)
    }

    private static func readAll(_ path: String) throws(RelayError) -> [UInt8] {
        let descriptor = posixOpen(path, O_RDONLY | O_CLOEXEC, 0)
        guard descriptor >= 0 else { throw systemError("cannot read", path) }
        defer { _ = posixClose(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw systemError("cannot read", path)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[0..<count])
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(RelayError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw systemError("cannot write", path)
            }
            offset += written
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private func failure(_ what: String) -> RelayError {
        Self.systemError(what, configuration.path)
    }

    private static func systemError(_ what: String, _ path: String) -> RelayError {
        RelayError(.fileIO, "file sink \(what) \(path): \(String(cString: strerror(errno)))")
    }
}

// The names `open` and `close` are taken by this type's own methods.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

private func posixClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}

extension RelayError.Code {
    /// A file could not be opened, written, synced or rotated.
    static let fileIO = RelayError.Code(rawValue: "file.io")
}
