/// A compliance check that did not hold: which check, for which component, and what was seen.
/// Thrown by the compliance suites, so the test that runs a check fails with this description.
public struct ComplianceFailure: Error, CustomStringConvertible {
    /// The check, e.g. `sink.delivers` or `source.resumesFromCheckpoint`.
    public let check: String
    /// The component under test, as its harness names it.
    public let component: String
    /// What the check saw instead of what it expected.
    public let message: String

    public var description: String { "\(component) fails \(check): \(message)" }
}

/// The check being run and the component it runs for, to name in a failure.
struct Checker: Sendable {
    let check: String
    let component: String

    /// Throws a ``ComplianceFailure`` with `message` unless `condition` holds.
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(ComplianceFailure) {
        if !condition { throw failure(message()) }
    }

    func failure(_ message: String) -> ComplianceFailure {
        ComplianceFailure(check: check, component: component, message: message)
    }
}
