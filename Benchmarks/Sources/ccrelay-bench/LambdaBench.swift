import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayHTTP
import RelayLambda
import RelayRuntime
import RelaySandbox

/// The Lambda custom runtime: Firehose transformation records/s per invocation (the handler in
/// process, one core), and the cold start of a release binary in its runtime role: from process
/// start until the Runtime API emulator holds the answer to an invocation queued beforehand.
enum LambdaBench {
    static let transformYAML = """
        lambda:
          handler: firehose-transform
          firehose_transform:
            format: splunk
            index: ccas
        """

    static func run(logger: Logger) async throws {
        say("## Lambda: Firehose transformation and cold start\n")
        let handler = try LambdaFunction.makeHandler(yaml: transformYAML, handlerOverride: nil, logger: logger)
        var generator = GenesysEventBridgeGenerator(seed: 41)
        let records = generator.generate(count: 500, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        let payload = firehoseEvent(records)
        let invocations = 200
        var answered = 0
        let seconds = try await measure {
            for index in 0..<invocations {
                let invocation = LambdaInvocation(
                    requestID: "bench-\(index)", deadline: WallInstant(sinceEpoch: .seconds(4_000_000_000)),
                    payload: payload)
                answered += try await handler.handle(invocation, logger: logger).count
            }
        }
        precondition(answered > 0)
        let total = Double(invocations * records.count)
        say("| figure | value |")
        say("|---|---:|")
        say(
            "| transformation records/s (invocations of 500 EventBridge events, Splunk envelope, one core) | \(formatted(total / seconds)) |"
        )
        say(
            "| milliseconds per invocation of 500 records (\(formatted(Double(payload.count) / 1024, digits: 0)) KiB in) | \(formatted(seconds / Double(invocations) * 1000, digits: 1)) |"
        )

        let directory = try temporaryDirectory("lambda")
        let config = directory + "/lambda.yaml"
        try transformYAML.write(toFile: config, atomically: true, encoding: .utf8)
        var starts: [Double] = []
        for _ in 0..<10 {
            let lambda = LambdaRuntimeEmulator()
            starts.append(
                try await Sandbox.withRunning(lambda: lambda, logger: logger) { runtimeAPI in
                    let requestID = lambda.invoke(
                        payload: firehoseEvent(Array(records.prefix(10))), deadlineMs: 4_000_000_000_000)
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                    process.arguments = ["lambda-child", config]
                    var environment = ProcessInfo.processInfo.environment
                    environment["AWS_LAMBDA_RUNTIME_API"] = runtimeAPI
                    process.environment = environment
                    let clock = ContinuousClock()
                    let start = clock.now
                    try process.run()
                    _ = await lambda.answer(for: requestID)
                    let elapsed = (clock.now - start).seconds
                    process.waitUntilExit()
                    return elapsed
                })
        }
        starts.sort()
        say(
            "| cold start: process start → first invocation answered (10 record batch), median of 10 | \(formatted(starts[starts.count / 2] * 1000)) ms |"
        )
        say("| cold start, slowest of 10 | \(formatted((starts.last ?? 0) * 1000)) ms |")
        say()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The child's side, as `ccrelay lambda` does it: the handler from the config, one invocation.
    static func serveOne(configPath: String) async throws {
        var logger = Logger(label: "ccrelay.bench.lambda")
        logger.logLevel = .critical
        let yaml = try String(contentsOfFile: configPath, encoding: .utf8)
        let handler = try LambdaFunction.makeHandler(yaml: yaml, handlerOverride: nil, logger: logger)
        let endpoint = ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] ?? ""
        try await LambdaRuntimeLoop(client: LambdaRuntimeClient(endpoint: endpoint), handler: handler, logger: logger)
            .run(maxInvocations: 1)
    }

    static func firehoseEvent(_ events: [GeneratedPushEvent]) -> [UInt8] {
        let records: [JSONValue] = events.enumerated().map { index, event in
            [
                "recordId": .string("r\(index)"), "approximateArrivalTimestamp": 1_767_225_600_000,
                "data": .string(Base64.encode(event.text)),
            ]
        }
        return JSONWriter.encode([
            "invocationId": "bench",
            "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/genesys",
            "region": "us-east-1", "records": .array(records),
        ])
    }
}
