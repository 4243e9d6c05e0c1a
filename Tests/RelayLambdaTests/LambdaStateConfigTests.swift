import RelayConfig
import RelayRuntime
import Testing

/// Where scheduled extraction keeps its state on Lambda, as `ccrelay validate` (the configuration
/// loader) checks it: never in a SQLite file that the next cold start has lost.
@Suite struct LambdaStateConfigTests {
    static func problems(_ yaml: String, environment: [String: String] = [:]) -> [ConfigProblem] {
        var environment = environment
        environment["GENESYS_SECRET"] = "s"
        let interpolation = Interpolation(environment: { [environment] in environment[$0] })
        do {
            _ = try ConfigLoader(interpolation: interpolation).load(
                yaml: """
                    sources:
                      g: {type: genesys_audit, client_id: a, client_secret: "${env:GENESYS_SECRET}"}
                    sinks:
                      out: {type: stdout}
                    \(yaml)
                    """)
            return []
        } catch {
            return error.problems
        }
    }

    static let extraction = "lambda:\n  handler: scheduled-extraction\n"

    @Test func defaultSQLiteStateIsRefusedAtItsPath() {
        let problems = Self.problems(Self.extraction)
        #expect(problems.map(\.path) == ["lambda.scheduled_extraction.state"])
        #expect(problems.first?.message.contains("cold start") == true)
    }

    @Test func localSQLiteFileAndExplicitStoreAreRefused() {
        let explicit = Self.problems(
            "state:\n  sqlite: {path: /tmp/state.sqlite}\n" + Self.extraction
                + "  scheduled_extraction: {state: store}\n")
        #expect(explicit.map(\.path) == ["lambda.scheduled_extraction.state"])
        #expect(explicit.first?.message.contains("/tmp/state.sqlite") == true)
    }

    @Test func durableStatesAreAccepted() {
        #expect(Self.problems("state:\n  sqlite: {path: /mnt/efs/state.sqlite}\n" + Self.extraction).isEmpty)
        #expect(
            Self.problems(
                Self.extraction
                    + "  scheduled_extraction:\n    state: s3\n    s3: {bucket: my-state, region: eu-west-1}\n",
                environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
            ).isEmpty)
        // A daemon configuration, or the Firehose transformation, keeps no state on Lambda.
        #expect(Self.problems("").isEmpty)
        #expect(Self.problems("lambda:\n  handler: firehose-transform\n").isEmpty)
    }

    @Test func stateBucketFromTheEnvironmentAsTheTemplateSetsIt() {
        let lambdaEnvironment = [
            "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_SESSION_TOKEN": "token",
        ]
        var withBucket = lambdaEnvironment
        withBucket["CCRELAY_STATE_BUCKET"] = "stack-statebucket-1a2b3c"
        #expect(Self.problems(Self.extraction, environment: withBucket).isEmpty)
        // An explicit `state: store` is not overridden by the environment.
        #expect(
            Self.problems(Self.extraction + "  scheduled_extraction: {state: store}\n", environment: withBucket).map(
                \.path) == ["lambda.scheduled_extraction.state"])
        withBucket["CCRELAY_STATE_BUCKET"] = "Not_A_Bucket"
        #expect(Self.problems(Self.extraction, environment: withBucket).map(\.path) == ["CCRELAY_STATE_BUCKET"])
    }
}
