import RelayCore
import Synchronization

/// Round-robin over several collector endpoints with failover: an endpoint that failed is skipped
/// until its cool-down ends, then tried again; when every endpoint is cooling down, the one that
/// recovers first is used anyway. A pure value; ``EndpointPool`` shares it between requests.
struct EndpointRotation: Sendable {
    private var next = 0
    private var downUntil: [WallInstant?]
    let cooldown: Duration

    init(count: Int, cooldown: Duration) {
        self.downUntil = Array(repeating: nil, count: count)
        self.cooldown = cooldown
    }

    /// The endpoint for the next request.
    mutating func pick(now: WallInstant) -> Int {
        let count = downUntil.count
        for offset in 0..<count {
            let candidate = (next + offset) % count
            if let until = downUntil[candidate], until > now { continue }
            downUntil[candidate] = nil
            next = (candidate + 1) % count
            return candidate
        }
        let soonest = downUntil.indices.min { (downUntil[$0] ?? now) < (downUntil[$1] ?? now) } ?? 0
        next = (soonest + 1) % count
        return soonest
    }

    mutating func markFailed(_ index: Int, now: WallInstant) {
        downUntil[index] = now.advanced(by: cooldown)
    }

    mutating func markHealthy(_ index: Int) {
        downUntil[index] = nil
    }
}

/// ``EndpointRotation`` behind a lock, with the clock that times cool-downs.
final class EndpointPool: Sendable {
    private let rotation: Mutex<EndpointRotation>
    private let clock: any WallClock

    init(count: Int, cooldown: Duration, clock: any WallClock) {
        self.rotation = Mutex(EndpointRotation(count: count, cooldown: cooldown))
        self.clock = clock
    }

    func pick() -> Int {
        let now = clock.now
        return rotation.withLock { $0.pick(now: now) }
    }

    func markFailed(_ index: Int) {
        let now = clock.now
        rotation.withLock { $0.markFailed(index, now: now) }
    }

    func markHealthy(_ index: Int) {
        rotation.withLock { $0.markHealthy(index) }
    }
}
