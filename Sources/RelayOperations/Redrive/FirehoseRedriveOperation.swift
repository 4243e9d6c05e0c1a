import Foundation
import Logging
import RelayAWS
import RelayAWSCore
import RelayConfig
import RelayCore
import RelayHTTP
import RelayRuntime

/// What `ccrelay redrive` asks for.
public struct FirehoseRedriveRequest: Sendable, Equatable {
    /// The configured `firehose` source whose normalizer, routes and ledger are used.
    public var source: String
    /// Where Firehose backed up what it could not deliver (`s3://bucket/http-endpoint-failed/`).
    public var from: S3Location
    /// The bucket's region; default `AWS_REGION` / `AWS_DEFAULT_REGION`, else `us-east-1` with an
    /// endpoint.
    public var region: String?
    /// An S3-compatible endpoint (MinIO, moto); default AWS's.
    public var endpoint: String?
    /// Read and decode only: nothing is committed or delivered.
    public var dryRun: Bool

    public init(source: String, from: S3Location, region: String? = nil, endpoint: String? = nil, dryRun: Bool = false)
    {
        self.source = source
        self.from = from
        self.region = region
        self.endpoint = endpoint
        self.dryRun = dryRun
    }

    /// A request whose location is written `s3://bucket/prefix/`.
    /// - Throws: `RelayError(.configInvalid)` naming `from` when it is not such a location.
    public init(
        source: String, from text: String, region: String? = nil, endpoint: String? = nil, dryRun: Bool = false
    ) throws(RelayError) {
        self.init(source: source, from: try S3Location.parse(text), region: region, endpoint: endpoint, dryRun: dryRun)
    }
}

/// What a re-drive did: what it read and committed, then what the sinks delivered.
public struct FirehoseRedriveOutcome: Sendable, Equatable {
    public var ingest: FirehoseRedriveReport
    public var delivered = 0
    /// Batches the sinks dead-lettered while draining.
    public var deliveryDeadLettered = 0
    /// Rows left in the outboxes when delivery gave up.
    public var remaining = 0

    /// True when every object was read and everything committed was delivered.
    public var succeeded: Bool { ingest.failedObjects.isEmpty && remaining == 0 && deliveryDeadLettered == 0 }
}

/// `ccrelay redrive`: feeds the objects Firehose backed up to S3 (after its retry window ran out)
/// through a configured `firehose` source, as if Firehose had delivered them, then drains the
/// outboxes with the runtime's sink workers (like `backfill`). Credentials for the bucket come from
/// the AWS default chain (environment keys, web identity, container endpoint, instance metadata),
/// as the S3 sink's do without keys.
public struct FirehoseRedriveOperation: Sendable {
    private let runtime: RelayRuntime
    private let clock: any WallClock
    private let transport: HTTPTransport
    private let environment: @Sendable (String) -> String?
    private let logger: Logger
    /// Delivery time allowed after the objects are committed. Default 1 hour.
    public var drainTimeout: Duration = .seconds(3600)

    /// - Parameter environment: where the credential chain and region are read. Default the process's.
    public init(
        runtime: RelayRuntime, clock: any WallClock, transport: HTTPTransport = HTTPTransport(),
        environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] },
        logger: Logger
    ) {
        self.runtime = runtime
        self.clock = clock
        self.transport = transport
        self.environment = environment
        self.logger = logger
    }

    /// Runs the re-drive; call it inside the runtime's ``RelayRuntime/whileRunning(_:)``.
    /// - Throws: `RelayError(.configInvalid)` for an unknown or non-Firehose source, a missing region
    ///   or no credentials; `http.status` when S3 refuses the listing; what the store throws.
    public func run(_ request: FirehoseRedriveRequest) async throws -> FirehoseRedriveOutcome {
        let name = request.source
        guard let blueprint = runtime.configuration.sources.first(where: { $0.name == name }) else {
            throw RelayError(.configInvalid, "redrive: no source named \(name) in the configuration")
        }
        guard let source = blueprint as? FirehoseReceiverConfiguration else {
            throw RelayError(.configInvalid, "redrive: source \(name) is not a firehose source")
        }
        var logger = logger
        logger[metadataKey: "ccrelay.source"] = "\(name)"
        let intake = request.dryRun ? nil : runtime.intake(forSource: name)
        if !request.dryRun, intake == nil {
            throw RelayError(.configInvalid, "redrive: source \(name) has no intake")
        }
        var redrive = FirehoseBackupRedrive(
            client: try client(for: request), normalize: source.makeNormalizer(), logger: logger)
        redrive.maxDeadLettersPerObject = source.maxDeadLettersPerRequest
        logger.info("Re-drive started", metadata: ["ccrelay.from": "\(request.from)"])
        var outcome = FirehoseRedriveOutcome(ingest: try await redrive.run(prefix: request.from.prefix, intake: intake))
        if !request.dryRun {
            let drained = try await runtime.drain(deadline: clock.now.advanced(by: drainTimeout))
            outcome.delivered = drained.delivered
            outcome.deliveryDeadLettered = drained.deadLettered
            outcome.remaining = drained.remaining
        }
        logger.info(
            "Re-drive finished",
            metadata: [
                "ccrelay.objects": "\(outcome.ingest.objects)", "ccrelay.accepted": "\(outcome.ingest.accepted)",
                "ccrelay.duplicates": "\(outcome.ingest.duplicates)",
            ])
        return outcome
    }

    private func client(for request: FirehoseRedriveRequest) throws(RelayError) -> S3Client {
        guard
            let region = request.region ?? AWSRegion.fromEnvironment(environment)
                ?? (request.endpoint == nil ? nil : "us-east-1")
        else {
            throw RelayError(.configInvalid, "redrive: the bucket's region is unknown: pass --region or set AWS_REGION")
        }
        guard AWSRegion.isPlausible(region) else {
            throw RelayError(.configInvalid, "redrive: \"\(region)\" is not an AWS region such as eu-west-1")
        }
        let credentials: AWSCredentialSource
        do {
            credentials = try AWSCredentialSource.defaultChain(environment)
        } catch {
            throw RelayError(.configInvalid, "redrive: no AWS credentials for the bucket (\(error.message))")
        }
        return S3Client(
            bucket: request.from.bucket, region: region, endpoint: request.endpoint,
            credentials: credentials.provider(
                transport: transport, clock: clock, logger: logger, readFile: Interpolation.readFileContents),
            transport: transport, clock: clock)
    }
}
