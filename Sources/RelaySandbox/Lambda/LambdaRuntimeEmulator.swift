import RelayCore
import Synchronization

/// How a runtime answered one invocation, as the emulated Runtime API recorded it.
public enum LambdaRuntimeAnswer: Sendable, Equatable {
    /// `POST /runtime/invocation/{id}/response` with this body.
    case response([UInt8])
    /// `POST /runtime/invocation/{id}/error`: the body's `errorType` and `errorMessage`, and the
    /// `Lambda-Runtime-Function-Error-Type` header when sent.
    case error(type: String, message: String, headerType: String?)

    /// The response body parsed as JSON, for `.response`.
    public var json: JSONValue? {
        guard case .response(let body) = self else { return nil }
        return try? JSONParser.parse(body)
    }
}

/// A faithful local stand-in for the AWS Lambda Runtime API (version 2018-06-01) that a custom
/// runtime (`bootstrap`) talks to: `GET /2018-06-01/runtime/invocation/next` long-polls until an
/// invocation is queued and hands it out with `Lambda-Runtime-Aws-Request-Id`,
/// `Lambda-Runtime-Deadline-Ms`, `Lambda-Runtime-Invoked-Function-Arn` and `Lambda-Runtime-Trace-Id`;
/// `/response` and `/error` are checked (known, unanswered request id; a response at most 6 MB,
/// or ``responseLimit``, else 413 with the invocation left open for `/error`; an error body with
/// `errorType` and `errorMessage`) and recorded; `/runtime/init/error` too. Serve it with
/// ``Sandbox/withRunning(lambda:logger:_:)`` and point `AWS_LAMBDA_RUNTIME_API` at the
/// `host:port` it gives.
public final class LambdaRuntimeEmulator: Sendable {
    struct Pending: Sendable {
        var requestID: String
        var payload: [UInt8]
        var deadlineMs: Int64
    }

    struct State {
        var queue: [Pending] = []
        var waiters: [(id: Int, continuation: CheckedContinuation<Pending?, Never>)] = []
        var nextWaiter = 0
        var handedOut: Set<String> = []
        var answers: [String: LambdaRuntimeAnswer] = [:]
        var answerWaiters: [(requestID: String, continuation: CheckedContinuation<LambdaRuntimeAnswer?, Never>)] = []
        var initErrors: [LambdaRuntimeAnswer] = []
        /// Answers refused as invalid (unknown or answered id, oversized, malformed error).
        var refused: [String] = []
        var counter = 0
        var closed = false
    }

    /// Largest response body the Runtime API accepts: 6 MB (Lambda's synchronous payload limit).
    public static let maxResponseBytes = 6 * 1024 * 1024
    /// `Lambda-Runtime-Invoked-Function-Arn` of every invocation.
    public let functionARN: String
    /// Largest response body this emulator accepts; a larger one is refused with 413. Default
    /// ``maxResponseBytes``.
    public let responseLimit: Int
    let state = Mutex(State())

    /// An emulator whose invocations name `functionARN` and which refuses responses over
    /// `responseLimit` bytes (a test lowers it to have a response refused).
    public init(
        functionARN: String = "arn:aws:lambda:us-east-1:123456789012:function:ccrelay",
        responseLimit: Int = LambdaRuntimeEmulator.maxResponseBytes
    ) {
        self.functionARN = functionARN
        self.responseLimit = responseLimit
    }

    /// Queues an invocation with `payload` whose deadline is `deadlineMs` (epoch milliseconds);
    /// returns its request id.
    @discardableResult
    public func invoke(payload: [UInt8], deadlineMs: Int64) -> String {
        let (pending, waiter) = state.withLock { state -> (Pending, CheckedContinuation<Pending?, Never>?) in
            state.counter += 1
            let id = "8476a536-e9f4-11e8-9739-" + Self.uuidTail(state.counter)
            let pending = Pending(requestID: id, payload: payload, deadlineMs: deadlineMs)
            if !state.waiters.isEmpty {
                state.handedOut.insert(id)
                return (pending, state.waiters.removeFirst().continuation)
            }
            state.queue.append(pending)
            return (pending, nil)
        }
        waiter?.resume(returning: pending)
        return pending.requestID
    }

    /// Waits for the answer to `requestID`; `nil` when the emulator closes first.
    public func answer(for requestID: String) async -> LambdaRuntimeAnswer? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> LambdaRuntimeAnswer?? in
                if let answer = state.answers[requestID] { return .some(answer) }
                if state.closed { return .some(nil) }
                state.answerWaiters.append((requestID, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Every `/runtime/init/error` received.
    public var initErrors: [LambdaRuntimeAnswer] { state.withLock { $0.initErrors } }

    /// Why answers were refused, in order.
    public var refusedAnswers: [String] { state.withLock { $0.refused } }

    /// Ends every pending long poll and answer wait (the runtime sees an error); called when the
    /// sandbox stops.
    public func close() {
        let (waiters, answerWaiters) = state.withLock { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.answerWaiters.removeAll()
            }
            return (state.waiters.map(\.continuation), state.answerWaiters.map(\.continuation))
        }
        waiters.forEach { $0.resume(returning: nil) }
        answerWaiters.forEach { $0.resume(returning: nil) }
    }

    /// The next invocation, waiting for one; `nil` when closed or the request was cancelled.
    func next() async -> Pending? {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Pending?, Never>) in
                let immediate = state.withLock { state -> Pending?? in
                    if state.closed || Task.isCancelled { return .some(nil) }
                    if !state.queue.isEmpty {
                        let pending = state.queue.removeFirst()
                        state.handedOut.insert(pending.requestID)
                        return .some(pending)
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Pending?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Records an answer; returns why it was refused, or nil.
    func record(_ answer: LambdaRuntimeAnswer, for requestID: String) -> String? {
        let (problem, waiters) = state.withLock {
            state -> (String?, [CheckedContinuation<LambdaRuntimeAnswer?, Never>]) in
            guard state.handedOut.contains(requestID) else {
                state.refused.append("unknown request id \(requestID)")
                return ("unknown request id", [])
            }
            guard state.answers[requestID] == nil else {
                state.refused.append("second answer for \(requestID)")
                return ("request id already answered", [])
            }
            state.answers[requestID] = answer
            let ready = state.answerWaiters.filter { $0.requestID == requestID }.map(\.continuation)
            state.answerWaiters.removeAll { $0.requestID == requestID }
            return (nil, ready)
        }
        waiters.forEach { $0.resume(returning: answer) }
        return problem
    }

    func recordRefusal(_ reason: String) {
        state.withLock { $0.refused.append(reason) }
    }

    /// Twelve hex digits, zero-padded: the last group of a UUID.
    static func uuidTail(_ value: Int) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    func recordInitError(_ answer: LambdaRuntimeAnswer) {
        state.withLock { $0.initErrors.append(answer) }
    }
}
