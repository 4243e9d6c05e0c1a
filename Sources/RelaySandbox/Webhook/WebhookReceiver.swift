import RelayCore
import Synchronization

/// One POST the webhook receiver accepted.
public struct WebhookPost: Sendable, Equatable {
    /// The request path (e.g. `/services/T000/B000/XXXX` for a Slack-style URL).
    public var path: String
    /// The body parsed as JSON (a body that is not JSON is answered 400 and not recorded).
    public var json: JSONValue
    /// The body as received.
    public var body: [UInt8]
    /// The request's `Content-Type`, when sent.
    public var contentType: String?

    /// A post, for comparing with ``WebhookReceiver/posts``.
    public init(path: String, json: JSONValue, body: [UInt8], contentType: String? = nil) {
        self.path = path
        self.json = json
        self.body = body
        self.contentType = contentType
    }
}

/// How the receiver fails a POST on demand.
public enum WebhookFailure: Sendable, Equatable {
    /// Answer with this HTTP status (and a small JSON error body).
    case status(Int)
    /// Close the connection without answering.
    case dropConnection
}

/// A stand-in for an alert receiver (a generic JSON webhook, Slack's incoming webhooks,
/// PagerDuty's Events API): it accepts JSON POSTs on any path, records them, and fails on demand.
/// Serve it with ``Sandbox/withRunning(webhook:logger:_:)``.
public final class WebhookReceiver: Sendable {
    struct Waiter {
        let id: UInt64
        let count: Int
        let attempts: Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    struct State {
        var posts: [WebhookPost] = []
        var attempts = 0
        var queuedFailures: [WebhookFailure] = []
        var persistentFailure: WebhookFailure?
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var cancelledWaiters: Set<UInt64> = []
    }

    /// The status a successful POST gets. Default 200 (PagerDuty answers 202, also a success).
    public let successStatus: Int
    let state = Mutex(State())

    /// A receiver answering `successStatus` (default 200) to every POST it accepts.
    public init(successStatus: Int = 200) {
        self.successStatus = successStatus
    }

    /// Every accepted POST, in arrival order.
    public var posts: [WebhookPost] { state.withLock { $0.posts } }

    /// Every POST received, failed ones included.
    public var attempts: Int { state.withLock { $0.attempts } }

    /// Queues failures, consumed one per POST, in order, before a persistent failure applies.
    public func failNext(_ failures: [WebhookFailure]) {
        state.withLock { $0.queuedFailures.append(contentsOf: failures) }
    }

    /// Fails every POST with `failure` until called with `nil`.
    public func failAll(_ failure: WebhookFailure?) {
        state.withLock { $0.persistentFailure = failure }
    }

    /// Returns once at least `count` POSTs were accepted, or when the calling task is cancelled.
    public func waitForPosts(count: Int) async {
        await wait(count: count, attempts: false)
    }

    /// Returns once at least `count` POSTs were received (failed ones included), or when the
    /// calling task is cancelled.
    public func waitForAttempts(count: Int) async {
        await wait(count: count, attempts: true)
    }

    private func wait(count: Int, attempts: Bool) async {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if (attempts ? state.attempts : state.posts.count) >= count
                        || state.cancelledWaiters.remove(id) != nil
                    {
                        return true
                    }
                    state.waiters.append(Waiter(id: id, count: count, attempts: attempts, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    state.cancelledWaiters.insert(id)
                    return nil
                }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }

    /// Counts an incoming POST and decides whether it fails.
    func receive() -> WebhookFailure? {
        let (failure, ready) = state.withLock { state -> (WebhookFailure?, [CheckedContinuation<Void, Never>]) in
            state.attempts += 1
            let failure = state.queuedFailures.isEmpty ? state.persistentFailure : state.queuedFailures.removeFirst()
            return (failure, Self.takeSatisfied(&state))
        }
        ready.forEach { $0.resume() }
        return failure
    }

    /// Records an accepted POST and wakes the waiters it satisfies.
    func record(_ post: WebhookPost) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.posts.append(post)
            return Self.takeSatisfied(&state)
        }
        ready.forEach { $0.resume() }
    }

    private static func takeSatisfied(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let (posts, attempts) = (state.posts.count, state.attempts)
        let done = state.waiters.filter { $0.count <= ($0.attempts ? attempts : posts) }
        state.waiters.removeAll { waiter in done.contains { $0.id == waiter.id } }
        return done.map(\.continuation)
    }
}
