import RelayAWS
import RelayAWSCore
import RelayConfig
import RelayCore

extension LambdaConfigReader {
    /// The environment variable naming the S3 bucket where scheduled extraction keeps its state when
    /// `lambda.scheduled_extraction.state` is not set (the generated CloudFormation template sets it
    /// to its state bucket, whose role may read and write `ccrelay-state/*`).
    public static let stateBucketVariable = "CCRELAY_STATE_BUCKET"

    /// Settles where scheduled extraction keeps its state when `handler` is the one that runs. With
    /// `lambda.scheduled_extraction.state` unset and ``stateBucketVariable`` set, the state goes to
    /// that bucket under `ccrelay-state` (region from `AWS_REGION`, credentials from the function's
    /// role, as Lambda sets them; an S3-compatible endpoint from `AWS_ENDPOINT_URL_S3` or
    /// `AWS_ENDPOINT_URL`, as the AWS SDKs read them). A SQLite store on Lambda's own filesystem,
    /// which is lost at every cold start, is refused at `lambda.scheduled_extraction.state`;
    /// PostgreSQL (`state.postgres`) and a SQLite file on an EFS mount (`state.sqlite.path` under
    /// `/mnt/`) are kept.
    public static func settleExtractionState(
        _ settings: inout LambdaConfiguration, handler: LambdaHandlerKind?, root: ConfigNode
    ) {
        // `state: s3` and unknown values are the reader's to report.
        guard handler == .scheduledExtraction, settings.extractionState ?? "store" == "store" else { return }
        let environment = root.interpolation.environment
        if settings.extractionState == nil, let bucket = environment(stateBucketVariable), !bucket.isEmpty {
            settings.s3State = environmentState(bucket: bucket, root: root)
            return
        }
        let stateSection = root.optional("state")
        if stateSection?.optional("postgres") != nil { return }
        let written = stateSection?.optional("sqlite")?.optional("path")?.stringValue()
        if let written, written.hasPrefix("/mnt/") { return }
        let store = written.map { "the SQLite file \($0)" } ?? "the default SQLite file"
        root.problem(
            "scheduled extraction on AWS Lambda cannot keep its state in \(store): Lambda's filesystem is lost at "
                + "every cold start, so each one would read everything again; set state: s3 (with s3.bucket, or the "
                + "\(stateBucketVariable) environment variable, which the generated template sets), state.postgres, "
                + "or a state.sqlite.path on an EFS mount under /mnt/",
            at: "lambda.scheduled_extraction.state")
    }

    /// The state bucket named by the environment, with the region and credentials Lambda provides.
    private static func environmentState(bucket: String, root: ConfigNode) -> S3StateConfiguration? {
        let environment = root.interpolation.environment
        if let problem = S3SinkConfiguration.bucketNameProblem(bucket) {
            root.problem("\(problem), found \"\(bucket)\"", at: stateBucketVariable)
            return nil
        }
        guard let region = AWSRegion.fromEnvironment(environment) else {
            root.problem("the state bucket needs AWS_REGION (Lambda sets it)", at: stateBucketVariable)
            return nil
        }
        do {
            let credentials = try AWSCredentialSource.defaultChain(environment)
            let endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].lazy.compactMap { environment($0) }
                .first { !$0.isEmpty }
            return S3StateConfiguration(
                bucket: bucket, region: region, endpoint: endpoint, credentials: credentials)
        } catch {
            root.problem(
                "the state bucket needs AWS credentials (Lambda sets the function role's in the "
                    + "environment): \(error.message)",
                at: stateBucketVariable)
            return nil
        }
    }
}
