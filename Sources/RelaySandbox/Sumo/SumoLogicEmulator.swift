import RelayCore
import Synchronization

/// How the emulated Sumo Logic HTTP source behaves. Every field has a default.
public struct SumoLogicConfiguration: Sendable {
    /// Source codes (the secret last path segment) that exist; others are answered 401.
    /// Default `[SumoLogicConfiguration.defaultCode]`.
    public var codes: Set<String>
    /// Largest uncompressed request body; larger is answered 413. Default 10,000,000 (Sumo
    /// recommends 100 KB to 1 MB and accepts more).
    public var maxRequestBytes: Int

    /// The source code the sandbox hands out by default.
    public static let defaultCode = "ZaVnC4dhaV2Yl9vSandboxCollectorCode=="

    /// A source configuration; each parameter defaults as its property documents.
    public init(codes: Set<String> = [defaultCode], maxRequestBytes: Int = 10_000_000) {
        self.codes = codes
        self.maxRequestBytes = maxRequestBytes
    }
}

/// One line as the emulated source stored it, with the request's metadata headers.
public struct SumoReceivedLine: Sendable, Equatable {
    /// The line's text, without its newline.
    public var line: String
    /// The source code the request was posted to.
    public var code: String
    /// `X-Sumo-Category`, when sent.
    public var category: String?
    /// `X-Sumo-Name`, when sent.
    public var sourceName: String?
    /// `X-Sumo-Host`, when sent.
    public var sourceHost: String?
    /// `X-Sumo-Fields` parsed (`k=v,k=v`).
    public var fields: [String: String]

    /// A received line.
    public init(
        line: String, code: String, category: String? = nil, sourceName: String? = nil, sourceHost: String? = nil,
        fields: [String: String] = [:]
    ) {
        self.line = line
        self.code = code
        self.category = category
        self.sourceName = sourceName
        self.sourceHost = sourceHost
        self.fields = fields
    }

    /// `event_id` when the line is a ccrelay JSON event.
    public var eventID: String? { (try? JSONParser.parse(line))?["event_id"]?.stringValue }
}

/// A failure the source serves in place of handling a POST.
public enum SumoFault: Sendable, Equatable {
    /// 429 with `Retry-After` in seconds.
    case throttled(retryAfterSeconds: Int)
    /// 503.
    case unavailable
    /// 400, as for a request Sumo cannot take.
    case badRequest
    /// The TCP connection is closed without any response.
    case dropConnection
    /// The request is handled (its lines are stored), then answered 408, as Sumo does when it
    /// accepted a request but timed out processing it.
    case acceptedThenTimedOut
    /// No fault: the request is handled normally. Scripts a fault for a later request, e.g. the
    /// second request of a batch split in several.
    case pass
}

/// Counters of what the Sumo source has served.
public struct SumoLogicStats: Sendable, Equatable {
    /// Every HTTP request received.
    public var requests = 0
    /// Requests answered 200.
    public var acceptedRequests = 0
    /// Requests refused (unknown code, size, encoding); injected faults excluded.
    public var rejectedRequests = 0
    /// Requests answered with an injected ``SumoFault``.
    public var faultsServed = 0
    /// All counters zero.
    public init() {}
}

/// A faithful local stand-in for a Sumo Logic hosted collector's HTTP source
/// (`POST /receiver/v1/http/{code}`): unknown codes answered 401, gzip/deflate bodies,
/// newline-separated lines stored with their `X-Sumo-*` headers, 429/503 on demand. Serve it
/// with ``Sandbox/withRunning(sumo:logger:_:)``, whose URL includes the default code.
public final class SumoLogicEmulator: Sendable {
    struct State {
        var lines: [SumoReceivedLine] = []
        var faults: [SumoFault] = []
        var stats = SumoLogicStats()
    }

    /// The source's behaviour.
    public let configuration: SumoLogicConfiguration
    let state = Mutex(State())
    let arrivals = ArrivalCounter()

    /// A source behaving per `configuration`.
    public init(configuration: SumoLogicConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Every stored line, in arrival order.
    public var lines: [SumoReceivedLine] { state.withLock { $0.lines } }

    /// Returns once at least `count` lines are stored, or when the calling task is cancelled.
    public func waitForLines(count: Int) async {
        await arrivals.wait(atLeast: count)
    }

    /// Queues faults, consumed one per POST, in order, before any other handling.
    public func injectFaults(_ faults: [SumoFault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// What the source has served so far.
    public var stats: SumoLogicStats { state.withLock { $0.stats } }

    /// Forgets every stored line (stats are kept).
    public func removeAllLines() {
        state.withLock { $0.lines.removeAll() }
        arrivals.update(count: 0)
    }

    func store(_ batch: [SumoReceivedLine]) {
        let count = state.withLock { state -> Int in
            state.lines.append(contentsOf: batch)
            state.stats.acceptedRequests += 1
            return state.lines.count
        }
        arrivals.update(count: count)
    }
}
