import Logging

/// Base URLs of running emulators: `http://127.0.0.1:PORT`, without a trailing slash.
public struct SandboxEndpoints: Sendable {
    /// The Genesys Cloud org emulator (API and `/oauth/token` on the same host).
    public let genesysURL: String
    /// The Splunk HTTP Event Collector emulator.
    public let hecURL: String

    /// Endpoints from base URLs (no trailing slash).
    public init(genesysURL: String, hecURL: String) {
        self.genesysURL = genesysURL
        self.hecURL = hecURL
    }
}

/// Base URLs of the running Datadog, Elasticsearch, Microsoft Sentinel and OTLP emulators:
/// `http://127.0.0.1:PORT`, without a trailing slash.
public struct SandboxDestinationEndpoints: Sendable {
    /// The Datadog logs intake (logs go to `{url}/api/v2/logs`).
    public let datadogURL: String
    /// The Elasticsearch / OpenSearch cluster (the sink posts to `{url}/_bulk`).
    public let elasticsearchURL: String
    /// The Sentinel emulator: both the sink's `authority_host` and its `endpoint`.
    public let sentinelURL: String
    /// The OTLP/HTTP collector (logs go to `{url}/v1/logs`).
    public let otlpURL: String

    /// Endpoints from base URLs (no trailing slash).
    public init(datadogURL: String, elasticsearchURL: String, sentinelURL: String, otlpURL: String) {
        self.datadogURL = datadogURL
        self.elasticsearchURL = elasticsearchURL
        self.sentinelURL = sentinelURL
        self.otlpURL = otlpURL
    }
}

/// Runs emulators' HTTP servers for the duration of a closure.
public enum Sandbox {
    /// Serves the Datadog, Elasticsearch, Microsoft Sentinel and OTLP collector emulators while
    /// `body` runs; `body` receives their base URLs. A failure to start any server is thrown before
    /// `body` runs.
    public static func withRunning<T: Sendable>(
        datadog: DatadogIntakeEmulator,
        elasticsearch: ElasticsearchEmulator,
        sentinel: SentinelEmulator,
        otlp: OTLPCollectorEmulator,
        logger: Logger,
        _ body: @Sendable (SandboxDestinationEndpoints) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([datadog, elasticsearch, sentinel, otlp], logger: logger) { urls in
            try await body(
                SandboxDestinationEndpoints(
                    datadogURL: urls[0], elasticsearchURL: urls[1], sentinelURL: urls[2], otlpURL: urls[3]))
        }
    }

    /// Starts both emulators' HTTP servers on 127.0.0.1 port 0, runs `body` with their base URLs,
    /// then stops the servers (structured; no task outlives the call). A failure to start either
    /// server is thrown before `body` runs.
    public static func withRunning<T: Sendable>(
        genesys: GenesysOrgEmulator,
        hec: SplunkHECEmulator,
        logger: Logger,
        _ body: @Sendable (SandboxEndpoints) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([genesys, hec], logger: logger) { urls in
            try await body(SandboxEndpoints(genesysURL: urls[0], hecURL: urls[1]))
        }
    }

    /// Serves only the Genesys org emulator while `body` runs; `body` receives its base URL.
    public static func withRunning<T: Sendable>(
        genesys: GenesysOrgEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([genesys], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves only the CXone tenant emulator while `body` runs; `body` receives its base URL
    /// (discovery, `/auth/token` and the API on one host).
    public static func withRunning<T: Sendable>(
        cxone: CXoneTenantEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([cxone], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves the CXone tenant and the Splunk HEC emulators while `body` runs; `body` receives
    /// their base URLs.
    public static func withRunning<T: Sendable>(
        cxone: CXoneTenantEmulator,
        hec: SplunkHECEmulator,
        logger: Logger,
        _ body: @Sendable (_ cxoneURL: String, _ hecURL: String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([cxone, hec], logger: logger) { urls in
            try await body(urls[0], urls[1])
        }
    }

    /// Serves only the Splunk HEC emulator while `body` runs; `body` receives its base URL.
    public static func withRunning<T: Sendable>(
        hec: SplunkHECEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([hec], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves only the webhook receiver while `body` runs; `body` receives its base URL (any path
    /// below it is accepted).
    public static func withRunning<T: Sendable>(
        webhook: WebhookReceiver,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([webhook], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves only the Datadog logs intake emulator while `body` runs; `body` receives its base URL
    /// (the sink's `endpoint`; logs go to `/api/v2/logs`).
    public static func withRunning<T: Sendable>(
        datadog: DatadogIntakeEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([datadog], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves only the Elasticsearch / OpenSearch emulator while `body` runs; `body` receives the
    /// cluster's base URL (the sink posts to `{url}/_bulk`).
    public static func withRunning<T: Sendable>(
        elasticsearch: ElasticsearchEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([elasticsearch], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves only the Microsoft Sentinel emulator while `body` runs; `body` receives its base URL,
    /// which is both the sink's `authority_host` and its `endpoint`.
    public static func withRunning<T: Sendable>(
        sentinel: SentinelEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([sentinel], logger: logger) { urls in
            try await body(urls[0])
        }
    }

    /// Serves only the Sumo Logic HTTP source emulator while `body` runs; `body` receives the
    /// source URL for the first configured code (`.../receiver/v1/http/{code}`).
    public static func withRunning<T: Sendable>(
        sumo: SumoLogicEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let code = sumo.configuration.codes.sorted().first ?? SumoLogicConfiguration.defaultCode
        return try await SandboxServers.withRunning([sumo], logger: logger) { urls in
            try await body(urls[0] + "/receiver/v1/http/" + code)
        }
    }

    /// Serves only the OTLP/HTTP collector emulator while `body` runs; `body` receives its base URL
    /// (the sink's `endpoint`; logs go to `/v1/logs`).
    public static func withRunning<T: Sendable>(
        otlp: OTLPCollectorEmulator,
        logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await SandboxServers.withRunning([otlp], logger: logger) { urls in
            try await body(urls[0])
        }
    }
}
