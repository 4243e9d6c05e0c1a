import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import RelayAWSCore
import RelayCore
import RelayHTTP

/// ccrelay as the target of an Amazon EventBridge API destination: one EventBridge event per POST.
///
/// `POST {path}`:
/// * authenticated by the connection's API-key header or Basic credentials (constant-time
///   comparison against every accepted value), else 401 `{"errorMessage"}`;
/// * over `max_body_bytes` → 413;
/// * the body is decoded by ``PushRecordDecoder`` (the rule every push path shares), committed
///   through the intake (partition `api_destination`) and only then answered 200
///   `{"accepted":N,"duplicates":N,"dead_lettered":N}`; a body that is empty, not JSON, not an
///   object or does not normalize is dead-lettered with its raw text and a reason starting `body`
///   (also 200: retrying cannot fix it);
/// * a body with more than `max_dead_letters_per_request` bad parts answers 400 and stores nothing;
/// * a failed commit answers 500, which EventBridge retries.
public struct APIDestinationReceiver: HTTPReceiver {
    public let configuration: APIDestinationReceiverConfiguration
    public var name: String { configuration.name }
    private let secrets: SecretList
    private let headerName: HTTPField.Name
    private let decoder: PushRecordDecoder
    private let logger: Logger
    private let authFailures: AuthFailureReporter

    /// The intake partition every event is committed under.
    public static let partition = "api_destination"

    /// - Parameters:
    ///   - normalize: the platform's event normalizer (e.g. Genesys EventBridge events).
    ///   - clock: times the at-most-once-a-minute warning about refused requests.
    ///   - metricsFactory: where `ccrelay_receiver_auth_failures_total` goes. Default: the
    ///     process-wide `MetricsSystem.factory`.
    public init(
        configuration: APIDestinationReceiverConfiguration, normalize: @escaping PushEventNormalizer,
        clock: any WallClock, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        switch configuration.auth {
        case .apiKey(let header, let values):
            self.secrets = SecretList(values)
            self.headerName = HTTPField.Name(header) ?? .authorization
        case .basic(let credentials):
            self.secrets = SecretList(basic: credentials)
            self.headerName = .authorization
        }
        self.decoder = PushRecordDecoder(normalize: normalize)
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
    }

    /// Answers one event; never throws, never traps.
    func handle(_ request: Request, intake: any SourceSender) async -> Response {
        guard authenticated(request) else {
            authFailures.refused(
                "API destination request refused: credentials missing or wrong",
                reason: "credentials missing or not accepted")
            return respond(401, ["errorMessage": "credentials missing or not accepted"])
        }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return respond(413, ["errorMessage": .string("body: \(length) bytes exceeds \(limit)")])
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            return respond(413, ["errorMessage": .string("body: exceeds \(limit) bytes")])
        } catch {
            return respond(400, ["errorMessage": "body: could not be read"])
        }
        let cap = configuration.maxDeadLettersPerRequest
        let record = decoder.decode(body, at: PushRecordLocation(), maxFailures: cap)
        if record.failures.count > cap {
            logger.debug("API destination request refused: too many bad parts")
            let message =
                "body: more than \(cap) parts could not be decoded (max_dead_letters_per_request); nothing was stored"
            return respond(400, ["errorMessage": .string(message)])
        }
        let malformed = record.malformed
        let result: AppendResult
        do {
            result = try await intake.commit(
                partition: Self.partition, events: record.events, malformed: malformed, checkpoint: nil)
        } catch {
            logger.warning(
                "API destination event could not be stored; answering 500 so EventBridge retries",
                metadata: ["ccrelay.error": .string("\(error)")])
            return respond(500, ["errorMessage": "the event could not be stored durably; retry"])
        }
        return respond(
            200,
            [
                "accepted": .number(JSONNumber(result.accepted)),
                "duplicates": .number(JSONNumber(result.duplicates)),
                "dead_lettered": .number(JSONNumber(malformed.count)),
            ])
    }

    private func authenticated(_ request: Request) -> Bool {
        guard let header = request.headers[headerName] else { return false }
        switch configuration.auth {
        case .apiKey:
            return secrets.matches(header)
        case .basic:
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                let decoded = Base64.decode(parts[1].drop(while: { $0 == " " })),
                let text = String(validating: decoded, as: UTF8.self)
            else { return false }
            return secrets.matches(text)
        }
    }

    private func respond(_ status: Int, _ object: JSONValue) -> Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(object)))
        )
    }
}
