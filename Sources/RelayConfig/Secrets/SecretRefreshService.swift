import Logging
import RelayCore
import ServiceLifecycle

/// Re-reads every file and Secrets Manager secret on the refresh interval (sooner after a failed
/// read, with backoff) until graceful shutdown.
public struct SecretRefreshService: Service {
    private let provider: SecretProvider
    private let clock: any WallClock

    public init(provider: SecretProvider, clock: any WallClock) {
        self.provider = provider
        self.clock = clock
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await provider.refreshDue()
            let wakeAt = provider.nextRefresh ?? clock.now.advanced(by: provider.settings.refreshInterval)
            do {
                try await cancelWhenGracefulShutdown {
                    try await clock.sleep(until: max(wakeAt, clock.now), tolerance: nil)
                }
            } catch {
                return
            }
        }
    }
}
