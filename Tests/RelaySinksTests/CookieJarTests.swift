import RelayCore
import Testing

@testable import RelaySinks

@Suite("CookieJar: Set-Cookie kept per endpoint, with expiry")
struct CookieJarTests {
    let now = WallInstant(sinceEpoch: .seconds(1_796_000_000))

    @Test("name=value pairs are kept, replaced by name, and sent sorted; attributes are not sent")
    func keeps() {
        var jar = CookieJar()
        jar.store(setCookie: ["AWSALB=abc; Path=/", "AWSALBCORS=abc; Path=/; SameSite=None; Secure"], now: now)
        jar.store(setCookie: ["AWSALB=def; Path=/"], now: now)
        #expect(jar.header(now: now) == "AWSALB=def; AWSALBCORS=abc")
    }

    @Test("Max-Age counts from receipt and wins over Expires; Max-Age=0 removes the cookie")
    func maxAge() {
        var jar = CookieJar()
        jar.store(setCookie: ["a=1; Max-Age=60; Expires=Thu, 01 Jan 2099 00:00:00 GMT"], now: now)
        #expect(jar.header(now: now.advanced(by: .seconds(59))) == "a=1")
        #expect(jar.header(now: now.advanced(by: .seconds(60))) == nil)
        jar.store(setCookie: ["b=2"], now: now)
        jar.store(setCookie: ["b=2; Max-Age=0"], now: now)
        #expect(jar.header(now: now) == "a=1")
    }

    @Test("Expires as IMF-fixdate (also with dashes); one in the past removes the cookie")
    func expires() {
        #expect(CookieJar.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == WallInstant(sinceEpoch: .seconds(784_111_777)))
        #expect(CookieJar.httpDate("Sun, 06-Nov-1994 08:49:37 GMT") == WallInstant(sinceEpoch: .seconds(784_111_777)))
        #expect(CookieJar.httpDate("yesterday") == nil)
        var jar = CookieJar()
        jar.store(setCookie: ["a=1"], now: now)
        jar.store(setCookie: ["a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT"], now: now)
        #expect(jar.header(now: now) == nil)
    }

    @Test("a header without a name=value pair is ignored")
    func malformed() {
        var jar = CookieJar()
        jar.store(setCookie: ["", "novalue", "=orphan"], now: now)
        #expect(jar.header(now: now) == nil)
    }

    @Test("an endpoint setting a new name on every answer cannot grow the jar past 50, nor keep a 5 KB cookie")
    func bounded() {
        var jar = CookieJar()
        for round in 0..<1_000 {
            jar.store(setCookie: ["flood\(round)=x"], now: now)
        }
        jar.store(setCookie: ["big=" + String(repeating: "v", count: 5_000)], now: now)
        let sent = jar.header(now: now) ?? ""
        #expect(sent.split(separator: ";").count == CookieJar.maxCookies)
        #expect(!sent.contains("big="))
        // A name already kept is still replaced when the jar is full.
        jar.store(setCookie: ["flood0=y"], now: now)
        #expect(jar.header(now: now)?.contains("flood0=y") == true)
    }
}
