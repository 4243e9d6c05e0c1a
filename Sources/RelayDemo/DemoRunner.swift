import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelaySandbox
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of `ccrelay demo`.
public struct DemoOptions: Sendable {
    /// Directory for the SQLite state; `nil` makes a temporary one.
    public var directory: String?
    /// How long traffic flows; `nil` runs until SIGINT/SIGTERM.
    public var duration: Duration?
    /// Audit records the sandbox org creates per second. Default 20.
    public var recordsPerSecond: Int = 20
    /// EventBridge events the sandbox Firehose pushes per second (the push path). Default 10; 0 turns it off.
    public var pushEventsPerSecond: Int = 10
    /// The pull source's poll interval. Default 2 s.
    public var pollInterval: Duration = .seconds(2)
    /// Time between progress lines. Default 2 s.
    public var progressInterval: Duration = .seconds(2)
    /// Where progress and the verification line go.
    public var output: @Sendable (String) -> Void

    public init(directory: String? = nil, duration: Duration? = nil, output: @escaping @Sendable (String) -> Void) {
        self.directory = directory
        self.duration = duration
        self.output = output
    }
}

/// The demo's verdict: what the sandbox org generated against what the sandbox index holds.
public struct DemoVerification: Sendable, Equatable, CustomStringConvertible {
    public var generated: Int
    public var delivered: Int
    public var duplicates: Int
    public var missing: Int

    public init(generated: Int, delivered: Int, duplicates: Int, missing: Int) {
        self.generated = generated
        self.delivered = delivered
        self.duplicates = duplicates
        self.missing = missing
    }

    public var passed: Bool { duplicates == 0 && missing == 0 }

    public var description: String {
        "generated=\(generated) delivered=\(delivered) duplicates=\(duplicates) missing=\(missing)"
    }

    /// Compares generated native ids (mapped to event ids) with the `event_id`s the index holds.
    public static func compare(generatedNativeIDs: [String], indexedEventIDs: [String]) -> DemoVerification {
        compare(
            expectedEventIDs: Set(generatedNativeIDs.map { EventID.make(platform: .genesys, nativeID: $0) }),
            indexedEventIDs: indexedEventIDs)
    }

    /// Compares expected `event_id`s (pulled and pushed) with the `event_id`s the index holds.
    public static func compare(expectedEventIDs expected: Set<String>, indexedEventIDs: [String]) -> DemoVerification {
        var seen: Set<String> = []
        var duplicates = 0
        for id in indexedEventIDs where !seen.insert(id).inserted { duplicates += 1 }
        let delivered = seen.intersection(expected).count
        return DemoVerification(
            generated: expected.count, delivered: delivered, duplicates: duplicates, missing: expected.count - delivered
        )
    }
}

/// `ccrelay demo`: the sandbox Genesys org and Splunk HEC, a real pipeline with SQLite state between
/// them, live progress, and a verification line at the end.
public enum DemoRunner {
    public static func run(options: DemoOptions, logger: Logger) async throws -> DemoVerification {
        let clock = SystemClock()
        let org = GenesysOrgEmulator(
            configuration: GenesysOrgConfiguration(latePersistence: .zero ... .seconds(5)), clock: clock)
        let hec = SplunkHECEmulator()
        let directory = try options.directory ?? makeTemporaryDirectory()
        options.output("ccrelay demo: state in \(directory)/state.sqlite")

        return try await Sandbox.withRunning(genesys: org, hec: hec, logger: logger) { endpoints in
            // The demo runs from the file it writes, so the file is exactly what runs.
            let configPath = directory + "/ccrelay.yaml"
            let file = demoConfigFile(endpoints: endpoints, org: org, directory: directory, options: options)
            try file.save(to: configPath)
            let configuration = try ConfigLoader().load(path: configPath)
            options.output("configuration in \(configPath) (check it: ccrelay validate --config \(configPath))")
            let runtime = try RelayRuntime(configuration: configuration, clock: clock, logger: logger)
            options.output("sandbox Genesys org at \(endpoints.genesysURL), sandbox HEC at \(endpoints.hecURL)")

            var services: [ServiceGroupConfiguration.ServiceConfiguration] = runtime.services().map {
                .init(service: $0)
            }
            services.append(
                .init(
                    service: SandboxTrafficService(
                        org: org, perSecond: options.recordsPerSecond, initialBurst: options.recordsPerSecond * 3,
                        clock: clock)))
            let firehose = FirehoseTrafficService(
                perSecond: options.pushEventsPerSecond, accessKey: demoFirehoseKey, clock: clock, logger: logger
            ) {
                guard let server = runtime.httpServer else {
                    throw RelayError(.configInvalid, "the demo has no HTTP server")
                }
                return "http://127.0.0.1:\(try await server.boundPort())/firehose"
            }
            if options.pushEventsPerSecond > 0 { services.append(.init(service: firehose)) }
            services.append(
                .init(
                    service: ProgressService(
                        runtime: runtime, hec: hec, interval: options.progressInterval, clock: clock,
                        output: options.output)))
            if let duration = options.duration {
                services.append(
                    .init(
                        service: TimerService(duration: duration, clock: clock),
                        successTerminationBehavior: .gracefullyShutdownGroup))
            }
            var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
            groupConfiguration.gracefulShutdownSignals = [.sigterm, .sigint]
            // The source's first poll reads back `initial_lookback_secs` from about now into the org's
            // seeded history; what it must deliver of that history starts a little later, so a first
            // poll a few seconds after this instant does not count as a miss.
            let historyFrom = clock.now.advanced(by: .seconds(10 - file.initialLookbackSecs))
            try await ServiceGroup(configuration: groupConfiguration).run()

            options.output("traffic stopped; waiting for the last records to persist and delivering what is left")
            org.makeAllVisible()
            let final = try await runtime.runOnce(deadline: clock.now.advanced(by: .seconds(60)))
            if !final.succeeded {
                options.output(
                    "final delivery incomplete: \(final.remaining) left in outboxes, \(final.deadLettered) dead-lettered"
                )
            }
            // Pulled audits (generated and the seeded history inside the initial look-back) and pushed
            // events (sandbox Firehose → receiver) are checked in the same line.
            let history = org.historyIDs(from: historyFrom.timestamp, to: org.historyEnd.timestamp)
            let expected = Set((org.generatedIDs + history).map { EventID.make(platform: .genesys, nativeID: $0) })
                .union(firehose.generated.map(\.eventID))
            let verification = DemoVerification.compare(
                expectedEventIDs: expected,
                indexedEventIDs: hec.events.compactMap { $0.fields["event_id"]?.stringValue }
            )
            options.output(verification.description)
            return verification
        }
    }

    /// The configuration the demo runs from, written into its folder for the user to start from.
    static func demoConfigFile(
        endpoints: SandboxEndpoints, org: GenesysOrgEmulator, directory: String, options: DemoOptions
    ) -> SandboxConfigFile {
        var file = SandboxConfigFile(
            genesysURL: endpoints.genesysURL, clientID: org.configuration.clientID,
            clientSecret: org.configuration.clientSecret, hecURL: endpoints.hecURL,
            hecToken: SplunkHECConfiguration.defaultAckToken, statePath: directory + "/state.sqlite")
        file.pollIntervalSecs = options.pollInterval.seconds
        file.firehoseAccessKey = options.pushEventsPerSecond > 0 ? demoFirehoseKey : nil
        return file
    }

    /// The access key the demo's sandbox Firehose sends and its receiver accepts.
    static let demoFirehoseKey = "sandbox-firehose-key"

    private static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/ccrelay-demo-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw RelayError(.stateStore, "cannot create a temporary directory under /tmp")
        }
        return String(cString: created)
    }
}

/// Keeps the sandbox org creating audit records: an initial burst, then `perSecond` every second,
/// until graceful shutdown.
public struct SandboxTrafficService: Service {
    let org: GenesysOrgEmulator
    let perSecond: Int
    let initialBurst: Int
    let clock: any WallClock

    public init(org: GenesysOrgEmulator, perSecond: Int, initialBurst: Int = 0, clock: any WallClock) {
        self.org = org
        self.perSecond = perSecond
        self.initialBurst = initialBurst
        self.clock = clock
    }

    public func run() async throws {
        if initialBurst > 0 { org.generate(count: initialBurst) }
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: .seconds(1)) }
            } catch {
                return
            }
            org.generate(count: perSecond)
        }
    }
}

/// Prints pulled / in outbox / delivered / dead-lettered counts periodically.
struct ProgressService: Service {
    let runtime: RelayRuntime
    let hec: SplunkHECEmulator
    let interval: Duration
    let clock: any WallClock
    let output: @Sendable (String) -> Void

    func run() async throws {
        if let port = try? await runtime.adminServer.boundPort() { output("status page at http://127.0.0.1:\(port)/") }
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
            var pulled = 0
            for source in runtime.sources { pulled += runtime.telemetry.source(source.name).accepted }
            var pushed = 0
            for receiver in runtime.receivers { pushed += runtime.telemetry.source(receiver.name).accepted }
            var inOutbox = 0
            var delivered = 0
            var deadLettered = 0
            for sink in runtime.sinks {
                inOutbox += (try? await runtime.store.outboxDepth(sink: sink.name)) ?? 0
                delivered += runtime.telemetry.sink(sink.name).delivered
                deadLettered += runtime.telemetry.sink(sink.name).deadLettered
            }
            output(
                "pulled=\(pulled) pushed=\(pushed) in_outbox=\(inOutbox) delivered=\(delivered) dead_lettered=\(deadLettered) indexed=\(hec.events.count)"
            )
        }
    }
}

/// Ends after a duration, which (configured as such) shuts the whole group down gracefully.
struct TimerService: Service {
    let duration: Duration
    let clock: any WallClock

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await clock.sleep(for: duration) }
    }
}
