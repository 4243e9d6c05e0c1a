import RelayAlerts
import RelayConfig
import RelayCore
import RelayObservability
import RelayOperations
import RelayRuntime
import Testing

@Suite("Alert state machine")
struct AlertStateMachineTests {
    let start = WallInstant(sinceEpoch: .seconds(1_767_225_600))
    let credential = AlertCondition.sink(.credentialRejected, "splunk")
    let failing = AlertCondition.source(.sourceFailing, "genesys")

    func at(_ seconds: Int64) -> WallInstant { start.advanced(by: .seconds(seconds)) }

    /// Feeds one condition's observations every 30 s; returns the actions with their times.
    func run(_ pattern: [Bool], _ condition: AlertCondition, machine: inout AlertStateMachine) -> [(Int64, AlertAction)]
    {
        var actions: [(Int64, AlertAction)] = []
        for (index, active) in pattern.enumerated() {
            let seconds = Int64(index) * 30
            let observation = active ? AlertObservation.active(condition, "problem at \(seconds)") : .clear(condition)
            actions += machine.evaluate([observation], at: at(seconds)).map { (seconds, $0) }
        }
        return actions
    }

    @Test("one outage is one alert and one recovery, however long it lasts")
    func oneAlertPerOutage() {
        var machine = AlertStateMachine(sourceFailingAfter: .seconds(900), resolveAfter: .seconds(60))
        let pattern = Array(repeating: true, count: 20) + Array(repeating: false, count: 5)
        let actions = run(pattern, credential, machine: &machine)
        #expect(actions.count == 2)
        guard actions.count == 2 else { return }
        #expect(actions[0].0 == 0)
        #expect(
            actions[0].1
                == .fire(AlertNotification(condition: credential, state: .firing, message: "problem at 0", at: at(0))))
        // Clear from 600 s; resolved once it stayed clear for 60 s.
        #expect(actions[1].0 == 660)
        #expect(actions[1].1.notification.state == .resolved)
        #expect(actions[1].1.notification.message == "recovered: problem at 0")
        #expect(machine.firing.isEmpty)
    }

    @Test("a flapping condition stays one alert until it is clear for the whole resolve period")
    func flapping() {
        var machine = AlertStateMachine(sourceFailingAfter: .seconds(900), resolveAfter: .seconds(90))
        let pattern = [true, false, true, false, false, true, false, false, false, false]
        let actions = run(pattern, credential, machine: &machine)
        #expect(actions.map(\.1.notification.state) == [.firing, .resolved])
        // Last active at 150 s, clear from 180 s, resolved at 270 s.
        #expect(actions.last?.0 == 270)
    }

    @Test("a new outage after a recovery alerts again")
    func secondOutage() {
        var machine = AlertStateMachine(sourceFailingAfter: .seconds(900), resolveAfter: .zero)
        let actions = run([true, false, true, true, false], credential, machine: &machine)
        #expect(actions.map(\.1.notification.state) == [.firing, .resolved, .firing, .resolved])
        #expect(actions.map(\.0) == [0, 30, 60, 120])
    }

    @Test("a failing source alerts only after failing for the threshold, once")
    func sourceFailingThreshold() {
        var machine = AlertStateMachine(sourceFailingAfter: .seconds(900), resolveAfter: .seconds(60))
        let actions = run(Array(repeating: true, count: 40), failing, machine: &machine)
        #expect(actions.count == 1)
        #expect(actions.first?.0 == 900)
        #expect(actions.first?.1.notification.condition == failing)
    }

    @Test("a source that recovers before the threshold never alerts")
    func sourceRecoversInTime() {
        var machine = AlertStateMachine(sourceFailingAfter: .seconds(900), resolveAfter: .seconds(60))
        let pattern = Array(repeating: true, count: 29) + [false] + Array(repeating: true, count: 29) + [false, false]
        #expect(run(pattern, failing, machine: &machine).isEmpty)
    }

    @Test("conditions are tracked separately; an unobserved condition keeps its state")
    func independentConditions() {
        var machine = AlertStateMachine(sourceFailingAfter: .seconds(60), resolveAfter: .zero)
        let deadLetters = AlertCondition.sink(.deadLetters, "splunk")
        var actions = machine.evaluate([.active(credential, "bad token"), .active(deadLetters, "10 new")], at: at(0))
        #expect(actions.map(\.notification.condition) == [credential, deadLetters])
        // Only the dead letters are observed (the store could not be read for the other): the
        // credential alert stays firing without being repeated.
        actions = machine.evaluate([.clear(deadLetters)], at: at(30))
        #expect(actions.map(\.notification.condition) == [deadLetters])
        #expect(actions.first?.notification.state == .resolved)
        #expect(machine.firing == [credential])
    }

    @Test("the tracker alone: pending, firing, clearing")
    func trackerPhases() {
        var tracker = AlertTracker(condition: failing, fireAfter: .seconds(60), resolveAfter: .seconds(30))
        #expect(tracker.evaluate(active: true, message: "x", at: at(0)).isEmpty)
        #expect(tracker.phase == .pending(since: at(0)))
        #expect(tracker.evaluate(active: true, message: "y", at: at(60)).count == 1)
        #expect(tracker.phase == .firing(clearSince: nil))
        #expect(tracker.evaluate(active: false, message: "", at: at(70)).isEmpty)
        #expect(tracker.phase == .firing(clearSince: at(70)))
        let resolved = tracker.evaluate(active: false, message: "", at: at(100))
        #expect(resolved.first?.notification.message == "recovered: y")
        #expect(tracker.phase == .clear)
    }
}
