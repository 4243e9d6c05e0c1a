import RelayCore
import RelayTesting
import Testing

@testable import RelayAWS

@Suite struct APIDestinationReceiverTests {
    func receiver(_ auth: APIDestinationAuth) -> APIDestinationReceiver {
        APIDestinationReceiver(
            configuration: APIDestinationReceiverConfiguration(name: "eventbridge", auth: auth),
            normalize: testNormalizer, clock: ManualClock(), logger: testLogger)
    }

    @Test func apiKeyHeaderAuthenticatesAndOneEventIsCommittedBefore200() async throws {
        let intake = RecordingIntake()
        let receiver = receiver(.apiKey(header: "X-Api-Key", values: ["k1", "k2"]))
        let body = Array(eventText("ev-1").utf8)
        let (missing, wrong, rotated, again) = try await withReceiverServer(receiver, intake: intake) { base in
            let url = base + "/eventbridge"
            return (
                try await send("POST", url, body: body),
                try await send("POST", url, headers: [("X-Api-Key", "k3")], body: body),
                try await send("POST", url, headers: [("x-api-key", "k2")], body: body),
                try await send("POST", url, headers: [("X-Api-Key", "k1")], body: body)
            )
        }
        #expect(missing.status == 401)
        #expect(wrong.status == 401)
        #expect(wrong.json?["errorMessage"] != nil)
        #expect(rotated.status == 200)
        #expect(rotated.json?["accepted"] == 1)
        #expect(again.status == 200)
        #expect(again.json?["duplicates"] == 1, "a redelivered event is acknowledged, not duplicated")
        #expect(intake.events.count == 1)
    }

    @Test func basicAuthentication() async throws {
        let intake = RecordingIntake()
        let receiver = receiver(.basic(credentials: [BasicCredential(username: "eb", password: "s3cret")]))
        let body = Array(eventText("ev-2").utf8)
        let (good, bad, garbage) = try await withReceiverServer(receiver, intake: intake) { base in
            let url = base + "/eventbridge"
            return (
                try await send(
                    "POST", url, headers: [("Authorization", "Basic " + Base64.encode(Array("eb:s3cret".utf8)))],
                    body: body),
                try await send(
                    "POST", url, headers: [("Authorization", "Basic " + Base64.encode(Array("eb:wrong".utf8)))],
                    body: body),
                try await send("POST", url, headers: [("Authorization", "Basic ***")], body: body)
            )
        }
        #expect(good.status == 200)
        #expect(bad.status == 401)
        #expect(garbage.status == 401)
        #expect(intake.events.count == 1)
    }

    @Test func storeFailureIs500AndNothingIsAcknowledged() async throws {
        let intake = RecordingIntake()
        intake.setFailing(true)
        let receiver = receiver(.apiKey(header: "X-Api-Key", values: ["k"]))
        let response = try await withReceiverServer(receiver, intake: intake) { base in
            try await send(
                "POST", base + "/eventbridge", headers: [("X-Api-Key", "k")], body: Array(eventText("ev-3").utf8))
        }
        #expect(response.status == 500)
        #expect(intake.events.isEmpty)
    }

    /// Until the push paths shared one decoder, a body that was not JSON was refused 400 (left to the
    /// rule's dead-letter queue, lost without one) while an invalid event was dead-lettered here; now
    /// both are dead-lettered here with a reason, as the Firehose receiver does.
    @Test func notJSONAndAnInvalidEventAreBothDeadLettered() async throws {
        let intake = RecordingIntake()
        let receiver = receiver(.apiKey(header: "X-Api-Key", values: ["k"]))
        let (notJSON, invalid) = try await withReceiverServer(receiver, intake: intake) { base in
            (
                try await send("POST", base + "/eventbridge", headers: [("X-Api-Key", "k")], body: Array("nope".utf8)),
                try await send(
                    "POST", base + "/eventbridge", headers: [("X-Api-Key", "k")], body: Array(#"{ "id": "x" }"#.utf8))
            )
        }
        #expect(notJSON.status == 200)
        #expect(notJSON.json?["accepted"] == 0)
        #expect(notJSON.json?["dead_lettered"] == 1)
        #expect(invalid.status == 200)
        #expect(invalid.json?["dead_lettered"] == 1)
        #expect(intake.malformed.map(\.raw) == ["nope", #"{ "id": "x" }"#], "the raw text as sent")
        #expect(intake.malformed.first?.reason.hasPrefix("body line 1: not a JSON event") == true)
        #expect(intake.malformed.last?.reason == "body: detail.topicName is missing")
    }

    @Test func configurationProblems() {
        let bad = APIDestinationReceiverConfiguration(
            name: "e", path: "eventbridge", auth: .apiKey(header: "Bad Header", values: []))
        let problems = bad.problems()
        #expect(problems.contains { $0.hasPrefix("path:") })
        #expect(problems.contains { $0.hasPrefix("auth.header:") })
        #expect(problems.contains { $0.hasPrefix("auth.values:") })
        #expect(
            APIDestinationReceiverConfiguration(name: "e", auth: .apiKey(header: "X-Api-Key", values: ["k"])).problems()
                .isEmpty)
    }
}
