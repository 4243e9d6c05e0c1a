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
}
