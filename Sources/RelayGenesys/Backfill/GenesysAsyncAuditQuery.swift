import RelayCore

/// The state of an asynchronous audit query transaction.
public enum GenesysAuditQueryState: String, Sendable, Equatable {
    case queued = "Queued"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case cancelled = "Cancelled"
}

extension RelayError.Code {
    /// An asynchronous audit query ended `Failed` or `Cancelled`.
    public static let auditQueryFailed = RelayError.Code(rawValue: "genesys.audit_query_failed")
}

/// The asynchronous audit query of Genesys Cloud: `POST /api/v2/audits/query` (interval ≤ 31 days),
/// `GET /api/v2/audits/query/{id}` and `GET /api/v2/audits/query/{id}/results` with cursor paging.
public struct GenesysAsyncAuditQuery: Sendable {
    /// The longest interval one transaction may cover.
    public static let maximumInterval: Duration = .seconds(31 * 86_400)
    /// The largest `pageSize` of the results call.
    public static let maximumPageSize = 500
    static let path = "/api/v2/audits/query"

    /// The client every call goes through (and its credential's throttle).
    public let client: GenesysAPIClient
    /// Filters every transaction applies (ANDed). Default `[]`.
    public let filters: [GenesysAuditFilter]

    public init(client: GenesysAPIClient, filters: [GenesysAuditFilter] = []) {
        self.client = client
        self.filters = filters
    }

    /// Starts a transaction for `service` over `[start, end)`; returns its id and first state.
    public func submit(service: String, start: Timestamp, end: Timestamp) async throws(RelayError)
        -> (id: String, state: GenesysAuditQueryState)
    {
        var body: JSONObject = JSONObject([
            "interval": .string(start.iso8601 + "/" + end.iso8601),
            "serviceName": .string(service),
            "sort": [["name": "Timestamp", "sortOrder": "ascending"]],
        ])
        if !filters.isEmpty { body["filters"] = .array(filters.map(\.json)) }
        let response = try await client.request("POST", Self.path, body: .object(body))
        guard let id = response["id"]?.stringValue, !id.isEmpty else {
            throw RelayError(
                .malformedResponse, "POST \(Self.path) for service \(service): the response has no transaction id")
        }
        return (id, try Self.state(response, what: "POST \(Self.path)"))
    }

    /// The transaction's current state.
    public func state(of id: String) async throws(RelayError) -> GenesysAuditQueryState {
        let response = try await client.request("GET", "\(Self.path)/\(id)")
        return try Self.state(response, what: "GET \(Self.path)/{id}")
    }

    /// One page of a succeeded transaction's results, and the cursor of the next page (nil at the end).
    public func results(id: String, cursor: String?, pageSize: Int, expandUser: Bool) async throws(RelayError)
        -> (entities: [JSONValue], cursor: String?)
    {
        var query = "pageSize=\(min(max(pageSize, 1), Self.maximumPageSize))"
        if let cursor { query += "&cursor=" + Self.percentEncode(cursor) }
        if expandUser { query += "&expand=user" }
        let response = try await client.request("GET", "\(Self.path)/\(id)/results?\(query)")
        guard let entities = response["entities"]?.arrayValue else {
            throw RelayError(
                .malformedResponse, "GET \(Self.path)/{id}/results for transaction \(id): no entities array")
        }
        let next = response["cursor"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return (entities, next)
    }

    private static func state(_ response: JSONValue, what: String) throws(RelayError) -> GenesysAuditQueryState {
        guard let text = response["state"]?.stringValue, let state = GenesysAuditQueryState(rawValue: text) else {
            throw RelayError(.malformedResponse, "\(what): the response has no known transaction state")
        }
        return state
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
