/// The people, clients and configuration objects of the emulated org, generated once from the
/// seed so records refer to a stable, believable cast.
struct GenesysOrgCast: Sendable {
    struct Named: Sendable {
        let id: String
        let name: String
    }

    let orgID: String
    /// A second org whose users act here through an organization trust (trustee users).
    let trusteeOrgID: String
    let users: [Named]
    let trusteeUsers: [Named]
    let queues: [Named]
    let roles: [Named]
    let oauthClients: [Named]
    let flows: [Named]
    let edges: [Named]

    static let userNames = [
        "Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra",
        "Barbara Liskov", "Donald Knuth", "Margaret Hamilton", "Ken Thompson", "Frances Allen",
    ]
    static let trusteeNames = ["Partner Support Engineer", "Outsourcer Team Lead"]
    static let queueNames = [
        "Support Tier 1", "Support Tier 2", "Billing", "Sales Inbound", "Escalations", "VIP Care", "Collections",
    ]
    static let roleNames = ["Supervisor", "Agent", "Quality Evaluator", "Master Admin", "Reporting Analyst"]
    static let oauthClientNames = ["SIEM Export", "WFM Integration", "CRM Connector", "Data Warehouse Sync"]
    static let flowNames = ["Main IVR", "After Hours", "Callback Flow", "Spanish Line"]
    static let edgeNames = ["edge-use1-a", "edge-use1-b", "edge-use1-c"]
    static let permissions = [
        "routing:queue:view", "routing:queue:edit", "routing:queue:add", "oauth:client:view",
        "oauth:client:edit", "audits:audit:view", "authorization:role:edit", "directory:user:edit",
        "analytics:conversationDetail:view", "recording:recording:view", "recording:recording:delete",
    ]
    static let presences = ["Available", "Away", "Break", "Meal", "Meeting", "Training", "Busy", "On Queue", "Offline"]
    static let departments = ["Customer Care", "Sales", "Billing", "IT", "Quality"]
    static let titles = ["Agent", "Senior Agent", "Team Lead", "Supervisor", "Analyst"]

    init(generator: inout SeededGenerator) {
        func named(_ names: [String]) -> [Named] {
            names.map { Named(id: generator.uuid(), name: $0) }
        }
        orgID = generator.uuid()
        trusteeOrgID = generator.uuid()
        users = named(Self.userNames)
        trusteeUsers = named(Self.trusteeNames)
        queues = named(Self.queueNames)
        roles = named(Self.roleNames)
        oauthClients = named(Self.oauthClientNames)
        flows = named(Self.flowNames)
        edges = named(Self.edgeNames)
    }

    /// The service mapping (`/api/v2/audits/query/servicemapping`) entries of the known services.
    static let serviceCatalog: [String: [(entity: String, actions: [String])]] = [
        "Routing": [
            ("Queue", ["Create", "Update", "Delete", "MemberAdd", "MemberRemove"]),
            ("WrapupCode", ["Create", "Update", "Delete"]),
            ("RoutingSkill", ["Create", "Update", "Delete"]),
        ],
        "Directory": [
            ("User", ["Create", "Update", "Delete", "ChangePassword"]),
            ("DirectoryGroup", ["Create", "Update", "Delete", "MemberAdd", "MemberRemove"]),
        ],
        "Authorization": [
            ("Role", ["Create", "Update", "Delete", "MemberAdd", "MemberRemove"]),
            ("Policy", ["Create", "Update", "Delete"]),
        ],
        "OAuth": [
            ("OAuthClient", ["Create", "Update", "Delete", "View"]),
            ("AccessToken", ["Create", "Revoke"]),
        ],
        "Presence": [("UserPresence", ["Update"])],
        "Architect": [
            ("Flow", ["Create", "Update", "Delete", "Publish", "Checkin", "Checkout", "Revert"]),
            ("Prompt", ["Create", "Update", "Delete"]),
        ],
        "Telephony": [
            ("Edge", ["Update", "UpdateInService", "UpdateOutOfService"]),
            ("Trunk", ["Create", "Update", "Delete"]),
            ("Phone", ["Create", "Update", "Delete"]),
        ],
    ]
}
