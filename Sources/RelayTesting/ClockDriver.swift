import RelayCore

extension ManualClock {
    /// Runs `operation` while a helper lets every sleep on this clock pass (retry backoff,
    /// acknowledgement polls, poll intervals): each time something sleeps it calls `beforeAdvance`,
    /// then moves time on by `step`. Time moves only while something waits, so the run stays
    /// deterministic and nothing sleeps on the wall clock.
    public func driving<T: Sendable>(
        step: Duration,
        beforeAdvance: @escaping @Sendable () -> Void = {},
        _ operation: @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    await self.waitForSleepers(count: 1)
                    if Task.isCancelled { break }
                    beforeAdvance()
                    self.advance(by: step)
                    await Task.yield()
                }
                return nil
            }
            let result = try await operation()
            group.cancelAll()
            return result
        }
    }
}
