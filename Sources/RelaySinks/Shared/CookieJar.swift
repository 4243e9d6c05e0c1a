import RelayCore
import RelayHTTP
import Synchronization

/// The cookies one endpoint set, sent back with every later request to it. A load balancer in front
/// of several receivers (an AWS ALB's `AWSALB`, a Splunk Cloud ELB) routes by such a cookie, so the
/// requests of one client reach the same receiver: HEC's acknowledgement queries need the indexer
/// that issued the ackId. Kept simply: by name only (one endpoint is one origin, whose paths all
/// sit under one prefix), `Max-Age` before `Expires`, a cookie without either kept for the
/// process's life. A pure value; ``EndpointCookies`` shares one per endpoint.
struct CookieJar: Sendable, Equatable {
    private struct Cookie: Sendable, Equatable {
        var value: String
        var expires: WallInstant?
    }

    private var cookies: [String: Cookie] = [:]

    /// Most cookies kept per endpoint, and the largest name and value kept, as RFC 6265 (§6.1) asks
    /// a user agent to support at least: an endpoint (or a proxy) setting a new name on every answer
    /// cannot grow the jar, nor every request's `Cookie` header, without bound.
    static let maxCookies = 50
    static let maxCookieBytes = 4096

    /// Keeps the cookies of `setCookie` (the values of each `Set-Cookie` header) received at `now`;
    /// one already expired (`Max-Age=0`, an `Expires` in the past) removes its name.
    mutating func store(setCookie: [String], now: WallInstant) {
        for header in setCookie {
            let parts = header.split(separator: ";").map(Self.trimmed)
            guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = Self.trimmed(pair[..<equals])
            guard !name.isEmpty else { continue }
            let value = Self.trimmed(pair[pair.index(after: equals)...])
            guard name.utf8.count + value.utf8.count <= Self.maxCookieBytes else { continue }
            var expires: WallInstant?
            var maxAge: Int64?
            for attribute in parts.dropFirst() {
                let (key, text) = Self.split(attribute)
                switch key.lowercased() {
                case "max-age": maxAge = Int64(text)
                case "expires": expires = Self.httpDate(text) ?? expires
                default: continue
                }
            }
            if let maxAge { expires = now.advanced(by: .seconds(maxAge)) }
            if let expires, expires <= now {
                cookies[name] = nil
                continue
            }
            if cookies[name] == nil, cookies.count >= Self.maxCookies {
                cookies = cookies.filter { $0.value.expires.map { $0 > now } ?? true }
                guard cookies.count < Self.maxCookies else { continue }
            }
            cookies[name] = Cookie(value: value, expires: expires)
        }
    }

    /// The `Cookie` header for a request at `now` (`a=1; b=2`, by name), `nil` when no cookie is alive.
    func header(now: WallInstant) -> String? {
        let alive = cookies.filter { $0.value.expires.map { $0 > now } ?? true }
        guard !alive.isEmpty else { return nil }
        return alive.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.value)" }.joined(separator: "; ")
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }

    private static func split(_ attribute: String) -> (key: String, value: String) {
        guard let equals = attribute.firstIndex(of: "=") else { return (attribute, "") }
        return (trimmed(attribute[..<equals]), trimmed(attribute[attribute.index(after: equals)...]))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, also with dashes between day, month and
    /// year, as load balancers write it), else `nil`: the cookie then lives as if it had no expiry.
    static func httpDate(_ text: String) -> WallInstant? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "," })
        guard fields.count == 6, fields[5] == "GMT", let month = months.firstIndex(of: String(fields[2])),
            fields[1].count == 2, fields[3].count == 4, fields[4].count == 8
        else { return nil }
        let iso = "\(fields[3])-\(month < 9 ? "0" : "")\(month + 1)-\(fields[1])T\(fields[4])Z"
        return (try? Timestamp.parseISO8601(iso)).map(WallInstant.init)
    }
}

/// One ``CookieJar`` per endpoint behind a lock, with the clock that ages the cookies.
final class EndpointCookies: Sendable {
    private let jars: Mutex<[CookieJar]>
    private let clock: any WallClock

    init(count: Int, clock: any WallClock) {
        self.jars = Mutex(Array(repeating: CookieJar(), count: count))
        self.clock = clock
    }

    /// The `Cookie` header for a request to endpoint `index`, when it set live cookies.
    func header(for index: Int) -> String? {
        let now = clock.now
        return jars.withLock { jars in jars.indices.contains(index) ? jars[index].header(now: now) : nil }
    }

    /// Keeps the cookies `response` from endpoint `index` set.
    func store(_ response: InboundResponse, from index: Int) {
        let setCookie = response.headers.filter { $0.name == "set-cookie" }.map(\.value)
        guard !setCookie.isEmpty else { return }
        let now = clock.now
        jars.withLock { jars in
            guard jars.indices.contains(index) else { return }
            jars[index].store(setCookie: setCookie, now: now)
        }
    }
}
