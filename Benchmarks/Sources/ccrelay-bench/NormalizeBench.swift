import Logging
import RelayCore
import RelayGenesys
import RelayHTTP
import RelaySandbox

/// Normalize + encode per core: JSON bytes in, the normalized event's encoding out, one thread.
enum NormalizeBench {
    static func run(logger: Logger) async throws {
        say("## Normalize + encode (one core)\n")
        say("| input | events | seconds | events/s per core |")
        say("|---|---:|---:|---:|")
        let audits = try await restAuditRecords(logger: logger)
        let restRate = try throughput(records: audits, repeats: 40) { bytes in
            try GenesysAuditNormalizer(keepRaw: false).normalize(try JSONParser.parse(bytes)).encoded().count
        }
        say("| Genesys REST AuditLogMessage | \(restRate.events) | \(formatted(restRate.seconds, digits: 2)) | \(formatted(restRate.rate)) |")

        var generator = GenesysEventBridgeGenerator(seed: 7)
        let conversation = generator.generate(count: 20_000, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
            .filter { $0.kind == .conversation }.map(\.text)
        let normalizer = GenesysEventBridgeNormalizer()
        let pushRate = try throughput(records: conversation, repeats: 20) { bytes in
            try normalizer.normalize(try JSONParser.parse(bytes)).encoded().count
        }
        say("| EventBridge conversation detail event | \(pushRate.events) | \(formatted(pushRate.seconds, digits: 2)) | \(formatted(pushRate.rate)) |")
        say()
    }

    static func throughput(records: [[UInt8]], repeats: Int, _ work: ([UInt8]) throws -> Int) throws -> (events: Int, seconds: Double, rate: Double) {
        var sink = 0
        for record in records.prefix(1_000) { sink &+= try work(record) }  // warm-up
        let start = ContinuousClock.now
        for _ in 0..<repeats {
            for record in records { sink &+= try work(record) }
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(sink != 0)
        let events = records.count * repeats
        return (events, seconds, Double(events) / seconds)
    }

    /// Realistic REST records, as the sandbox org serves them page by page.
    static func restAuditRecords(logger: Logger) async throws -> [[UInt8]] {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: GenesysOrgConfiguration(latePersistence: .zero ... .zero), clock: clock)
        org.generate(count: 5_000)
        clock.advance(by: .seconds(1))
        return try await Sandbox.withRunning(genesys: org, logger: logger) { url in
            let endpoints = GenesysEndpoints(baseURL: url)
            let transport = HTTPTransport()
            let token = GenesysTokenEndpoint(endpoints: endpoints, clientID: org.configuration.clientID, clientSecret: org.configuration.clientSecret, transport: transport)
            let tokens = AccessTokenCache(clock: clock) { () async throws(RelayError) -> AccessToken in try await token.fetch() }
            let client = GenesysAPIClient(endpoints: endpoints, tokens: tokens, transport: transport)
            var records: [[UInt8]] = []
            let interval = "\(clock.now.advanced(by: .seconds(-3600)).timestamp.iso8601)/\(clock.now.timestamp.iso8601)"
            for service in org.configuration.services {
                var page = 1
                while true {
                    let body: JSONValue = [
                        "interval": .string(interval), "serviceName": .string(service), "pageNumber": .number(JSONNumber(page)),
                        "pageSize": 500,
                    ]
                    let response = try await client.request("POST", "/api/v2/audits/query/realtime?expand=user", body: body)
                    let entities = response["entities"]?.arrayValue ?? []
                    records += entities.map { JSONWriter.encode($0) }
                    if page >= Int(response["pageCount"]?.int64Value ?? 0) { break }
                    page += 1
                }
            }
            return records
        }
    }
}
