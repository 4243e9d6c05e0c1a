import Hummingbird
import RelayAWSCore
import RelayCore
import RelayHTTP
import RelayTesting
import Synchronization
import Testing

@testable import RelayAWS

/// The shared sink contract (``SinkCompliance``) for the S3 archive sink, against a small in-process
/// S3 that keeps what is `PUT`, checks the access key, and answers scripted faults.
@Suite("S3 sink compliance", .timeLimit(.minutes(2)))
struct S3SinkComplianceTests {
    @Test("the S3 sink keeps the contract", arguments: SinkCompliance.cases([S3Harness()]))
    func compliance(_ testCase: SinkCompliance.Case) async throws {
        try await SinkCompliance.run(testCase)
    }
}

/// An S3 bucket endpoint as the sink uses it: `PUT /{bucket}/{key}` of gzip NDJSON. An unknown access
/// key is answered 403 `InvalidAccessKeyId`; a queued fault answers the next `PUT` instead.
final class FakeS3: HTTPReceiver {
    enum Fault: Sendable {
        /// 503 `SlowDown` with `Retry-After: 5` (throttling).
        case slowDown
        /// 400 `InvalidArgument` (refused for good).
        case invalidArgument
    }

    static let accessKeyID = "AKIACOMPLIANCE"
    let name = "fake-s3"
    private let state = Mutex<(keys: [String], objects: [String: [UInt8]], faults: [Fault])>(([], [:], []))

    func inject(_ fault: Fault) { state.withLock { $0.faults.append(fault) } }

    /// The `event_id`s of the stored objects, objects in the order first written.
    func eventIDs() throws -> [String] {
        let objects = state.withLock { state in state.keys.compactMap { state.objects[$0] } }
        return try objects.flatMap { gzip in
            let text = String(decoding: try Gzip.decompress(gzip, maxBytes: 1 << 24), as: UTF8.self)
            return try text.split(separator: "\n").map {
                try JSONParser.parse(String($0))["event_id"]?.stringValue ?? ""
            }
        }
    }

    func addRoutes(to router: Router<BasicRequestContext>, intake: any SourceSender) {
        router.put("/**") { request, _ in
            let authorization = request.headers[.authorization] ?? ""
            guard authorization.contains("Credential=\(Self.accessKeyID)/") else {
                return Self.error(403, "InvalidAccessKeyId")
            }
            switch self.state.withLock({ $0.faults.isEmpty ? nil : $0.faults.removeFirst() }) {
            case .slowDown?:
                var response = Self.error(503, "SlowDown")
                response.headers[.retryAfter] = "5"
                return response
            case .invalidArgument?: return Self.error(400, "InvalidArgument")
            case nil: break
            }
            let body = try await request.body.collect(upTo: 1 << 24)
            let key = request.uri.path
            self.state.withLock { state in
                if state.objects.updateValue(Array(buffer: body), forKey: key) == nil { state.keys.append(key) }
            }
            return Response(status: .ok, headers: [.eTag: "\"etag\""])
        }
    }

    private static func error(_ status: Int, _ code: String) -> Response {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>compliance</Message></Error>"
        return Response(
            status: .init(code: status), headers: [.contentType: "application/xml"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
    }
}

struct S3Harness: SinkComplianceHarness {
    var name: String { "S3 archive" }
    var hasPermanentFailure: Bool { true }
    var hasCredential: Bool { true }

    func withDestination(clock: ManualClock, _ body: @Sendable (SinkComplianceDestination) async throws -> Void)
        async throws
    {
        let s3 = FakeS3()
        try await withReceiverServer(s3, intake: InMemoryIntake()) { url in
            @Sendable func makeSink(accessKeyID: String = FakeS3.accessKeyID) -> any Sink {
                S3ArchiveSink(
                    configuration: S3SinkConfiguration(
                        name: SinkComplianceKit.sinkName, bucket: "archive", region: "us-east-1", endpoint: url,
                        credentials: .keys(AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: "secret")),
                        requestTimeout: .seconds(10)),
                    transport: HTTPTransport(), clock: clock, logger: SinkComplianceKit.logger)
            }
            try await body(
                SinkComplianceDestination(
                    makeSink: { _ in makeSink() },
                    arrived: { try s3.eventIDs() },
                    failRetriably: { s3.inject(.slowDown) },
                    permanentFailure: { _ in
                        s3.inject(.invalidArgument)
                        return (makeSink(), "InvalidArgument")
                    },
                    credentialFailure: { _ in makeSink(accessKeyID: "AKIAUNKNOWN") }
                ))
        }
    }
}
