import Foundation
import RelayConfig
import RelayLambda
import RelayRuntime
import RelayTesting
import Testing

/// `ccrelay generate aws --variant lambda`, run as a user runs it, checked with cfn-lint.
@Suite struct LambdaTemplateTests {
    /// Runs a tool to its end on a thread of its own (see GenerateTestSupport.run).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(executable, arguments) })
            }
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func lambdaTemplatePassesCfnLintAndHasTheFunctionsAndSchedule() async throws {
        let scratch = try ScratchDirectory("lambda-cfn")
        defer { scratch.remove() }
        let out = scratch.url
        let generated = try await Self.run(
            LambdaProcessTests.binary.path, ["generate", "aws", "--variant", "lambda", "--out", out.path])
        #expect(generated.status == 0, "\(generated.output)")
        let template = out.appendingPathComponent("aws/ccrelay-lambda.yaml").path
        let text = try String(contentsOfFile: template, encoding: .utf8)
        for fragment in [
            "provided.al2023", "Handler: \"bootstrap\"", "firehose-transform", "scheduled-extraction",
            "AWS::Scheduler::Schedule",
            "ProcessingConfiguration", "SplunkDestinationConfiguration", "HttpEndpointDestinationConfiguration",
            "Condition: \"ToDatadog\"", "Condition: \"ToSplunk\"",
        ] {
            #expect(text.contains(fragment), "missing \(fragment)")
        }
        let lint = try await Self.run("cfn-lint", [template])
        #expect(lint.status != 127, "cfn-lint is not installed: pip install cfn-lint")
        #expect(lint.status == 0, "\(lint.output)")

        let wrong = try await Self.run(
            LambdaProcessTests.binary.path, ["generate", "splunk", "--variant", "lambda", "--out", out.path])
        #expect(wrong.status == 2)
    }
}

/// `ccrelay validate` knows the `lambda:` section.
@Suite struct LambdaValidateTests {
    @Test func validateChecksTheLambdaSection() async throws {
        let good = try LambdaProcessTests.writeConfig(
            """
            sources:
              g: {type: genesys_audit, client_id: a, client_secret: "${env:CCRELAY_TEST_SECRET}"}
            sinks:
              out: {type: stdout}
            lambda:
              handler: scheduled-extraction
              firehose_transform: {format: datadog, service: cc}
            """)
        defer { try? FileManager.default.removeItem(at: good) }
        let bad = try LambdaProcessTests.writeConfig(
            """
            sources:
              g: {type: genesys_audit, client_id: a, client_secret: "${env:CCRELAY_TEST_SECRET}"}
            sinks:
              out: {type: stdout}
            lambda:
              handler: scheduled-extraction
              scheduled_extraction: {safety_margin_secs: 0, state: dynamo}
            """)
        defer { try? FileManager.default.removeItem(at: bad) }
        let binary = LambdaProcessTests.binary.path
        // Deployed with the generated template, which names the state bucket and the function's role.
        let accepted = try await LambdaTemplateTests.run(
            "env",
            [
                "CCRELAY_TEST_SECRET=s", "CCRELAY_STATE_BUCKET=my-state", "AWS_REGION=eu-west-1",
                "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=example", binary, "validate", "--config",
                good.path,
            ])
        #expect(accepted.status == 0, "\(accepted.output)")
        let refused = try await LambdaTemplateTests.run(
            "env", ["CCRELAY_TEST_SECRET=s", binary, "validate", "--config", bad.path])
        #expect(refused.status == 2)
        #expect(refused.output.contains("lambda.scheduled_extraction.safety_margin_secs"))
        #expect(refused.output.contains("lambda.scheduled_extraction.state"))
    }
}

/// A file that sets up only the Firehose transformation (no sources, no sinks: Firehose delivers) is
/// what that Lambda deploys with; `validate` and `generate` read it, scheduled extraction still needs
/// sources and sinks.
@Suite struct LambdaOnlyFileTests {
    @Test func transformationOnlyFileValidatesAndGeneratesItsSplunkContent() async throws {
        let transform = try LambdaProcessTests.writeConfig(
            """
            lambda:
              handler: firehose-transform
              firehose_transform: {sourcetype: "genesys:firehose", index: cc_firehose}
            """)
        defer { try? FileManager.default.removeItem(at: transform) }
        let extraction = try LambdaProcessTests.writeConfig("lambda: {handler: scheduled-extraction}\n")
        defer { try? FileManager.default.removeItem(at: extraction) }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ccrelay-gen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let binary = LambdaProcessTests.binary.path

        let valid = try await LambdaTemplateTests.run(binary, ["validate", "--config", transform.path])
        #expect(valid.status == 0, "\(valid.output)")
        #expect(valid.output.contains("OK (AWS Lambda only: firehose-transform)"), "\(valid.output)")
        let generated = try await LambdaTemplateTests.run(
            binary, ["generate", "splunk", "--config", transform.path, "--out", out.path])
        #expect(generated.status == 0, "\(generated.output)")
        let props = try String(
            contentsOf: out.appendingPathComponent("splunk/ccrelay_content/default/props.conf"), encoding: .utf8)
        #expect(props.contains("[genesys:firehose]"))
        #expect(!props.contains("[ccas:auditlog]"), "no stanza for a sink the file does not have")

        let refused = try await LambdaTemplateTests.run(binary, ["validate", "--config", extraction.path])
        #expect(refused.status == 2)
        #expect(refused.output.contains("sources"), "\(refused.output)")
        #expect(refused.output.contains("sinks"), "\(refused.output)")
        // `run` needs a pipeline whatever the file's lambda: section.
        #expect(throws: ConfigError.self) {
            _ = try ConfigLoader().load(path: transform.path)
        }
    }
}

/// The generated template's function environments hold only what `ccrelay lambda` reads.
@Suite struct LambdaTemplateEnvironmentTests {
    /// The variable names of every `Environment.Variables` block in the rendered template, per block.
    static func variableBlocks(_ template: String) -> [[String]] {
        var blocks: [[String]] = []
        var indent: Int?
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            let depth = line.prefix { $0 == " " }.count
            let text = line.dropFirst(depth)
            if text == "Variables:" {
                indent = depth + 2
                blocks.append([])
            } else if let expected = indent {
                if depth < expected {
                    indent = nil
                } else if depth == expected, let colon = text.firstIndex(of: ":") {
                    blocks[blocks.count - 1].append(String(text[..<colon]))
                }
            }
        }
        return blocks
    }

    @Test func templateEnvironmentIsWhatTheRuntimeReads() async throws {
        let scratch = try ScratchDirectory("lambda-cfn-env")
        defer { scratch.remove() }
        let generated = try await LambdaTemplateTests.run(
            LambdaProcessTests.binary.path, ["generate", "aws", "--variant", "lambda", "--out", scratch.url.path])
        #expect(generated.status == 0, "\(generated.output)")
        let text = try String(
            contentsOfFile: scratch.url.appendingPathComponent("aws/ccrelay-lambda.yaml").path, encoding: .utf8)
        let read: Set = [
            LambdaFunction.handlerVariable, LambdaFunction.configVariable, LambdaConfigReader.stateBucketVariable,
        ]
        let blocks = Self.variableBlocks(text)
        #expect(blocks.count == 2)
        for block in blocks {
            #expect(Set(block).isSubset(of: read), "the template sets variables nothing reads: \(block)")
        }
        #expect(blocks.contains { $0.contains(LambdaConfigReader.stateBucketVariable) })
        // The extraction role may write where the state goes by default.
        #expect(text.contains("${StateBucket.Arn}/\(S3StateConfiguration.defaultPrefix)/*"))
    }
}
