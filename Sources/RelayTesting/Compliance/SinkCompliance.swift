import Logging
import RelayCore
import RelayState

/// The contract every sink keeps, run by each sink's test target through its
/// ``SinkComplianceHarness``: it delivers, reports retriable failures (5xx, 429) as retriable or
/// unavailable, permanent refusals as rejected with the destination's words and a refused credential
/// as such; and through a real `SinkWorker` and `SQLiteStateStore` it delivers every row exactly once
/// after a fault, removes rows only after delivery, dead-letters refused rows, and loses nothing
/// across a restart in the middle of a batch.
public enum SinkCompliance {
    /// One check of the suite.
    public enum Check: String, CaseIterable, Sendable {
        case delivers
        case reportsRetriableFailure
        case reportsPermanentFailure
        case reportsCredentialRejection
        case workerRetriesThenDelivers
        case workerDeadLettersRefusedRows
        case restartMidBatchLosesNothing
    }

    /// One check for one sink: a test argument.
    public struct Case: Sendable, CustomStringConvertible {
        public let harness: any SinkComplianceHarness
        public let check: Check

        public var description: String { "\(harness.name): \(check.rawValue)" }
    }

    /// Every check that applies to each of `harnesses` (a destination without permanent failures or
    /// credentials skips the checks of those).
    public static func cases(_ harnesses: [any SinkComplianceHarness]) -> [Case] {
        harnesses.flatMap { harness in
            Check.allCases.filter { check in
                switch check {
                case .reportsPermanentFailure, .workerDeadLettersRefusedRows: harness.hasPermanentFailure
                case .reportsCredentialRejection: harness.hasCredential
                default: true
                }
            }.map { Case(harness: harness, check: $0) }
        }
    }

    /// Runs one check; throws a ``ComplianceFailure`` when the sink breaks the contract.
    public static func run(_ testCase: Case) async throws {
        let clock = ManualClock()
        let harness = testCase.harness
        let checker = Checker(check: "sink." + testCase.check.rawValue, component: harness.name)
        try await withScratchDirectory("sink-compliance") { directory in
            try await harness.withDestination(clock: clock) { destination in
                switch testCase.check {
                case .delivers: try await delivers(destination, directory: directory, clock: clock, checker)
                case .reportsRetriableFailure:
                    try await retriable(destination, directory: directory, clock: clock, checker)
                case .reportsPermanentFailure:
                    try await rejected(destination, directory: directory, clock: clock, checker)
                case .reportsCredentialRejection:
                    try await credentialRejected(destination, directory: directory, clock: clock, checker)
                case .workerRetriesThenDelivers:
                    try await workerRetriesThenDelivers(destination, directory: directory, clock: clock, checker)
                case .workerDeadLettersRefusedRows:
                    try await workerDeadLetters(destination, directory: directory, clock: clock, checker)
                case .restartMidBatchLosesNothing:
                    try await restartMidBatch(destination, directory: directory, clock: clock, checker)
                }
            }
        }
    }

    /// A batch is delivered (acknowledged where the destination acknowledges) and arrives in order.
    static func delivers(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    )
        async throws
    {
        let store = try SinkComplianceKit.openStore(directory)
        let batch = SinkComplianceKit.entries(5, clock: clock)
        let outcome = await SinkComplianceKit.deliverAndConfirm(destination.makeSink(store), batch)
        try checker.require(outcome == .delivered, "expected delivered, got \(outcome)")
        let arrived = try destination.arrived()
        try checker.require(arrived == batch.map(\.eventID), "arrived \(arrived), sent \(batch.map(\.eventID))")
    }

    /// A 5xx or 429 is reported as one to retry (retriable or unavailable) and delivers nothing.
    static func retriable(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    )
        async throws
    {
        let store = try SinkComplianceKit.openStore(directory)
        try destination.failRetriably()
        let outcome = await destination.makeSink(store).deliver(SinkComplianceKit.entries(3, clock: clock))
        try checker.require(outcome.retryDetails != nil, "expected a retriable failure, got \(outcome)")
        try checker.require(try destination.arrived().isEmpty, "events arrived despite the failure")
    }

    /// A batch the destination refuses for good is reported as rejected with the destination's words.
    static func rejected(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    )
        async throws
    {
        let store = try SinkComplianceKit.openStore(directory)
        guard let failure = destination.permanentFailure?(store) else {
            throw checker.failure("the harness has no permanent failure")
        }
        let outcome = await failure.sink.deliver(SinkComplianceKit.entries(1, clock: clock))
        guard case .rejected(let reason) = outcome else {
            throw checker.failure("expected a rejection, got \(outcome)")
        }
        try checker.require(reason.contains(failure.words), "the reason \"\(reason)\" lacks \"\(failure.words)\"")
        try checker.require(try destination.arrived().isEmpty, "events arrived despite the refusal")
    }

    /// A refused credential (401/403) is reported as such, not as a retriable or rejected batch.
    static func credentialRejected(
        _ destination: SinkComplianceDestination, directory: String, clock: ManualClock, _ checker: Checker
    ) async throws {
        let store = try SinkComplianceKit.openStore(directory)
        guard let sink = destination.credentialFailure?(store) else {
            throw checker.failure("the harness has no credential")
        }
        let outcome = await sink.deliver(SinkComplianceKit.entries(2, clock: clock))
        guard case .credentialRejected = outcome else {
            throw checker.failure("expected a credential rejection, got \(outcome)")
        }
        try checker.require(try destination.arrived().isEmpty, "events arrived with a refused credential")
    }
}
