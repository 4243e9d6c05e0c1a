/// The entities, agents and administrators of the emulated tenant, with the columns each entity
/// kind audits, generated once from the seed.
struct CXoneTenantCast: Sendable {
    struct Entity: Sendable {
        var kind: CXoneSandboxEntityKind
        var id: Int
        var name: String
    }

    struct Person: Sendable {
        var id: Int
        var firstName: String
        var lastName: String
        var userName: String
        var isActive: Bool
        var fullName: String { firstName + " " + lastName }
    }

    let entities: [Entity]
    let agents: [Person]
    let administrators: [Person]

    static let names: [CXoneSandboxEntityKind: [String]] = [
        .campaigns: ["Inbound Sales", "Retention", "Collections Q1", "Customer Care"],
        .dispositions: ["Resolved", "Callback Requested", "Escalated", "Wrong Number", "Sale", "No Answer"],
        .scriptSchedules: ["Nightly Callback Sweep", "Hourly Queue Report", "Weekly Cleanup"],
        .stationProfiles: ["Default Softphone", "Hard Phone 30s", "Remote Agents"],
        .stations: ["Station 101", "Station 102", "Station 103", "Station 201", "Station 202", "WFH-17"],
        .unavailableCodes: ["Break", "Lunch", "Training", "Meeting", "Coaching"],
    ]

    /// Columns whose changes each kind's audit history reports, with plausible values.
    static let columns: [CXoneSandboxEntityKind: [(column: String, values: [String])]] = [
        .campaigns: [
            ("CampaignName", ["Inbound Sales", "Inbound Sales 2", "Retention"]), ("Notes", ["", "Q1 focus", "paused"]),
            ("IsActive", ["True", "False"]),
        ],
        .dispositions: [
            ("DispositionName", ["Resolved", "Resolved - FCR", "Escalated"]), ("ClassificationId", ["1", "2", "5"]),
            ("IsActive", ["True", "False"]),
        ],
        .scriptSchedules: [
            ("StartTime", ["01:00", "02:30", "23:00"]), ("Status", ["Active", "Inactive"]),
            ("Occurrences", ["Daily", "Weekly"]),
        ],
        .stationProfiles: [
            ("StationTimeout", ["15", "30", "45"]), ("StationProfileName", ["Default Softphone", "Softphone 45s"]),
        ],
        .stations: [
            ("PhoneNumber", ["5551000101", "5551000102", "5551000199"]), ("CallerId", ["5551000000", "5552000000"]),
            ("StationProfileId", ["300", "301", "302"]),
        ],
        .unavailableCodes: [
            ("AgentTimeout", ["60", "120", "300"]), ("IsACW", ["True", "False"]), ("Name", ["Break", "Short Break"]),
        ],
    ]

    static let idBase: [CXoneSandboxEntityKind: Int] = [
        .campaigns: 1_001, .dispositions: 2_001, .scriptSchedules: 3_001, .stationProfiles: 301,
        .stations: 5_001, .unavailableCodes: 6_001,
    ]

    init(generator: inout SeededGenerator) {
        var entities: [Entity] = []
        for kind in CXoneSandboxEntityKind.allCases {
            let base = Self.idBase[kind] ?? 1
            for (offset, name) in (Self.names[kind] ?? []).enumerated() {
                entities.append(Entity(kind: kind, id: base + offset, name: name))
            }
        }
        self.entities = entities
        let firstNames = ["Maya", "Omar", "Lena", "Tomas", "Priya", "Jonas", "Sofia", "Kwame"]
        let lastNames = ["Reyes", "Haddad", "Fischer", "Novak", "Iyer", "Berg", "Costa", "Mensah"]
        agents = firstNames.enumerated().map { index, first in
            let last = lastNames[index]
            return Person(
                id: 10_400 + index * 7 + Int(generator.next() % 5), firstName: first, lastName: last,
                userName: "\(first.lowercased()).\(last.lowercased())@sandbox.example", isActive: index != 7
            )
        }
        administrators = [("Dana", "Whitfield"), ("Raj", "Kapoor"), ("Elif", "Demir")].enumerated().map { index, name in
            Person(
                id: 9_000 + index, firstName: name.0, lastName: name.1,
                userName: "\(name.0.lowercased())@sandbox.example", isActive: true
            )
        }
    }
}
