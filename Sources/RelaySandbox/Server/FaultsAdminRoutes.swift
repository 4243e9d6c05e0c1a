import Hummingbird
import RelayCore

/// Run-time fault control of a running emulator, for chaos runs against `ccrelay sandbox`:
///
/// * `POST /_sandbox/faults` with a JSON object of fault knobs (each emulator documents its own in
///   ``FaultsControllable/faultKnobs``) queues or switches faults; answers 200
///   `{"applied": {...}}` with what was applied, or 400 `{"error": ...}` naming an unknown knob or a
///   value of the wrong type (nothing is applied then).
/// * `GET /_sandbox/stats` answers what the emulator has served and stored, as JSON (for HEC,
///   Datadog and Sumo Logic also `stored` and `distinct_event_ids`, so a script can compare them
///   with what it sent).
///
/// These paths are the sandbox's own; no real party has them.
protocol FaultsControllable: SandboxEmulator {
    /// Knob name → what it does, for the 400 answer listing the valid ones.
    var faultKnobs: [String: String] { get }
    /// Applies validated knobs (every key is one of ``faultKnobs``).
    func applyFaults(_ knobs: FaultKnobs) throws(FaultKnobs.Problem)
    /// The emulator's counters and index summary.
    var adminStats: JSONValue { get }
}

/// The parsed body of `POST /_sandbox/faults`, with typed readers that report a bad value.
struct FaultKnobs {
    struct Problem: Error {
        let message: String
    }

    let object: JSONObject

    /// A non-negative integer knob, or nil when absent.
    func count(_ key: String) throws(Problem) -> Int? {
        guard let value = object[key] else { return nil }
        guard let number = value.int64Value, number >= 0, number <= 1_000_000 else {
            throw Problem(message: "\(key): expected an integer from 0 to 1000000")
        }
        return Int(number)
    }

    /// A non-empty string knob, or nil when absent.
    func text(_ key: String) throws(Problem) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue, !text.isEmpty else {
            throw Problem(message: "\(key): expected a non-empty string")
        }
        return text
    }

    /// A boolean knob, false when absent.
    func flag(_ key: String) throws(Problem) -> Bool {
        guard let value = object[key] else { return false }
        guard let flag = value.boolValue else { throw Problem(message: "\(key): expected true or false") }
        return flag
    }
}

extension FaultsControllable {
    /// Adds `POST /_sandbox/faults` and `GET /_sandbox/stats` to the emulator's router.
    func addFaultRoutes(to router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/_sandbox/faults") { request, _ in try await self.receiveFaults(request) }
        router.get("/_sandbox/stats") { _, _ in SandboxHTTP.json(.ok, self.adminStats) }
    }

    private func receiveFaults(_ request: Request) async throws -> Response {
        guard let body = try await SandboxHTTP.readBody(request),
            let object = (try? JSONParser.parse(body))?.objectValue
        else {
            return SandboxHTTP.json(.badRequest, ["error": "the body must be a JSON object of fault knobs"])
        }
        let unknown = object.map(\.key).filter { faultKnobs[$0] == nil }
        guard unknown.isEmpty else {
            let known = faultKnobs.keys.sorted().joined(separator: ", ")
            return SandboxHTTP.json(
                .badRequest,
                ["error": .string("unknown fault knob(s) \(unknown.joined(separator: ", ")); known: \(known)")])
        }
        do {
            try applyFaults(FaultKnobs(object: object))
        } catch {
            return SandboxHTTP.json(.badRequest, ["error": .string(error.message)])
        }
        return SandboxHTTP.json(.ok, ["applied": .object(object)])
    }
}

/// `stored` and `distinct_event_ids` of an index.
func indexSummary(_ eventIDs: [String?]) -> (stored: JSONValue, distinct: JSONValue) {
    let distinct = Set(eventIDs.compactMap { $0 }).count
    return (.number(JSONNumber(eventIDs.count)), .number(JSONNumber(distinct)))
}
