import Logging
import RelayCore
import ServiceLifecycle
import Synchronization

/// Keeps a sandbox Firehose delivery stream busy: every second it generates `perSecond`
/// EventBridge-shaped Genesys events and delivers them as one Firehose request (retried as Firehose
/// retries), until graceful shutdown; the request in flight then finishes. The endpoint URL is
/// resolved when the service starts (ccrelay's server may bind port 0).
public final class FirehoseTrafficService: Service, Sendable {
    private let perSecond: Int
    private let clock: any WallClock
    private let accessKey: String
    private let resolveURL: @Sendable () async throws -> String
    private let logger: Logger
    private let state = Mutex<(generated: [GeneratedPushEvent], emulator: FirehoseDeliveryEmulator?)>(([], nil))

    /// - Parameters:
    ///   - resolveURL: the receiver's full URL (e.g. `http://127.0.0.1:PORT/firehose`), awaited at start.
    public init(
        perSecond: Int, accessKey: String, clock: any WallClock, logger: Logger,
        resolveURL: @escaping @Sendable () async throws -> String
    ) {
        self.perSecond = perSecond
        self.accessKey = accessKey
        self.clock = clock
        self.logger = logger
        self.resolveURL = resolveURL
    }

    /// Every event generated so far (delivered or not).
    public var generated: [GeneratedPushEvent] { state.withLock { $0.generated } }
    /// Events the receiver acknowledged with 200.
    public var acknowledged: [GeneratedPushEvent] { state.withLock { $0.emulator?.acknowledged ?? [] } }

    public func run() async throws {
        let url = try await resolveURL()
        let emulator = FirehoseDeliveryEmulator(
            configuration: FirehoseDeliveryConfiguration(url: url, accessKey: accessKey, recordsPerRequest: 10_000),
            clock: clock, logger: logger)
        state.withLock { $0.emulator = emulator }
        var generator = GenesysEventBridgeGenerator(
            seed: UInt64(truncatingIfNeeded: clock.now.sinceEpoch.components.seconds))
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: .seconds(1)) }
            } catch {
                return
            }
            let events = generator.generate(count: perSecond, start: clock.now.timestamp)
            state.withLock { $0.generated += events }
            try await emulator.deliver(events)
        }
    }
}
