import RelayCore

/// The AWS-native layout as a CloudFormation template (YAML), for `ccrelay generate aws --variant
/// lambda`: the `ccrelay` binary as two `provided.al2023` functions (handler `bootstrap`): a
/// Firehose data-transformation function on a Firehose stream whose destination is Splunk HEC or,
/// with the `Destination` parameter `datadog`, Firehose's own Datadog Logs destination (failed
/// events backed up to S3, Genesys events routed from the partner bus by an EventBridge rule), and a
/// scheduled-extraction function invoked by an EventBridge Scheduler schedule, with an S3 bucket for
/// its per-source state; least-privilege roles for each.
public struct LambdaCloudFormationGenerator: Sendable {
    public let input: GenerateInput

    public init(input: GenerateInput) {
        self.input = input
    }

    public func files() -> [GeneratedFile] {
        [GeneratedFile(path: "aws/ccrelay-lambda.yaml", contents: YAMLWriter.render(template))]
    }

    static func ref(_ name: String) -> JSONValue { ["Ref": .string(name)] }
    static func getAtt(_ resource: String, _ attribute: String) -> JSONValue {
        ["Fn::GetAtt": [.string(resource), .string(attribute)]]
    }
    static func sub(_ text: String) -> JSONValue { ["Fn::Sub": .string(text)] }

    private static func role(_ service: String, policy: String, statements: [JSONValue]) -> JSONValue {
        [
            "Type": "AWS::IAM::Role",
            "Properties": [
                "AssumeRolePolicyDocument": [
                    "Version": "2012-10-17",
                    "Statement": [
                        ["Effect": "Allow", "Principal": ["Service": .string(service)], "Action": "sts:AssumeRole"]
                    ],
                ],
                "Policies": [
                    [
                        "PolicyName": .string(policy),
                        "PolicyDocument": ["Version": "2012-10-17", "Statement": .array(statements)],
                    ]
                ],
            ],
        ]
    }

    private static let logsStatement: JSONValue = [
        "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/*"),
    ]

    /// A function running the package's `bootstrap` as `handler`; `variables` join its environment.
    private static func function(
        name: String, handler: String, role: String, timeout: Int, memory: Int,
        variables: KeyValuePairs<String, JSONValue> = [:]
    ) -> JSONValue {
        var environment = JSONObject([
            "CCRELAY_HANDLER": .string(handler), "CCRELAY_CONFIG": "/var/task/ccrelay.yaml",
        ])
        for (key, value) in variables { environment.append(key: key, value: value) }
        return [
            "Type": "AWS::Lambda::Function",
            "Properties": [
                "FunctionName": sub("${AWS::StackName}-\(name)"),
                "Runtime": "provided.al2023",
                "Handler": "bootstrap",
                "Architectures": [ref("Architecture")],
                "Code": ["S3Bucket": ref("CodeBucket"), "S3Key": ref("CodeKey")],
                "Role": getAtt(role, "Arn"),
                "Timeout": .number(JSONNumber(timeout)),
                "MemorySize": .number(JSONNumber(memory)),
                "Environment": ["Variables": .object(environment)],
            ],
        ]
    }

    private var resources: JSONObject {
        let splunk = input.splunk.first ?? SplunkSinkInput()
        var out = JSONObject()
        let bucket: JSONValue = [
            "Type": "AWS::S3::Bucket",
            "Properties": [
                "PublicAccessBlockConfiguration": [
                    "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
                    "RestrictPublicBuckets": true,
                ],
                "BucketEncryption": [
                    "ServerSideEncryptionConfiguration": [["ServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]
                ],
            ],
        ]
        out.append(key: "BackupBucket", value: bucket)
        out.append(key: "StateBucket", value: bucket)
        out.append(
            key: "TransformFunctionRole",
            value: Self.role("lambda.amazonaws.com", policy: "ccrelay-transform", statements: [Self.logsStatement]))
        out.append(
            key: "ExtractionFunctionRole",
            value: Self.role(
                "lambda.amazonaws.com", policy: "ccrelay-extraction",
                statements: [
                    Self.logsStatement,
                    [
                        "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                        "Resource": Self.sub("${StateBucket.Arn}/ccrelay-state/*"),
                    ],
                ]))
        out.append(
            key: "TransformFunction",
            value: Self.function(
                name: "transform", handler: "firehose-transform", role: "TransformFunctionRole", timeout: 120,
                memory: 512))
        out.append(
            key: "ExtractionFunction",
            value: Self.function(
                name: "extraction", handler: "scheduled-extraction", role: "ExtractionFunctionRole", timeout: 300,
                memory: 512,
                // Where `ccrelay lambda` keeps the extraction state when ccrelay.yaml names no store.
                variables: ["CCRELAY_STATE_BUCKET": Self.ref("StateBucket")]))
        out.append(
            key: "StreamRole",
            value: Self.role(
                "firehose.amazonaws.com", policy: "ccrelay-stream",
                statements: [
                    [
                        "Effect": "Allow",
                        "Action": ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject"],
                        "Resource": [Self.getAtt("BackupBucket", "Arn"), Self.sub("${BackupBucket.Arn}/*")],
                    ],
                    [
                        "Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
                        "Resource": Self.getAtt("TransformFunction", "Arn"),
                    ],
                    [
                        "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                        "Resource": Self.ref("DestinationSecretArn"),
                    ],
                ]))
        out.append(key: "DeliveryStream", value: Self.splunkStream)
        out.append(key: "DatadogDeliveryStream", value: Self.datadogStream)
        out.append(
            key: "EventsRole",
            value: Self.role(
                "events.amazonaws.com", policy: "ccrelay-events",
                statements: [
                    [
                        "Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                        "Resource": Self.streamArn,
                    ]
                ]))
        out.append(
            key: "GenesysRule",
            value: [
                "Type": "AWS::Events::Rule",
                "Properties": [
                    "Description": "Genesys Cloud topics for the ccrelay transformation (generated).",
                    "EventBusName": Self.ref("GenesysEventBusName"),
                    "State": "ENABLED",
                    "EventPattern": [
                        "source": [["prefix": .string(CloudFormationGenerator.partnerSourcePrefix)]],
                        "detail-type": .array(input.relayTopics.map { .string($0) }),
                    ],
                    "Targets": [
                        [
                            "Id": "DeliveryStream", "Arn": Self.streamArn,
                            "RoleArn": Self.getAtt("EventsRole", "Arn"),
                        ]
                    ],
                ],
            ])
        out.append(
            key: "SchedulerRole",
            value: Self.role(
                "scheduler.amazonaws.com", policy: "ccrelay-scheduler",
                statements: [
                    [
                        "Effect": "Allow", "Action": "lambda:InvokeFunction",
                        "Resource": Self.getAtt("ExtractionFunction", "Arn"),
                    ]
                ]))
        out.append(
            key: "ExtractionSchedule",
            value: [
                "Type": "AWS::Scheduler::Schedule",
                "Properties": [
                    "Description": .string(
                        "One ccrelay extraction cycle (sourcetype \(splunk.sourcetype)) per run (generated)."),
                    "ScheduleExpression": Self.ref("ScheduleExpression"),
                    "FlexibleTimeWindow": ["Mode": "OFF"],
                    "Target": [
                        "Arn": Self.getAtt("ExtractionFunction", "Arn"), "RoleArn": Self.getAtt("SchedulerRole", "Arn"),
                        "Input": "{}",
                        "RetryPolicy": ["MaximumRetryAttempts": 0],
                    ],
                ],
            ])
        return out
    }

    var template: JSONValue {
        [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description":
                "ccrelay on AWS Lambda: Firehose transformation to Splunk or Datadog and scheduled audit extraction (generated by ccrelay generate aws --variant lambda).",
            "Parameters": [
                "CodeBucket": [
                    "Type": "String", "Description": "S3 bucket holding the function package (scripts/package-lambda).",
                ],
                "CodeKey": [
                    "Type": "String", "Description": "Key of the zip: bootstrap (the ccrelay binary) and ccrelay.yaml.",
                    "Default": "ccrelay-lambda.zip",
                ],
                "Architecture": [
                    "Type": "String", "Description": "The architecture the binary was built for.", "Default": "x86_64",
                    "AllowedValues": ["x86_64", "arm64"],
                ],
                "GenesysEventBusName": [
                    "Type": "String",
                    "Description":
                        "The Genesys Cloud partner event bus, aws.partner/genesys.com/cloud/{orgId}/{suffix}.",
                    "AllowedPattern": "aws\\.partner/genesys\\.com/cloud/.+",
                ],
                "Destination": [
                    "Type": "String",
                    "Description":
                        "Where the Firehose stream delivers: splunk (HEC) or datadog (Firehose's Datadog Logs destination). Set lambda.firehose_transform.format in ccrelay.yaml to the same.",
                    "Default": "splunk", "AllowedValues": ["splunk", "datadog"],
                ],
                "DestinationUrl": [
                    "Type": "String",
                    "Description": .string(
                        "Where Firehose delivers: for splunk, your HEC URL; for datadog, Datadog's Firehose logs "
                            + "intake for your site (US1 \(Self.datadogUS1); EU "
                            + "https://aws-kinesis-http-intake.logs.datadoghq.eu/v1/input; US3, US5, AP1 "
                            + "https://aws-kinesis-http-intake.logs.SITE.datadoghq.com/v1/input)."),
                    "AllowedPattern": "https://.+",
                ],
                "DestinationSecretArn": [
                    "Type": "String",
                    "Description":
                        "The Secrets Manager secret Firehose reads: {\"hec_token\": \"...\"} for splunk, {\"api_key\": \"...\"} (a Datadog API key) for datadog.",
                    "AllowedPattern": "arn:aws[a-z-]*:secretsmanager:.+",
                ],
                "ScheduleExpression": [
                    "Type": "String", "Description": "How often the extraction runs.", "Default": "rate(5 minutes)",
                ],
            ],
            "Conditions": [
                "ToSplunk": ["Fn::Equals": [Self.ref("Destination"), "splunk"]],
                "ToDatadog": ["Fn::Equals": [Self.ref("Destination"), "datadog"]],
            ],
            "Resources": .object(resources),
            "Outputs": [
                "TransformFunctionArn": ["Value": Self.getAtt("TransformFunction", "Arn")],
                "ExtractionFunctionArn": ["Value": Self.getAtt("ExtractionFunction", "Arn")],
                "DeliveryStreamArn": ["Value": Self.streamArn],
                "StateBucket": ["Value": Self.ref("StateBucket")],
            ],
        ]
    }
}
