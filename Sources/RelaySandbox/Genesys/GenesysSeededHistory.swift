import RelayCore

/// The audit history a fresh org starts with: ``GenesysOrgConfiguration/historyPerService`` records
/// per service spread over ``GenesysOrgConfiguration/historySpan`` before the org was created,
/// all visible at once. The span is cut into one-day buckets per service, each generated from its
/// own seed the first time a query (or ``GenesysOrgEmulator/historyIDs(from:to:)``) reaches into
/// it, so an org whose queries look back minutes pays for one day of one service, and the same
/// seed gives the same records whatever order the buckets are made in.
struct GenesysSeededHistory: Sendable {
    /// One day of one service.
    struct Bucket: Hashable, Sendable {
        var service: Int
        var day: Int
    }

    /// The instant the history ends at (the org's creation).
    let anchor: WallInstant
    let services: [String]
    let perService: Int
    let span: Duration
    let seed: UInt64
    private(set) var made: Set<Bucket> = []

    static let day = Duration.seconds(86_400)

    init(configuration: GenesysOrgConfiguration, anchor: WallInstant) {
        self.anchor = anchor
        self.services = configuration.asyncServices
        self.perService = max(configuration.historyPerService, 0)
        self.span = max(configuration.historySpan, .zero)
        self.seed = configuration.seed
    }

    /// Number of one-day buckets the span covers (the oldest may be partial).
    var days: Int {
        guard perService > 0, span > .zero else { return 0 }
        let whole = Int(span / Self.day)
        return span > Self.day * whole ? whole + 1 : whole
    }

    /// Start of the history.
    var start: WallInstant { anchor.advanced(by: .zero - span) }

    /// The buckets of `serviceName` (every service when `nil`) that overlap `[from, to)` and are not made yet.
    mutating func takeBuckets(serviceName: String?, from: Timestamp, to: Timestamp) -> [Bucket] {
        let count = days
        guard count > 0, WallInstant(from) < anchor, WallInstant(to) > start else { return [] }
        let indices = services.indices.filter { serviceName == nil || services[$0] == serviceName }
        var buckets: [Bucket] = []
        for service in indices {
            for day in 0..<count {
                let (low, high) = bounds(day: day)
                guard WallInstant(from) < high, WallInstant(to) > low else { continue }
                let bucket = Bucket(service: service, day: day)
                if made.insert(bucket).inserted { buckets.append(bucket) }
            }
        }
        return buckets
    }

    /// `[low, high)` of a bucket; day 0 ends at the anchor, day 1 one day earlier, ...
    func bounds(day: Int) -> (WallInstant, WallInstant) {
        let high = anchor.advanced(by: .zero - Self.day * day)
        return (max(high.advanced(by: .zero - Self.day), start), high)
    }

    /// The records of one bucket: its share of ``perService``, at seeded instants inside it, half
    /// on a whole second (so some carry an `eventDate` without a fraction).
    func records(of bucket: Bucket, factory: GenesysRecordFactory) -> [(eventDate: Timestamp, object: JSONObject)] {
        let (low, high) = bounds(day: bucket.day)
        // Spread perService over the days in proportion to each day's length.
        let spanMS = SeededGenerator.milliseconds(span)
        let endShare = SeededGenerator.milliseconds(start.duration(to: high))
        let startShare = SeededGenerator.milliseconds(start.duration(to: low))
        let count = Int(Int64(perService) * endShare / spanMS - Int64(perService) * startShare / spanMS)
        guard count > 0 else { return [] }
        var generator = SeededGenerator(
            seed: seed ^ (UInt64(bucket.service) &* 0x9E37_79B9) ^ (UInt64(bucket.day) &* 0xC2B2_AE3D_27D4_EB4F))
        let lowMS = low.timestamp.millisecondsSinceEpoch
        let widthMS = max(high.timestamp.millisecondsSinceEpoch - lowMS, 1)
        return (0..<count).map { _ in
            var ms = lowMS + Int64.random(in: 0..<widthMS, using: &generator)
            if generator.chance(0.5) { ms -= ms % 1000 }
            let eventDate = Timestamp(millisecondsSinceEpoch: max(ms, lowMS))
            let object = factory.makeRecord(
                eventDate: eventDate, services: [services[bucket.service]], generator: &generator)
            return (eventDate, object)
        }
    }
}

extension GenesysOrgEmulator {
    /// Adds to the org's records the seeded history of `serviceName` (every service when `nil`)
    /// overlapping `[from, to)` that is not there yet. Call inside the state lock.
    func materializeHistory(_ state: inout State, serviceName: String?, from: Timestamp, to: Timestamp) {
        for bucket in state.history.takeBuckets(serviceName: serviceName, from: from, to: to) {
            for record in state.history.records(of: bucket, factory: factory) {
                state.records.append(
                    StoredRecord(
                        sequence: state.records.count, serviceName: record.object["serviceName"]?.stringValue ?? "",
                        eventDate: record.eventDate, visibleAt: WallInstant(sinceEpoch: .zero), object: record.object,
                        seeded: true))
            }
        }
    }

    /// Ids of the seeded history records of `serviceName` (every service when `nil`) with an
    /// `eventDate` in `[from, to)`, oldest first (then by service, then as a query orders them): what a pull or backfill over that window must
    /// deliver besides what ``generate(count:)`` and ``insert(_:visibleAt:)`` added.
    public func historyIDs(from: Timestamp, to: Timestamp, serviceName: String? = nil) -> [String] {
        state.withLock { state in
            materializeHistory(&state, serviceName: serviceName, from: from, to: to)
            return state.records
                .filter { record in
                    record.seeded && record.eventDate >= from && record.eventDate < to
                        && (serviceName == nil || record.serviceName == serviceName)
                }
                .sorted { ($0.eventDate, $0.serviceName, $0.sequence) < ($1.eventDate, $1.serviceName, $1.sequence) }
                .compactMap { $0.object["id"]?.stringValue }
        }
    }

    /// When the seeded history ends: the instant the org was created.
    public var historyEnd: WallInstant { state.withLock { $0.history.anchor } }
}
