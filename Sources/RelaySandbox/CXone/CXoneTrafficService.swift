import RelayCore
import ServiceLifecycle

/// Keeps a sandbox CXone tenant busy: every `interval`, `changes` admin changes and `logins`
/// agent logins, until graceful shutdown.
public struct CXoneTrafficService: Service {
    let tenant: CXoneTenantEmulator
    let changes: Int
    let logins: Int
    let interval: Duration
    let clock: any WallClock

    /// - Parameters:
    ///   - changes: Column changes recorded per interval.
    ///   - logins: Agent logins recorded per interval.
    ///   - interval: Time between two rounds. Default 5 s.
    public init(
        tenant: CXoneTenantEmulator, changes: Int, logins: Int, interval: Duration = .seconds(5), clock: any WallClock
    ) {
        self.tenant = tenant
        self.changes = changes
        self.logins = logins
        self.interval = interval
        self.clock = clock
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return
            }
            tenant.generateChanges(count: changes)
            tenant.generateLogins(count: logins)
        }
    }
}
