import Logging
import RelayCore

/// The two audit service lists of Genesys Cloud, and what a cycle does with a service the platform
/// refuses.
///
/// The realtime query (`POST /api/v2/audits/query/realtime`) takes its service names from
/// `GET /api/v2/audits/query/realtime/servicemapping`; the asynchronous query
/// (`POST /api/v2/audits/query`) from `GET /api/v2/audits/query/servicemapping`. The lists differ:
/// a name only in the asynchronous list is answered 400 by the realtime query.
extension GenesysAuditSource {
    static let serviceMappingPath = "/api/v2/audits/query/servicemapping"
    static let realtimeServiceMappingPath = "/api/v2/audits/query/realtime/servicemapping"

    /// The live list of service names the asynchronous audit query serves
    /// (`GET /api/v2/audits/query/servicemapping`), for backfills.
    public func serviceNames() async throws(RelayError) -> [String] {
        try await names(at: Self.serviceMappingPath)
    }

    /// The live list of service names the realtime audit query serves
    /// (`GET /api/v2/audits/query/realtime/servicemapping`), polled by each cycle when the
    /// configuration names no services.
    public func realtimeServiceNames() async throws(RelayError) -> [String] {
        try await names(at: Self.realtimeServiceMappingPath)
    }

    /// The distinct non-empty `services[].name` of an `AuditQueryServiceMapping`, in order.
    private func names(at path: String) async throws(RelayError) -> [String] {
        let response = try await client.request("GET", path)
        guard let services = response["services"]?.arrayValue else {
            throw RelayError(.malformedResponse, "GET \(path): the response has no services array")
        }
        var seen = Set<String>()
        return services.compactMap { $0["name"]?.stringValue }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Records a service whose request the platform refused: a warning naming it, an entry in
    /// ``CycleReport/failedPartitions``; its checkpoint is left where it was.
    func isolate(service: String, error: RelayError, report: inout CycleReport, logger: Logger) {
        report.failedPartitions[service] = error.message
        logger.warning(
            "Genesys audit service refused by the platform; its checkpoint stays and the other services continue",
            metadata: ["ccrelay.partition": "\(service)", "ccrelay.error": "\(error)"]
        )
    }
}
