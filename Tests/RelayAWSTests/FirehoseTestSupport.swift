import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RelayCore
import RelayHTTP
import RelayState
import RelayTesting
import ServiceLifecycle
import Synchronization

@testable import RelayAWS

let testLogger = Logger.quiet("ccrelay.aws.tests")

/// A vendor-neutral normalizer for tests: `{id, detail:{topicName, eventBody:{eventTime}}}`.
let testNormalizer: PushEventNormalizer = { (value: JSONValue) throws(RelayError) -> Event in
    guard let id = value["id"]?.stringValue else { throw RelayError(.malformedRecord, "id is missing") }
    guard let topic = value["detail"]?["topicName"]?.stringValue else {
        throw RelayError(.malformedRecord, "detail.topicName is missing")
    }
    return Event(
        eventID: EventID.make(platform: .genesys, nativeID: id, topic: topic),
        timestamp: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000),
        platform: .genesys, sourceKind: "test", eventType: "TEST",
        attributes: JSONObject(["topic_name": .string(topic)])
    )
}

/// An EventBridge-shaped event text.
func eventText(_ id: String, topic: String = "v2.users.u-1.presence") -> String {
    #"{"version":"0","id":"\#(id)","detail-type":"v2.users.{id}.presence","detail":{"topicName":"\#(topic)","eventBody":{"x":1}}}"#
}

/// A Firehose request body with each record's data base64-encoded.
func firehoseBody(requestID: String, records: [String]) -> [UInt8] {
    let array = records.map { record -> JSONValue in ["data": .string(Base64.encode(Array(record.utf8)))] }
    return JSONWriter.encode([
        "requestId": .string(requestID), "timestamp": 1_578_090_901_599, "records": .array(array),
    ])
}

/// An intake that keeps commits in memory with ledger-like dedup by event id, and can be told to fail.
final class RecordingIntake: SourceSender {
    private struct State {
        var events: [String: Event] = [:]
        var malformed: [MalformedRecord] = []
        var commits = 0
        var failing = false
    }

    private let state = Mutex(State())

    var events: [Event] { state.withLock { Array($0.events.values) } }
    var eventIDs: Set<String> { state.withLock { Set($0.events.keys) } }
    var malformed: [MalformedRecord] { state.withLock { $0.malformed } }
    var commits: Int { state.withLock { $0.commits } }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func checkpoint(partition: String) async throws -> String? { nil }

    func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?) async throws
        -> AppendResult
    {
        try state.withLock { state in
            if state.failing { throw RelayError(.stateStore, "disk full") }
            state.commits += 1
            var result = AppendResult(deadLettered: malformed.count)
            for event in events {
                if state.events.updateValue(event, forKey: event.eventID) == nil {
                    result.accepted += 1
                } else {
                    result.duplicates += 1
                }
            }
            state.malformed += malformed
            return result
        }
    }
}

/// Serves one receiver on 127.0.0.1 port 0 while `body` runs; `body` gets the base URL.
func withReceiverServer<T: Sendable>(
    _ receiver: any HTTPReceiver, intake: any SourceSender, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let router = Router()
    receiver.addRoutes(to: router, intake: intake)
    let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: testLogger
    )
    let group = ServiceGroup(configuration: .init(services: [application], logger: testLogger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = 0
        for await bound in stream { port = bound }
        let result: Result<T, any Error>
        do {
            result = .success(try await body("http://127.0.0.1:\(port)"))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// A response read whole.
struct ReceivedResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    var json: JSONValue? { try? JSONParser.parse(body) }
    func header(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}

func send(
    _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil
) async throws -> ReceivedResponse {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 4 << 20)
    return ReceivedResponse(
        status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
        body: Array(buffer: buffer))
}

/// A Hummingbird request built in memory, for driving a handler without a socket.
func memoryRequest(path: String, headers: HTTPFields, body: [UInt8]) -> Request {
    Request(
        head: HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: path, headerFields: headers),
        body: RequestBody(buffer: ByteBuffer(bytes: body))
    )
}
