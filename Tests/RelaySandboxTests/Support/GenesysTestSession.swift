import NIOHTTP1
import RelayCore
import RelaySandbox
import RelayTesting

/// A client's view of a running Genesys org emulator: fetch a token, query audits.
struct GenesysTestSession: Sendable {
    let baseURL: String
    var clientID = "sandbox-client"
    var clientSecret = "sandbox-secret"

    /// 2025-12-31T00:00:00Z/2026-01-02T00:00:00Z: a day either side of `ManualClock`'s default start.
    static let wideInterval = "2025-12-31T00:00:00Z/2026-01-02T00:00:00Z"

    func requestToken(grant: String = "client_credentials") async throws -> TestResponse {
        try await TestHTTP.send(
            .POST, baseURL + "/oauth/token",
            headers: [
                ("Authorization", "Basic " + TestHTTP.base64("\(clientID):\(clientSecret)")),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body: Array("grant_type=\(grant)".utf8)
        )
    }

    func token() async throws -> String {
        let response = try await requestToken()
        guard let token = response.json?["access_token"]?.stringValue else {
            throw TestFailure("no access_token in \(response.status) \(response.text)")
        }
        return token
    }

    func serviceMapping(token: String?) async throws -> TestResponse {
        try await TestHTTP.send(.GET, baseURL + "/api/v2/audits/query/servicemapping", headers: auth(token))
    }

    func realtime(token: String?, _ body: JSONValue, expandUser: Bool = false) async throws -> TestResponse {
        let query = expandUser ? "?expand=user" : ""
        return try await TestHTTP.postJSON(
            baseURL + "/api/v2/audits/query/realtime" + query, body, headers: auth(token))
    }

    /// Every page of a query, following `pageCount`.
    func allPages(token: String, _ body: JSONValue) async throws -> [JSONValue] {
        var entities: [JSONValue] = []
        var pageNumber = 1
        while true {
            var object = body.objectValue ?? JSONObject()
            object["pageNumber"] = .number(JSONNumber(pageNumber))
            let response = try await realtime(token: token, .object(object))
            guard response.status == 200, let json = response.json, let page = json["entities"]?.arrayValue else {
                throw TestFailure("page \(pageNumber): \(response.status) \(response.text)")
            }
            entities += page
            guard let pageCount = json["pageCount"]?.int64Value, pageNumber < pageCount else { return entities }
            pageNumber += 1
        }
    }

    private func auth(_ token: String?) -> [(String, String)] {
        token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    static func query(
        service: String = "Routing",
        interval: String = wideInterval,
        pageNumber: Int = 1,
        pageSize: Int = 25,
        order: String = "ascending",
        filters: [(String, String)] = []
    ) -> JSONValue {
        [
            "interval": .string(interval),
            "serviceName": .string(service),
            "filters": .array(filters.map { ["property": .string($0.0), "value": .string($0.1)] }),
            "sort": [["name": "Timestamp", "sortOrder": .string(order)]],
            "pageNumber": .number(JSONNumber(pageNumber)),
            "pageSize": .number(JSONNumber(pageSize)),
        ]
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A minimal `AuditLogMessage` for insertion.
func auditRecord(
    id: String,
    service: String = "Routing",
    eventDate: String,
    action: String = "Update",
    entityType: String = "Queue",
    entityID: String = "queue-1",
    userID: String? = "user-1",
    clientID: String = "",
    homeOrg: String = "org-1"
) -> JSONObject {
    var record = JSONObject([
        "id": .string(id),
        "userHomeOrgId": .string(homeOrg),
    ])
    if let userID {
        record["user"] = ["id": .string(userID), "name": "Test User", "selfUri": .string("/api/v2/users/\(userID)")]
    }
    record["client"] = ["id": .string(clientID), "selfUri": .string("/api/v2/oauth/clients/\(clientID)")]
    record["serviceName"] = .string(service)
    record["eventDate"] = .string(eventDate)
    record["action"] = .string(action)
    record["entity"] = ["id": .string(entityID), "name": "Entity", "selfUri": ""]
    record["entityType"] = .string(entityType)
    return record
}
