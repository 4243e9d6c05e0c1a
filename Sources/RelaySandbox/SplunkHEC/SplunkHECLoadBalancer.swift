import HTTPTypes
import Hummingbird
import Logging
import RelayCore
import Synchronization

/// An AWS Application Load Balancer with duration-based stickiness in front of several emulated
/// indexers, as Splunk Cloud and self-managed clusters put HEC behind one: a request carrying the
/// stickiness cookie goes to the indexer it names; one without (or with an unknown value) goes to
/// an indexer the balancer picks, and every answer sets the cookie for the indexer that served it.
/// Each indexer knows only the ackIds it issued, so acknowledgement works only for a client that
/// sends the cookie back. Serve it with ``Sandbox/withRunning(hecBalancer:logger:_:)``.
public final class SplunkHECLoadBalancer: Sendable {
    /// How the balancer picks an indexer for a request without a valid stickiness cookie.
    public enum Routing: Sendable, Equatable {
        /// At random, as a load balancer does.
        case random
        /// Each in turn, so tests do not depend on chance.
        case roundRobin
    }

    /// What the balancer has routed so far.
    public struct Stats: Sendable, Equatable {
        /// Requests sent to the indexer their cookie named.
        public var routedByCookie = 0
        /// Requests without a valid cookie, sent to the indexer the balancer picked.
        public var routedByBalancer = 0
        /// All counters zero.
        public init() {}
    }

    /// The stickiness cookie's name, as an AWS ALB names it.
    public static let cookieName = "AWSALB"
    /// How long the cookie lives: 1 day, an ALB's default stickiness duration (`Expires` is set).
    public static let cookieLifetime: Duration = .seconds(24 * 3600)

    /// The indexers behind the balancer, in order.
    public let indexers: [SplunkHECEmulator]
    let routing: Routing
    let clock: any WallClock
    private let state = Mutex<(next: Int, stats: Stats)>((0, Stats()))

    /// A balancer over `indexers` (at least one); `clock` dates the cookie's expiry.
    public init(indexers: [SplunkHECEmulator], routing: Routing = .random, clock: any WallClock = SystemClock()) {
        precondition(!indexers.isEmpty, "a load balancer needs at least one indexer")
        self.indexers = indexers
        self.routing = routing
        self.clock = clock
    }

    /// What the balancer has routed so far.
    public var stats: Stats { state.withLock { $0.stats } }

    /// The indexer for `request`: the one its cookie names, else the balancer's pick.
    func route(_ request: Request) -> Int {
        let named = Self.cookieValue(request.headers[values: .cookie]).flatMap { value -> Int? in
            guard value.hasPrefix("indexer-"), let index = Int(value.dropFirst("indexer-".count)) else { return nil }
            return indexers.indices.contains(index) ? index : nil
        }
        return state.withLock { state in
            if let named {
                state.stats.routedByCookie += 1
                return named
            }
            state.stats.routedByBalancer += 1
            switch routing {
            case .random:
                return Int.random(in: indexers.indices)
            case .roundRobin:
                defer { state.next = (state.next + 1) % indexers.count }
                return state.next
            }
        }
    }

    /// The stickiness cookie's value among the request's `Cookie` headers.
    static func cookieValue(_ headers: [String]) -> String? {
        for pair in headers.flatMap({ $0.split(separator: ";") }) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingPrefix(" ") == cookieName else { continue }
            return String(parts[1])
        }
        return nil
    }

    /// `response` with the stickiness cookie for indexer `index`, expiring per ``cookieLifetime``.
    func stick(_ response: Response, to index: Int) -> Response {
        var response = response
        let expires = Self.httpDate(clock.now.advanced(by: Self.cookieLifetime))
        response.headers[.setCookie] = "\(Self.cookieName)=indexer-\(index); Expires=\(expires); Path=/"
        return response
    }

    /// An IMF-fixdate, e.g. `Tue, 11 Dec 2026 17:00:00 GMT`.
    static func httpDate(_ instant: WallInstant) -> String {
        let days = Int(instant.sinceEpoch.components.seconds / 86_400)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days % 7]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let iso = Array(instant.timestamp.iso8601)
        let month = months[(Int(String(iso[5..<7])) ?? 1) - 1]
        return "\(weekday), \(String(iso[8..<10])) \(month) \(String(iso[0..<4])) \(String(iso[11..<19])) GMT"
    }
}

extension SplunkHECLoadBalancer: SandboxEmulator {
    var sandboxName: String { "splunk-hec-lb" }

    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        for path in ["/services/collector", "/services/collector/event", "/services/collector/event/1.0"] {
            router.post(RouterPath(path)) { request, _ in
                let index = self.route(request)
                return self.stick(try await self.indexers[index].receiveEvents(request), to: index)
            }
        }
        router.post("/services/collector/ack") { request, _ in
            let index = self.route(request)
            return self.stick(try await self.indexers[index].receiveAckQuery(request), to: index)
        }
        for path in ["/services/collector/health", "/services/collector/health/1.0"] {
            router.get(RouterPath(path)) { request, _ in
                let index = self.route(request)
                return self.stick(self.indexers[index].health(), to: index)
            }
        }
        return router
    }
}

extension Sandbox {
    /// Serves a load balancer over emulated HEC indexers while `body` runs; `body` receives the
    /// balancer's base URL (the indexers have none of their own).
    public static func withRunning<T: Sendable>(
        hecBalancer: SplunkHECLoadBalancer,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([hecBalancer], logger: logger) { urls in
            try await body(urls[0])
        }
    }
}
