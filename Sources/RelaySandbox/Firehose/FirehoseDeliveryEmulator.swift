import Logging
import RelayCore
import RelayHTTP
import Synchronization

/// An Amazon Data Firehose delivery stream's HTTP-endpoint destination, emulated: it POSTs
/// batches of EventBridge events in Firehose's request format (base64 records, gzip, the access
/// key, the common attributes and a request id reused on every retry) and judges each answer by
/// AWS's HTTP endpoint delivery specification:
/// * success is a 200 whose body is JSON of at most 1 MiB with `Content-Type: application/json`, no
///   `Content-Encoding`, the request's own `requestId` and a `timestamp`; a 200 that breaks any of
///   these counts as a 500;
/// * **413 is permanent: the batch is dropped, not backed up to S3** (``dropped``);
/// * every other answer, and a transport failure, is retried with backoff from 1 s doubling to
///   2 min, each delay within ±15 %, for up to the retry duration, on an injected clock; then the
///   batch goes to the S3 backup bucket (``failed``).
public final class FirehoseDeliveryEmulator: Sendable {
    public let configuration: FirehoseDeliveryConfiguration
    private let transport: HTTPTransport
    private let clock: any WallClock
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var random: SeededGenerator
        var acknowledged: [GeneratedPushEvent] = []
        var failed: [GeneratedPushEvent] = []
        var dropped: [GeneratedPushEvent] = []
        var stats = FirehoseDeliveryStats()
        var responsesToLose = 0
    }

    /// - Parameter clock: drives the retry backoff and the request `timestamp`.
    public init(
        configuration: FirehoseDeliveryConfiguration, transport: HTTPTransport = HTTPTransport(), clock: any WallClock,
        logger: Logger
    ) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.state = Mutex(State(random: SeededGenerator(seed: configuration.requestIDSeed)))
        var logger = logger
        logger[metadataKey: "ccrelay.sandbox"] = "firehose"
        self.logger = logger
    }

    /// Events answered 200, in delivery order.
    public var acknowledged: [GeneratedPushEvent] { state.withLock { $0.acknowledged } }
    /// Events of requests given up after the retry duration (Firehose's S3 backup).
    public var failed: [GeneratedPushEvent] { state.withLock { $0.failed } }
    /// Events of requests answered 413, which Firehose neither retries nor backs up: lost.
    public var dropped: [GeneratedPushEvent] { state.withLock { $0.dropped } }
    public var stats: FirehoseDeliveryStats { state.withLock { $0.stats } }

    /// The next `count` responses are discarded after the endpoint answered, as when the answer is
    /// lost on the way back (a crash before the response is written, a timeout): Firehose retries the
    /// same request id although the endpoint has stored the records.
    public func loseResponses(_ count: Int) {
        state.withLock { $0.responsesToLose += count }
    }

    /// Delivers `events` in requests of ``FirehoseDeliveryConfiguration/recordsPerRequest`` events,
    /// one after the other, each retried until answered 200 or its retry duration passed. Returns
    /// how many events were acknowledged. Throws only on cancellation.
    @discardableResult
    public func deliver(_ events: [GeneratedPushEvent]) async throws -> Int {
        try await send(prepare(events))
    }

    /// Builds the requests that would carry `events` (body encoded and compressed, request id
    /// drawn), without sending them: a benchmark prepares its load before the clock starts, since
    /// encoding and compressing is Firehose's work, not the endpoint's.
    public func prepare(_ events: [GeneratedPushEvent]) -> [FirehoseRequest] {
        var requests: [FirehoseRequest] = []
        var start = 0
        while start < events.count {
            let batch = Array(events[start..<min(start + configuration.recordsPerRequest, events.count)])
            let requestID = state.withLock { $0.random.uuid() }
            let headers: [(name: String, value: String)] =
                [
                    ("Content-Type", "application/json"), ("X-Amz-Firehose-Protocol-Version", "1.0"),
                    ("X-Amz-Firehose-Request-Id", requestID), ("X-Amz-Firehose-Access-Key", configuration.accessKey),
                    ("X-Amz-Firehose-Source-Arn", configuration.sourceARN),
                ] + (configuration.gzip ? [("Content-Encoding", "gzip")] : [])
                + (configuration.commonAttributes.isEmpty
                    ? [] : [("X-Amz-Firehose-Common-Attributes", commonAttributesHeader)])
            let request = OutboundRequest(
                method: "POST", url: configuration.url, headers: headers,
                body: requestBody(requestID: requestID, batch: batch),
                timeout: configuration.requestTimeout)
            requests.append(FirehoseRequest(request: request, requestID: requestID, events: batch))
            start += batch.count
        }
        return requests
    }

    /// Sends prepared requests one after the other, each retried until answered 200 or its retry
    /// duration passed. Returns how many events were acknowledged. Throws only on cancellation.
    @discardableResult
    public func send(_ requests: [FirehoseRequest]) async throws -> Int {
        var delivered = 0
        for request in requests {
            if try await send(request) { delivered += request.events.count }
        }
        return delivered
    }

    /// One request, retried as Firehose does. True when it was answered 200.
    private func send(_ prepared: FirehoseRequest) async throws -> Bool {
        let batch = prepared.events
        let giveUpAt = clock.now.advanced(by: configuration.retryDuration)
        var backoff = configuration.initialBackoff
        while true {
            try Task.checkCancellation()
            var verdict = FirehoseResponseVerdict.retry
            var answered = false
            do {
                let response = try await transport.send(prepared.request)
                answered = true
                verdict = FirehoseResponseVerdict(response, requestID: prepared.requestID)
            } catch  where error.code == .cancelled {
                throw CancellationError()
            } catch {
                logger.debug(
                    "sandbox Firehose request failed in transport", metadata: ["ccrelay.error": .string(error.message)])
            }
            let lost = state.withLock { state -> Bool in
                state.stats.requests += 1
                guard answered, state.responsesToLose > 0 else { return false }
                state.responsesToLose -= 1
                state.stats.lostResponses += 1
                return true
            }
            if !lost, verdict == .accepted {
                state.withLock {
                    $0.acknowledged += batch
                    $0.stats.acknowledgedRequests += 1
                }
                return true
            }
            if !lost, verdict == .dropped {
                state.withLock {
                    $0.dropped += batch
                    $0.stats.droppedRequests += 1
                }
                return false
            }
            if clock.now.advanced(by: backoff) > giveUpAt {
                state.withLock {
                    $0.failed += batch
                    $0.stats.failedRequests += 1
                }
                return false
            }
            let delay = state.withLock { state in
                state.stats.retries += 1
                return jittered(backoff, using: &state.random)
            }
            try await clock.sleep(for: delay)
            backoff = min(backoff * 2, configuration.maxBackoff)
        }
    }

    /// `delay` moved uniformly within ± ``FirehoseDeliveryConfiguration/retryJitter`` of itself.
    private func jittered(_ delay: Duration, using random: inout SeededGenerator) -> Duration {
        let jitter = configuration.retryJitter
        guard jitter > 0 else { return delay }
        return delay * Double.random(in: (1 - jitter)...(1 + jitter), using: &random)
    }

    /// `{"commonAttributes":{"name":"value",…}}`, names sorted.
    private var commonAttributesHeader: String {
        var attributes = JSONObject()
        for (name, value) in configuration.commonAttributes.sorted(by: { $0.key < $1.key }) {
            attributes.append(key: name, value: .string(value))
        }
        return JSONWriter.string(["commonAttributes": .object(attributes)])
    }

    /// `{"requestId","timestamp","records":[{"data":base64}]}`, gzip-compressed when configured.
    func requestBody(requestID: String, batch: [GeneratedPushEvent]) -> [UInt8] {
        var records: [JSONValue] = []
        var index = 0
        while index < batch.count {
            let group = batch[index..<min(index + configuration.eventsPerRecord, batch.count)]
            var data: [UInt8] = []
            for event in group {
                data += event.text
                if configuration.eventsPerRecord > 1 { data.append(UInt8(ascii: "\n")) }
            }
            records.append(["data": .string(Base64.encode(data))])
            index += group.count
        }
        let body = JSONWriter.encode([
            "requestId": .string(requestID),
            "timestamp": .number(JSONNumber(clock.now.timestamp.millisecondsSinceEpoch)),
            "records": .array(records),
        ])
        return configuration.gzip ? Gzip.compress(body, level: .standard) : body
    }
}

/// One Firehose request ready to send, with the events it carries.
public struct FirehoseRequest: Sendable {
    let request: OutboundRequest
    let requestID: String
    public let events: [GeneratedPushEvent]
}

/// What the sandbox Firehose did.
public struct FirehoseDeliveryStats: Sendable, Equatable {
    /// HTTP requests sent, retries included.
    public var requests = 0
    /// Retries after a non-200 answer, a transport failure or a lost response.
    public var retries = 0
    /// Responses discarded by ``FirehoseDeliveryEmulator/loseResponses(_:)``.
    public var lostResponses = 0
    public var acknowledgedRequests = 0
    /// Requests given up after the retry duration (backed up to S3).
    public var failedRequests = 0
    /// Requests answered 413 (dropped: neither retried nor backed up).
    public var droppedRequests = 0
    public init() {}
}
