import RelayCore
import RelayHTTP
import RelayTesting
import Synchronization
import Testing

@testable import RelayCXone

@Suite("CXone tokens")
struct CXoneTokenTests {
    @Test("a token is reused until expires_in − 60 s on the injected clock, then fetched again")
    func cachedUntilMargin() async throws {
        let clock = ManualClock()
        let counter = Mutex(0)
        let provider = AccessTokenCache(clock: clock) { () throws(RelayError) in
            let n = counter.withLock {
                $0 += 1; return $0
            }
            return AccessToken(authorization: "Bearer t\(n)", expiresIn: .seconds(3600))
        }
        #expect(try await provider.authorization() == "Bearer t1")
        clock.advance(by: .seconds(3539))
        #expect(try await provider.authorization() == "Bearer t1")
        clock.advance(by: .seconds(1))
        #expect(try await provider.authorization() == "Bearer t2")
        #expect(await provider.fetchCount == 2)
    }

    @Test("concurrent callers share one fetch; a failed fetch is not cached")
    func oneFetchInFlight() async throws {
        let clock = ManualClock()
        let gate = AsyncGate()
        let counter = Mutex(0)
        let provider = AccessTokenCache(clock: clock) { () throws(RelayError) in
            let n = counter.withLock {
                $0 += 1; return $0
            }
            await gate.wait()
            if n == 2 { throw RelayError(.authentication, "rejected") }
            return AccessToken(authorization: "Bearer t\(n)", expiresIn: .seconds(3600))
        }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.authorization() } }
            await gate.waitForWaiter()
            gate.open()
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tokens) == ["Bearer t1"])
        #expect(await provider.fetchCount == 1)

        await provider.invalidate("Bearer t1")
        await #expect(throws: RelayError.self) { try await provider.authorization() }
        #expect(try await provider.authorization() == "Bearer t3")
    }

    @Test("a 401 refreshes the token once and resends with the new one; a second 401 fails")
    func unauthorizedRefreshesOnce() async throws {
        let clock = ManualClock()
        let sent = Mutex<[String]>([])
        let rejectAll = Mutex(false)
        let send: CXoneSend = { request throws(RelayError) in
            if request.url.hasSuffix("/auth/token") {
                let n = sent.withLock { log in log.filter { $0.hasPrefix("token") }.count }
                sent.withLock { $0.append("token") }
                return InboundResponse(
                    status: 200, headers: [],
                    body: Array(#"{"access_token":"a\#(n)","token_type":"Bearer","expires_in":3600}"#.utf8))
            }
            let auth = request.headers.first { $0.name == "Authorization" }?.value ?? ""
            sent.withLock { $0.append(auth) }
            if auth == "Bearer a0" || rejectAll.withLock({ $0 }) {
                return InboundResponse(status: 401, headers: [], body: Array(#"{"error":"invalid_token"}"#.utf8))
            }
            return InboundResponse(status: 200, headers: [], body: Array(#"{"agents":[]}"#.utf8))
        }
        let configuration = CXoneAuditSourceConfiguration(
            apiBaseURL: "https://api.example", accessKeyID: "k", accessKeySecret: "s", clientID: "c", clientSecret: "cs"
        )
        let source = try CXoneAuditSource(configuration: configuration, clock: clock, send: send)
        _ = try await source.client.get("agents")
        #expect(sent.withLock { $0 } == ["token", "Bearer a0", "token", "Bearer a1"])

        rejectAll.withLock { $0 = true }
        await #expect(throws: RelayError.self) { _ = try await source.client.get("agents") }
        #expect(sent.withLock { $0 }.suffix(3) == ["Bearer a1", "token", "Bearer a2"])
    }
}

/// A one-shot gate: `wait()` suspends until `open()`; `waitForWaiter()` returns once someone waits.
final class AsyncGate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var watchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { continuation in
            let (resume, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                if state.open { return (true, []) }
                state.waiters.append(continuation)
                defer { state.watchers = [] }
                return (false, state.watchers)
            }
            watchers.forEach { $0.resume() }
            if resume { continuation.resume() }
        }
    }

    func waitForWaiter() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if !state.waiters.isEmpty { return true }
                state.watchers.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}
