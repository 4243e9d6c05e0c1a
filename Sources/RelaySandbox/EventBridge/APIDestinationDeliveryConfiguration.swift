/// How the sandbox EventBridge delivers to an API destination, mirroring a rule target's settings.
public struct APIDestinationDeliveryConfiguration: Sendable {
    /// The endpoint URL (ccrelay's receiver, e.g. `http://127.0.0.1:8080/eventbridge`). No default.
    public var url: String
    /// The connection's authorization header: an API-key header, or `Authorization` with
    /// `Basic …`. Default `x-api-key: sandbox-api-destination-key`.
    public var authorization: (name: String, value: String)
    /// How long the endpoint has to answer: EventBridge's 5 s client execution timeout. A later
    /// answer counts as a timeout, and the event is retried. Default 5 s.
    public var answerDeadline: Duration
    /// `RetryPolicy.MaximumEventAgeInSeconds`: how long an event is retried. Default 24 hours.
    public var maximumEventAge: Duration
    /// `RetryPolicy.MaximumRetryAttempts`. Default 185.
    public var maximumRetryAttempts: Int
    /// The first retry's ceiling; each retry's ceiling doubles up to ``maxBackoff``, and the delay is
    /// drawn below it ("exponential back off and jitter"). Default 1 s.
    public var initialBackoff: Duration
    /// The largest retry ceiling. Default 5 minutes.
    public var maxBackoff: Duration
    /// Seed of the retry jitter. Default a fixed seed.
    public var seed: UInt64

    public init(
        url: String,
        authorization: (name: String, value: String) = ("x-api-key", "sandbox-api-destination-key"),
        answerDeadline: Duration = .seconds(5),
        maximumEventAge: Duration = .seconds(86_400),
        maximumRetryAttempts: Int = 185,
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(300),
        seed: UInt64 = 0xE7E_47B1
    ) {
        self.url = url
        self.authorization = authorization
        self.answerDeadline = answerDeadline
        self.maximumEventAge = maximumEventAge
        self.maximumRetryAttempts = max(0, min(maximumRetryAttempts, 185))
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.seed = seed
    }
}
