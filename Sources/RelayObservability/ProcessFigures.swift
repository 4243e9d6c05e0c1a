#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Figures about the running process read from `/proc` (Linux); each is `nil` where `/proc` does
/// not answer (other systems, restricted containers).
public struct ProcessFigures: Sendable, Equatable {
    /// Resident set size in bytes (`/proc/self/statm`, second field × page size).
    public var residentMemoryBytes: Int?
    /// Open file descriptors (entries of `/proc/self/fd`).
    public var openFileDescriptors: Int?
    /// Process start, seconds since the Unix epoch (`/proc/self/stat` start time + boot time).
    public var startTimeSeconds: Double?

    public init(residentMemoryBytes: Int? = nil, openFileDescriptors: Int? = nil, startTimeSeconds: Double? = nil) {
        self.residentMemoryBytes = residentMemoryBytes
        self.openFileDescriptors = openFileDescriptors
        self.startTimeSeconds = startTimeSeconds
    }

    /// Reads the current figures.
    public static func current() -> ProcessFigures {
        var figures = ProcessFigures()
        if let statm = readSmallFile("/proc/self/statm") {
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Int(fields[1]) {
                figures.residentMemoryBytes = pages * Int(sysconf(Int32(_SC_PAGESIZE)))
            }
        }
        figures.openFileDescriptors = countEntries("/proc/self/fd")
        if let stat = readSmallFile("/proc/self/stat"), let boot = bootTime() {
            figures.startTimeSeconds = parseStartTicks(stat).map {
                boot + Double($0) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        return figures
    }

    /// The start time field (22nd) of `/proc/PID/stat`, in clock ticks after boot. The command name
    /// (2nd field) is parenthesised and may hold spaces, so fields are counted after its last `)`.
    static func parseStartTicks(_ stat: String) -> Int64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state); field 22 is rest[19].
        guard rest.count > 19 else { return nil }
        return Int64(rest[19])
    }

    private static func bootTime() -> Double? {
        guard let stat = readSmallFile("/proc/stat") else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: " "))
        }
        return nil
    }

    private static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func countEntries(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [UInt8(ascii: ".")], name != [UInt8(ascii: "."), UInt8(ascii: ".")] { count += 1 }
        }
        return max(count - 1, 0)  // the descriptor opendir itself holds
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var text = self
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return text
    }
}
