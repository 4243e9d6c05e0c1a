import RelayAWSCore
import RelayConfig
import RelayCore

/// The `type: s3` archive sink component: its keys, reading and construction. Credentials come from
/// `access_key_id` / `secret_access_key` (and `session_token`), or, when both are absent, from the
/// AWS default chain (``AWSCredentialSource/defaultChain(_:)``: environment keys, web identity,
/// container endpoint, EC2 instance metadata); the region from `region`, else `AWS_REGION` /
/// `AWS_DEFAULT_REGION`, else `us-east-1` when an `endpoint` is set.
extension S3SinkConfiguration: SinkComponent {
    public static let typeName = "s3"

    static let keys: Set<String> = [
        "type", "bucket", "prefix", "region", "endpoint", "access_key_id", "secret_access_key", "session_token",
        "storage_class", "request_timeout_secs", "batch", "retry",
    ]
    static let storageClasses: Set<String> = [
        "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE",
        "REDUCED_REDUNDANCY",
    ]

    public static func read(name: String, _ node: ConfigNode) -> S3SinkConfiguration? {
        node.rejectUnknownKeys(allowed: keys)
        let bucket = node.requiredString("bucket")
        if let bucket, !bucket.isEmpty, let problem = S3SinkConfiguration.bucketNameProblem(bucket) {
            node.optional("bucket")?.problem("\(problem), found \"\(node.optional("bucket")?.writtenText ?? "")\"")
        }
        var prefix = node.string("prefix", default: "ccrelay")
        if prefix.hasPrefix("/") { node.optional("prefix")?.problem("a key prefix does not start with \"/\"") }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        let endpoint = node.string("endpoint")
        if let endpoint { DeliveryConfigReader.checkURL(endpoint, node.optional("endpoint")) }
        let region = readRegion(node, hasEndpoint: endpoint != nil)
        let credentials = readCredentials(node)
        var storageClass: String?
        if let classNode = node.optional("storage_class"), let value = classNode.stringValue() {
            if storageClasses.contains(value) {
                storageClass = value
            } else {
                classNode.problem(
                    "unknown storage class \"\(classNode.writtenText)\" (known: \(storageClasses.sorted().joined(separator: ", ")))"
                )
            }
        }
        guard let bucket, let region, let credentials else { return nil }
        return S3SinkConfiguration(
            name: name,
            bucket: bucket,
            prefix: prefix,
            region: region,
            endpoint: endpoint,
            credentials: credentials,
            storageClass: storageClass,
            requestTimeout: node.seconds("request_timeout_secs", default: .seconds(60), range: 1...3600),
            batch: DeliveryConfigReader.batch(node.optional("batch"), default: S3SinkConfiguration.defaultBatch),
            retry: DeliveryConfigReader.retry(node.optional("retry"))
        )
    }

    private static func readRegion(_ node: ConfigNode, hasEndpoint: Bool) -> String? {
        if let regionNode = node.optional("region"), let region = regionNode.stringValue() {
            guard AWSRegion.isPlausible(region) else {
                regionNode.problem("expected an AWS region such as eu-west-1, found \"\(regionNode.writtenText)\"")
                return nil
            }
            return region
        }
        if let region = AWSRegion.fromEnvironment(node.interpolation.environment) { return region }
        if hasEndpoint { return "us-east-1" }
        node.problem("missing required key \"region\" (or set AWS_REGION)", at: "\(node.path).region")
        return nil
    }

    private static func readCredentials(_ node: ConfigNode) -> AWSCredentialSource? {
        node.refuseInlineSecret("secret_access_key")
        node.refuseInlineSecret("session_token")
        let keyNode = node.optional("access_key_id")
        let secretNode = node.optional("secret_access_key")
        switch (keyNode, secretNode) {
        case (nil, nil):
            if node.optional("session_token") != nil {
                node.problem(
                    "session_token needs access_key_id and secret_access_key", at: "\(node.path).session_token")
            }
            do {
                return try AWSCredentialSource.defaultChain(node.interpolation.environment)
            } catch {
                node.problem(
                    "no credentials: set access_key_id and secret_access_key, or let the AWS default chain find "
                        + "them (\(error.message))",
                    at: "\(node.path).access_key_id")
                return nil
            }
        case (.some, nil):
            node.problem("access_key_id needs secret_access_key", at: "\(node.path).secret_access_key")
            return nil
        case (nil, .some):
            node.problem("secret_access_key needs access_key_id", at: "\(node.path).access_key_id")
            return nil
        case (.some, .some):
            guard let keyID = node.requiredString("access_key_id"),
                let secret = node.requiredString("secret_access_key"),
                !keyID.isEmpty, !secret.isEmpty
            else { return nil }
            return .keys(
                AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: node.string("session_token")))
        }
    }

    public func makeSink(_ context: BuildContext) throws -> any Sink {
        S3ArchiveSink(configuration: self, transport: context.transport, clock: context.clock, logger: context.logger)
    }
}
