import RelayCore

extension GenesysAuditSource {
    /// Backfills through the asynchronous audit query: windows of at most 31 days per service, each
    /// extracted by a ``GenesysWindowExtractor`` whose transaction id and cursor are checkpointed
    /// under `backfill:<service>:<window start>`, with the live source's credential and throttle.
    public var backfill: (any SourceBackfill)? { GenesysBackfill(source: self) }
}

/// ``SourceBackfill`` of a ``GenesysAuditSource``.
struct GenesysBackfill: SourceBackfill {
    let source: GenesysAuditSource

    func windows(from: Timestamp, to: Timestamp, part: String?, rateLimitWait: Duration) async throws
        -> [BackfillWindow]
    {
        let services: [String]
        if let part {
            services = [part]
        } else if let configured = source.configuration.services {
            services = configured
        } else {
            services = try await source.serviceNames()
        }
        let extractor = GenesysWindowExtractor(
            query: GenesysAsyncAuditQuery(
                client: source.client.waitingForRateLimits(upTo: rateLimitWait), filters: source.configuration.filters),
            clock: source.clock, pageSize: GenesysAsyncAuditQuery.maximumPageSize,
            expandUser: source.configuration.expandUser, keepRaw: source.configuration.keepRaw
        )
        return services.flatMap { GenesysAuditWindow.split(service: $0, from: from, to: to) }.map { window in
            BackfillWindow(label: "service \(window.service), window \(window.start.iso8601)/\(window.end.iso8601)") {
                intake, logger, onPage in
                try await extractor.run(
                    window, partition: window.partition(prefix: "backfill"), into: intake, logger: logger,
                    onPage: onPage)
            }
        }
    }
}
