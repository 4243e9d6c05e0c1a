/// The decisions of adaptive request concurrency (AIMD, as TCP congestion control and Vector's
/// adaptive concurrency make them): how many requests a sink may have in flight at once.
///
/// Time is cut into windows about one round trip long. At the end of a window the limit grows by
/// one when requests were held back by it and their mean round-trip time was no higher than the
/// moving average (the destination keeps up), shrinks by ``Parameters/decreaseRatio`` when the
/// destination pushed back (429, 503, other "busy" answers, transport timeouts) or the mean rose
/// beyond the average by more than ``Parameters/deviationScale`` deviations (and
/// ``Parameters/minimumRise``), and stays in between. The first window's round trips, which
/// include setting up connections (and whatever held the first requests), are not averaged, and a
/// window is never longer than the last one's mean, so one slow answer does not slow every decision
/// while the average decays. A pinned limit never moves. A pure value: the caller supplies the
/// instants and does the waiting.
public struct AdaptiveConcurrency: Sendable, Equatable {
    /// Tuning of the algorithm; the defaults are Vector's.
    public struct Parameters: Sendable, Equatable {
        /// Factor applied to the limit on back pressure or rising round-trip times. Default 0.9.
        public var decreaseRatio: Double = 0.9
        /// Weight of a window's mean round-trip time in the moving average. Default 0.4.
        public var ewmaAlpha: Double = 0.4
        /// Deviations above the moving average a window's mean may be before it counts as rising.
        /// Default 2.5.
        public var deviationScale: Double = 2.5
        /// Rises smaller than this fraction of the moving average never count as rising, so that
        /// perfectly steady response times (deviation 0) do not make every jitter a signal.
        /// Default 0.1.
        public var minimumRise: Double = 0.1
        public init() {}
    }

    /// How one request ended, as far as concurrency is concerned.
    public enum Response: Sendable, Equatable {
        /// The destination answered about the request itself (accepted, refused, partly accepted).
        case answered
        /// The destination pushed back: busy, throttling, unreachable or timed out.
        case backPressure
        /// Says nothing about the destination's load (e.g. a refused credential): not counted.
        case ignored
    }

    /// Most requests in flight now; between 1 and ``maximum``.
    public private(set) var limit: Int
    /// Requests in flight now.
    public private(set) var inFlight = 0
    /// Highest limit; the pinned limit when ``isPinned``.
    public let maximum: Int
    /// Whether the limit is fixed (a configured `batch.concurrency`).
    public let isPinned: Bool
    let parameters: Parameters

    /// Moving average and mean deviation of windows' mean round-trip times, in seconds.
    private var average: Double?
    private var deviation = 0.0
    /// The current window: it ends at `windowEnd`, and never at the instant it started (several
    /// answers at one instant make one decision).
    private var windowStart: WallInstant?
    private var windowEnd: WallInstant?
    private var sampleSum = 0.0
    private var sampleCount = 0
    private var sawBackPressure = false
    private var reachedLimit = false
    /// Whether a window with answers has closed: the first one's round trips include setting up
    /// connections (and whatever held the first requests), so they are not averaged.
    private var warmedUp = false

    /// Relative difference below which a window's mean counts as equal to the moving average
    /// (a moving average of equal round trips differs from them by rounding).
    static let rounding = 1e-9

    /// An adaptive limit starting at `initial` (default 1), at most `maximum`.
    public init(maximum: Int, initial: Int = 1, parameters: Parameters = Parameters()) {
        self.maximum = max(1, maximum)
        self.limit = min(max(1, initial), self.maximum)
        self.isPinned = false
        self.parameters = parameters
    }

    /// A limit pinned at `fixed`.
    public init(pinned fixed: Int) {
        self.maximum = max(1, fixed)
        self.limit = self.maximum
        self.isPinned = true
        self.parameters = Parameters()
    }

    /// Requesters waiting for a permit (``joinQueue()``): a permit that frees goes to one of them
    /// before anyone who has not waited.
    public private(set) var queued = 0

    /// Takes a permit for one request if fewer than ``limit`` are in flight and, unless `queued`
    /// (the caller joined the queue), nobody is queued for one. A queued caller that acquires
    /// leaves the queue.
    public mutating func acquire(queued wasQueued: Bool = false) -> Bool {
        guard inFlight < limit, wasQueued || queued == 0 else {
            if inFlight >= limit { reachedLimit = true }
            return false
        }
        if wasQueued { leaveQueue() }
        inFlight += 1
        if inFlight >= limit { reachedLimit = true }
        return true
    }

    /// A requester whose ``acquire(queued:)`` failed waits for a permit, ahead of later comers.
    public mutating func joinQueue() {
        queued += 1
    }

    /// A queued requester gives up waiting (its batch is held or given back).
    public mutating func leaveQueue() {
        queued = max(0, queued - 1)
    }

    /// Gives back the permit of a request sent at `sentAt` that ended at `now` with `response`,
    /// and adjusts the limit when a window is complete.
    public mutating func release(_ response: Response, sentAt: WallInstant, now: WallInstant) {
        inFlight = max(0, inFlight - 1)
        guard !isPinned else { return }
        switch response {
        case .ignored:
            return
        case .backPressure:
            sawBackPressure = true
        case .answered:
            sampleSum += sentAt.duration(to: now).seconds
            sampleCount += 1
        }
        guard let start = windowStart, let end = windowEnd else { return closeWindow(now: now) }
        if now >= end, now > start { closeWindow(now: now) }
    }

    /// Ends the current window: decides the new limit and starts the next window one mean
    /// round-trip time long.
    private mutating func closeWindow(now: WallInstant) {
        let mean = sampleCount > 0 ? sampleSum / Double(sampleCount) : nil
        let warmUp = !warmedUp && mean != nil
        if warmUp { warmedUp = true }
        var rising = false
        if let mean, let average {
            rising = mean > average + max(parameters.deviationScale * deviation, parameters.minimumRise * average)
        }
        if sawBackPressure || rising {
            limit = max(1, Int((Double(limit) * parameters.decreaseRatio).rounded(.down)))
        } else if reachedLimit, let mean, mean <= (average ?? mean) * (1 + Self.rounding), limit < maximum {
            limit += 1
        }
        if let mean, !warmUp {
            if let previous = average {
                let alpha = parameters.ewmaAlpha
                deviation = (1 - alpha) * deviation + alpha * abs(mean - previous)
                average = (1 - alpha) * previous + alpha * mean
            } else {
                average = mean
            }
        }
        windowStart = now
        // One round trip long: the shorter of the moving average and this window's mean, so that
        // one slow answer (a cold connection, a held request) does not stretch the windows and
        // slow every decision while the average decays.
        windowEnd = now.advanced(by: .secondsDouble(warmUp ? 0 : min(average ?? 0, mean ?? .infinity)))
        sampleSum = 0
        sampleCount = 0
        sawBackPressure = false
        reachedLimit = inFlight >= limit
    }
}

extension AdaptiveConcurrency.Response {
    /// What a delivery's outcome says about the destination's load: ``DeliveryOutcome/unavailable(reason:retryAfter:)``
    /// (429, 502–504, transport errors and timeouts) is back pressure, a refused credential says
    /// nothing, every other answer is an answer.
    public init(_ outcome: DeliveryOutcome) {
        switch outcome {
        case .unavailable: self = .backPressure
        case .credentialRejected: self = .ignored
        case .partial(let partial) where partial.retryIsOutage: self = .backPressure
        default: self = .answered
        }
    }
}
