import RelayCore

/// A validated `AuditRealtimeQueryRequest`: what `POST /api/v2/audits/query/realtime` asks for.
/// Pure value; parsing reports the 400 message Genesys would give.
struct GenesysRealtimeQuery: Sendable, Equatable {
    /// Inclusive start of the interval.
    var start: Timestamp
    /// Exclusive end of the interval.
    var end: Timestamp
    var serviceName: String
    var filters: [Filter]
    var ascending: Bool
    /// 1-based.
    var pageNumber: Int
    var pageSize: Int

    /// One `AuditQueryFilter`.
    struct Filter: Sendable, Equatable {
        var property: String
        var value: String
    }

    /// Filter properties the API accepts.
    static let filterProperties: Set = [
        "UserId", "TrusteeOrganizationId", "ClientId", "Action", "EntityType", "EntityId",
    ]
    /// Page size when the request names none (the platform's default).
    static let defaultPageSize = 25

    /// A request the API refuses with 400 `bad.request`.
    struct Invalid: Error, Sendable, Equatable {
        var message: String
    }

    /// Validates a request body against the org's services and the page-size limit.
    static func parse(_ body: JSONValue, services: [String], maxPageSize: Int) throws(Invalid) -> GenesysRealtimeQuery {
        guard let object = body.objectValue else { throw Invalid(message: "The request body must be a JSON object.") }
        guard let interval = object["interval"]?.stringValue else {
            throw Invalid(message: "interval is required and must be a string.")
        }
        let (start, end) = try parseInterval(interval)
        guard let serviceName = object["serviceName"]?.stringValue, !serviceName.isEmpty else {
            throw Invalid(message: "serviceName is required.")
        }
        guard services.contains(serviceName) else {
            throw Invalid(message: "serviceName \(serviceName) is not a valid service name.")
        }
        var filters: [Filter] = []
        if let rawFilters = object["filters"], !rawFilters.isNull {
            guard let list = rawFilters.arrayValue else { throw Invalid(message: "filters must be an array.") }
            for item in list {
                guard let property = item["property"]?.stringValue, let value = item["value"]?.stringValue else {
                    throw Invalid(message: "Each filter needs a string property and value.")
                }
                guard filterProperties.contains(property) else {
                    throw Invalid(message: "Filter property \(property) is not supported.")
                }
                filters.append(Filter(property: property, value: value))
            }
        }
        var ascending = true
        if let rawSort = object["sort"], !rawSort.isNull {
            guard let list = rawSort.arrayValue else { throw Invalid(message: "sort must be an array.") }
            for item in list {
                guard item["name"]?.stringValue == "Timestamp" else {
                    throw Invalid(message: "Sort name must be Timestamp.")
                }
                switch item["sortOrder"]?.stringValue?.lowercased() {
                case nil, "ascending": ascending = true
                case "descending": ascending = false
                default: throw Invalid(message: "sortOrder must be ascending or descending.")
                }
            }
        }
        let pageNumber = try integer(object["pageNumber"], name: "pageNumber", default: 1)
        let pageSize = try integer(object["pageSize"], name: "pageSize", default: defaultPageSize)
        guard pageNumber >= 1 else { throw Invalid(message: "pageNumber must be at least 1.") }
        guard (1...maxPageSize).contains(pageSize) else {
            throw Invalid(message: "pageSize must be between 1 and \(maxPageSize).")
        }
        return GenesysRealtimeQuery(
            start: start, end: end, serviceName: serviceName, filters: filters,
            ascending: ascending, pageNumber: pageNumber, pageSize: pageSize
        )
    }

    /// `start/end` in ISO 8601; a missing UTC offset means UTC.
    static func parseInterval(_ text: String) throws(Invalid) -> (Timestamp, Timestamp) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw Invalid(message: "interval must be two ISO-8601 date-times separated by '/'.")
        }
        let start: Timestamp
        let end: Timestamp
        do {
            start = try Timestamp.parseISO8601(String(parts[0]), assumingOffsetSeconds: 0)
            end = try Timestamp.parseISO8601(String(parts[1]), assumingOffsetSeconds: 0)
        } catch {
            throw Invalid(message: "interval is not a valid ISO-8601 interval.")
        }
        guard start < end else { throw Invalid(message: "interval start must be before its end.") }
        return (start, end)
    }

    private static func integer(_ value: JSONValue?, name: String, default fallback: Int) throws(Invalid) -> Int {
        guard let value, !value.isNull else { return fallback }
        guard let number = value.int64Value, let result = Int(exactly: number) else {
            throw Invalid(message: "\(name) must be an integer.")
        }
        return result
    }

    /// Whether a stored record is in the interval and passes every filter (filters are ANDed).
    func matches(_ record: JSONObject, eventDate: Timestamp) -> Bool {
        guard eventDate >= start, eventDate < end else { return false }
        for filter in filters {
            let actual: String?
            switch filter.property {
            case "UserId": actual = record["user"]?["id"]?.stringValue
            case "TrusteeOrganizationId": actual = record["userHomeOrgId"]?.stringValue
            case "ClientId": actual = record["client"]?["id"]?.stringValue
            case "Action": actual = record["action"]?.stringValue
            case "EntityType": actual = record["entityType"]?.stringValue
            case "EntityId": actual = record["entity"]?["id"]?.stringValue
            default: actual = nil
            }
            guard actual == filter.value else { return false }
        }
        return true
    }
}
