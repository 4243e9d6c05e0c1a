import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import RelayAWSCore
import RelayCore
import RelayHTTP

/// ccrelay as an Amazon Data Firehose HTTP-endpoint destination (PROTOCOLS.md, "Amazon Data
/// Firehose → HTTP endpoint").
///
/// `POST {path}`:
/// * `X-Amz-Firehose-Access-Key` must match one of the configured keys (constant time), else 401.
/// * The body (gzip when `Content-Encoding: gzip`) is `{requestId, timestamp, records:[{data}]}`;
///   each record's base64 data is one EventBridge event or several, newline-delimited.
/// * Every record is decoded by ``PushRecordDecoder``: a record (or line) that is not base64, not
///   JSON, not an object, empty or not a valid event is dead-lettered with its raw text and a reason
///   naming the record index and request id, and the rest are accepted, so one bad record never
///   makes Firehose retry forever.
/// * The events are committed through the intake (partition `firehose`) and only then answered
///   200 `{"requestId":<same>,"timestamp":<ms>}`. A failed commit answers 500 with `errorMessage`
///   and Firehose retries the same request id.
/// * An `X-Amz-Firehose-Request-Id` already answered 200 is answered 200 again without processing;
///   beyond the remembered ids, the dedup ledger drops repeated events.
/// * Refusals: 401 (access key), 400 (bad gzip, not the Firehose request shape; the message names
///   what and where, e.g. `records: missing or not an array`, or a body over `max_body_bytes`).
///   Never 413: Firehose drops a batch answered 413 without backing it up to S3.
/// * Bounded cost: a request id over 128 bytes, a gzip body inflating beyond `max_body_bytes`
///   (inflating stops there) and a request with more than `max_dead_letters_per_request` bad
///   records are refused with 400 before anything is stored: Firehose retries a 400 and finally
///   backs the batch up to S3, which is right for garbage (it drops a batch answered 413).
///
/// `GET {path}` answers 200 for load-balancer health checks.
public struct FirehoseReceiver: HTTPReceiver {
    public let configuration: FirehoseReceiverConfiguration
    public var name: String { configuration.name }
    private let keys: SecretList
    private let decoder: PushRecordDecoder
    private let clock: any WallClock
    private let answered: RequestIDMemory
    private let logger: Logger
    private let authFailures: AuthFailureReporter

    static let accessKeyHeader = HTTPField.Name("X-Amz-Firehose-Access-Key")!
    static let requestIDHeader = HTTPField.Name("X-Amz-Firehose-Request-Id")!
    /// The intake partition every Firehose batch is committed under.
    public static let partition = "firehose"

    /// - Parameters:
    ///   - normalize: the platform's event normalizer (e.g. Genesys EventBridge events).
    ///   - metricsFactory: where `ccrelay_receiver_auth_failures_total` goes. Default: the
    ///     process-wide `MetricsSystem.factory`.
    public init(
        configuration: FirehoseReceiverConfiguration,
        normalize: @escaping PushEventNormalizer,
        clock: any WallClock,
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.keys = SecretList(configuration.accessKeys)
        self.decoder = PushRecordDecoder(normalize: normalize)
        self.clock = clock
        self.answered = RequestIDMemory(capacity: configuration.rememberedRequestIDs)
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = .string(configuration.name)
        self.logger = logger
        self.authFailures = AuthFailureReporter(
            source: configuration.name, clock: clock, logger: logger, metricsFactory: metricsFactory)
    }

    public func addRoutes(to router: Router<BasicRequestContext>, intake: any SourceSender) {
        router.post(RouterPath(configuration.path)) { request, _ in
            await handle(request, intake: intake)
        }
        router.get(RouterPath(configuration.path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
    }

    /// Answers one delivery request; never throws, never traps.
    func handle(_ request: Request, intake: any SourceSender) async -> Response {
        let headerRequestID = request.headers[Self.requestIDHeader] ?? ""
        guard let presented = request.headers[Self.accessKeyHeader], keys.matches(presented) else {
            authFailures.refused(
                "Firehose request refused: access key missing or wrong",
                reason: request.headers[Self.accessKeyHeader] == nil ? "access key missing" : "access key not accepted")
            return respond(401, requestID: headerRequestID, error: "X-Amz-Firehose-Access-Key: missing or not accepted")
        }
        if let tooLong = FirehoseRejection.overlongRequestID(headerRequestID, at: "X-Amz-Firehose-Request-Id") {
            return respond(tooLong.status, requestID: "", error: tooLong.message)
        }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return respond(
                400, requestID: headerRequestID, error: "body: \(length) bytes exceeds \(limit) (max_body_bytes)")
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            return respond(400, requestID: headerRequestID, error: "body: exceeds \(limit) bytes (max_body_bytes)")
        } catch {
            return respond(400, requestID: headerRequestID, error: "body: could not be read")
        }
        if !headerRequestID.isEmpty, answered.contains(headerRequestID) {
            logger.debug(
                "Firehose redelivery of an answered request acknowledged",
                metadata: ["ccrelay.request_id": .string(headerRequestID)])
            return respond(200, requestID: headerRequestID)
        }
        let gzip = request.headers[.contentEncoding]?.lowercased().contains("gzip") ?? false
        let decoded: FirehoseRequest
        do {
            decoded = try FirehoseRequest.decode(body: body, gzip: gzip, maxInflatedBytes: limit)
        } catch {
            logger.debug("Firehose request refused", metadata: ["ccrelay.reason": .string(error.message)])
            return respond(error.status, requestID: headerRequestID, error: error.message)
        }
        let requestID = headerRequestID.isEmpty ? decoded.requestID : headerRequestID
        if answered.contains(requestID) { return respond(200, requestID: requestID) }

        let cap = configuration.maxDeadLettersPerRequest
        var records = DecodedPushRecord()
        for (index, data) in decoded.records.enumerated() {
            let location = PushRecordLocation(index: index, requestID: requestID)
            let record = decoder.decode(base64: data, at: location, maxFailures: cap - records.failures.count)
            records.events += record.events
            records.failures += record.failures
            if records.failures.count > cap {
                logger.debug(
                    "Firehose request refused: too many bad records",
                    metadata: ["ccrelay.request_id": .string(requestID)])
                let message =
                    "records: more than \(cap) records could not be decoded (max_dead_letters_per_request); "
                    + "nothing was stored"
                return respond(400, requestID: requestID, error: message)
            }
        }
        let malformed = records.malformed
        do {
            try await intake.commit(
                partition: Self.partition, events: records.events, malformed: malformed, checkpoint: nil)
        } catch {
            logger.warning(
                "Firehose batch could not be stored; answering 500 so Firehose retries",
                metadata: ["ccrelay.request_id": .string(requestID), "ccrelay.error": .string("\(error)")])
            return respond(500, requestID: requestID, error: "records could not be stored durably; retry")
        }
        if !malformed.isEmpty {
            logger.debug(
                "Firehose records dead-lettered", metadata: ["ccrelay.count": .stringConvertible(malformed.count)])
        }
        answered.remember(requestID)
        return respond(200, requestID: requestID)
    }

    private func respond(_ status: Int, requestID: String, error: String? = nil) -> Response {
        let bytes = FirehoseResponseBody.encode(
            requestID: requestID, timestamp: clock.now.timestamp, errorMessage: error)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
