import RelayCore

/// The resources of the push-path template, by role.
struct CloudFormationResources {
    let input: GenerateInput

    private var hasTranscripts: Bool { !input.transcriptTopics.isEmpty }

    private static func getAtt(_ resource: String, _ attribute: String) -> JSONValue {
        ["Fn::GetAtt": [.string(resource), .string(attribute)]]
    }

    private static func ref(_ name: String) -> JSONValue { ["Ref": .string(name)] }

    private static func sub(_ text: String) -> JSONValue { ["Fn::Sub": .string(text)] }

    private static func bucket(expireDays: Int?) -> JSONValue {
        var properties = members([
            "BucketEncryption": [
                "ServerSideEncryptionConfiguration": [["ServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]
            ],
            "PublicAccessBlockConfiguration": [
                "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true,
            ],
        ])
        if let expireDays {
            properties.append(
                key: "LifecycleConfiguration",
                value: [
                    "Rules": [
                        ["Id": "expire", "Status": "Enabled", "ExpirationInDays": .number(JSONNumber(expireDays))]
                    ]
                ])
        }
        return [
            "Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": .object(properties),
        ]
    }

    /// Buckets, the Firehose log group and the rules' dead-letter queue.
    func storage() -> JSONObject {
        var out = members([
            "BackupBucket": Self.bucket(expireDays: 90),
            "FirehoseLogGroup": [
                "Type": "AWS::Logs::LogGroup",
                "Properties": [
                    "LogGroupName": Self.sub("/aws/kinesisfirehose/${AWS::StackName}"), "RetentionInDays": 30,
                ],
            ],
            "RelayDeliveryLogStream": [
                "Type": "AWS::Logs::LogStream",
                "Properties": ["LogGroupName": Self.ref("FirehoseLogGroup"), "LogStreamName": "HttpEndpointDelivery"],
            ],
            "RuleDeadLetterQueue": [
                "Type": "AWS::SQS::Queue",
                "Properties": ["MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": true],
            ],
            "RuleDeadLetterQueuePolicy": [
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": [
                    "Queues": [Self.ref("RuleDeadLetterQueue")],
                    "PolicyDocument": [
                        "Version": "2012-10-17",
                        "Statement": [
                            [
                                "Effect": "Allow", "Principal": ["Service": "events.amazonaws.com"],
                                "Action": "sqs:SendMessage", "Resource": Self.getAtt("RuleDeadLetterQueue", "Arn"),
                                "Condition": ["StringEquals": ["aws:SourceAccount": Self.ref("AWS::AccountId")]],
                            ]
                        ],
                    ],
                ],
            ],
        ])
        if hasTranscripts {
            out.append(key: "TranscriptBucket", value: Self.bucket(expireDays: nil))
            out.append(
                key: "TranscriptDeliveryLogStream",
                value: [
                    "Type": "AWS::Logs::LogStream",
                    "Properties": [
                        "LogGroupName": Self.ref("FirehoseLogGroup"), "LogStreamName": "TranscriptDelivery",
                    ],
                ])
        }
        return out
    }

    private static func assumeRole(_ service: String) -> JSONValue {
        [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Effect": "Allow", "Principal": ["Service": .string(service)], "Action": "sts:AssumeRole",
                    "Condition": ["StringEquals": ["aws:SourceAccount": ref("AWS::AccountId")]],
                ]
            ],
        ]
    }

    private static func s3Writer(_ bucket: String) -> [JSONValue] {
        [
            [
                "Effect": "Allow",
                "Action": [
                    "s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads",
                ],
                "Resource": getAtt(bucket, "Arn"),
            ],
            [
                "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
                "Resource": sub("${\(bucket).Arn}/*"),
            ],
        ]
    }

    private static let logWriter: JSONValue = [
        "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": getAtt("FirehoseLogGroup", "Arn"),
    ]

    private static func role(_ service: String, policy: String, statements: [JSONValue]) -> JSONValue {
        [
            "Type": "AWS::IAM::Role",
            "Properties": [
                "AssumeRolePolicyDocument": assumeRole(service),
                "Policies": [
                    [
                        "PolicyName": .string(policy),
                        "PolicyDocument": ["Version": "2012-10-17", "Statement": .array(statements)],
                    ]
                ],
            ],
        ]
    }

    /// One role per principal, each allowed only what it does.
    func roles() -> JSONObject {
        var out = JSONObject()
        out.append(
            key: "RelayStreamRole",
            value: Self.role(
                "firehose.amazonaws.com", policy: "ccrelay-stream",
                statements: Self.s3Writer("BackupBucket") + [
                    Self.logWriter,
                    [
                        "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                        "Resource": Self.ref("CcrelayAccessKeySecretArn"),
                    ],
                ]))
        var streams: [JSONValue] = [Self.getAtt("RelayDeliveryStream", "Arn")]
        if hasTranscripts {
            out.append(
                key: "TranscriptStreamRole",
                value: Self.role(
                    "firehose.amazonaws.com", policy: "ccrelay-transcripts",
                    statements: Self.s3Writer("TranscriptBucket") + [Self.logWriter]))
            streams.append(Self.getAtt("TranscriptDeliveryStream", "Arn"))
        }
        out.append(
            key: "EventsRole",
            value: Self.role(
                "events.amazonaws.com", policy: "ccrelay-put-records",
                statements: [
                    [
                        "Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                        "Resource": .array(streams),
                    ]
                ]))
        return out
    }

    /// The stream to ccrelay and, with transcript topics, the archive stream.
    func streams() -> JSONObject {
        let firehose = input.firehose
        var out = members([
            "RelayDeliveryStream": [
                "Type": "AWS::KinesisFirehose::DeliveryStream",
                "Properties": [
                    "DeliveryStreamType": "DirectPut",
                    "DeliveryStreamEncryptionConfigurationInput": ["KeyType": "AWS_OWNED_CMK"],
                    "HttpEndpointDestinationConfiguration": [
                        "EndpointConfiguration": ["Name": "ccrelay", "Url": Self.ref("CcrelayEndpointUrl")],
                        "SecretsManagerConfiguration": [
                            "Enabled": true, "SecretARN": Self.ref("CcrelayAccessKeySecretArn"),
                            "RoleARN": Self.getAtt("RelayStreamRole", "Arn"),
                        ],
                        "BufferingHints": [
                            "IntervalInSeconds": .number(JSONNumber(firehose.bufferingIntervalSecs)),
                            "SizeInMBs": .number(JSONNumber(firehose.bufferingSizeMB)),
                        ],
                        "RequestConfiguration": ["ContentEncoding": "GZIP"],
                        "RetryOptions": ["DurationInSeconds": .number(JSONNumber(firehose.retryDurationSecs))],
                        "RoleARN": Self.getAtt("RelayStreamRole", "Arn"),
                        "S3BackupMode": "FailedDataOnly",
                        "S3Configuration": [
                            "BucketARN": Self.getAtt("BackupBucket", "Arn"),
                            "RoleARN": Self.getAtt("RelayStreamRole", "Arn"),
                            "Prefix": "failed/",
                            "ErrorOutputPrefix": "errors/",
                            "CompressionFormat": "GZIP",
                            "BufferingHints": ["IntervalInSeconds": 300, "SizeInMBs": 5],
                        ],
                        "CloudWatchLoggingOptions": [
                            "Enabled": true, "LogGroupName": Self.ref("FirehoseLogGroup"),
                            "LogStreamName": Self.ref("RelayDeliveryLogStream"),
                        ],
                    ],
                ],
            ]
        ])
        if hasTranscripts {
            out.append(
                key: "TranscriptDeliveryStream",
                value: [
                    "Type": "AWS::KinesisFirehose::DeliveryStream",
                    "Properties": [
                        "DeliveryStreamType": "DirectPut",
                        "DeliveryStreamEncryptionConfigurationInput": ["KeyType": "AWS_OWNED_CMK"],
                        "ExtendedS3DestinationConfiguration": [
                            "BucketARN": Self.getAtt("TranscriptBucket", "Arn"),
                            "RoleARN": Self.getAtt("TranscriptStreamRole", "Arn"),
                            "Prefix": "transcripts/",
                            "ErrorOutputPrefix": "transcript-errors/",
                            "CompressionFormat": "GZIP",
                            "BufferingHints": ["IntervalInSeconds": 300, "SizeInMBs": 5],
                            "CloudWatchLoggingOptions": [
                                "Enabled": true, "LogGroupName": Self.ref("FirehoseLogGroup"),
                                "LogStreamName": Self.ref("TranscriptDeliveryLogStream"),
                            ],
                        ],
                    ],
                ])
        }
        return out
    }

    /// A rule on the partner bus with its explicit pattern, sending to `stream`; undeliverable
    /// events go to the dead-letter queue after a day of retries.
    func rule(name: String, pattern: JSONValue, stream: String) -> JSONValue {
        [
            "Type": "AWS::Events::Rule",
            "Properties": [
                "Name": .string(name),
                "Description": "Genesys Cloud topics configured for ccrelay (generated).",
                "EventBusName": Self.ref("GenesysEventBusName"),
                "State": "ENABLED",
                "EventPattern": pattern,
                "Targets": [
                    [
                        "Id": .string(stream), "Arn": Self.getAtt(stream, "Arn"),
                        "RoleArn": Self.getAtt("EventsRole", "Arn"),
                        "RetryPolicy": ["MaximumEventAgeInSeconds": 86_400, "MaximumRetryAttempts": 185],
                        "DeadLetterConfig": ["Arn": Self.getAtt("RuleDeadLetterQueue", "Arn")],
                    ]
                ],
            ],
        ]
    }

    private static func alarm(
        _ description: String, namespace: String, metric: String, dimensions: [JSONValue], statistic: String,
        comparison: String, threshold: Int, periods: Int = 1
    ) -> JSONValue {
        let actions: JSONValue = ["Fn::If": ["HasAlarmTopic", [ref("AlarmTopicArn")], ref("AWS::NoValue")]]
        return [
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": [
                "AlarmDescription": .string(description),
                "Namespace": .string(namespace), "MetricName": .string(metric), "Dimensions": .array(dimensions),
                "Statistic": .string(statistic), "Period": 300, "EvaluationPeriods": .number(JSONNumber(periods)),
                "Threshold": .number(JSONNumber(threshold)), "ComparisonOperator": .string(comparison),
                "TreatMissingData": "notBreaching", "AlarmActions": actions, "OKActions": actions,
            ],
        ]
    }

    /// Delivery failures: Firehose to ccrelay, stale data, failed rule invocations, dead letters.
    func alarms(rules: [String]) -> JSONObject {
        let stream: JSONValue = ["Name": "DeliveryStreamName", "Value": Self.ref("RelayDeliveryStream")]
        var out = members([
            "RelayDeliveryFailureAlarm": Self.alarm(
                "Firehose could not deliver to ccrelay (records go to the S3 backup after the retry duration).",
                namespace: "AWS/Firehose", metric: "DeliveryToHttpEndpoint.Success", dimensions: [stream],
                statistic: "Minimum", comparison: "LessThanThreshold", threshold: 1, periods: 3),
            "RelayDataFreshnessAlarm": Self.alarm(
                "The oldest record waiting for ccrelay is older than 15 minutes.",
                namespace: "AWS/Firehose", metric: "DeliveryToHttpEndpoint.DataFreshness", dimensions: [stream],
                statistic: "Maximum", comparison: "GreaterThanThreshold", threshold: 900),
            "RuleDeadLetterAlarm": Self.alarm(
                "Events EventBridge could not put into Firehose are waiting in the dead-letter queue.",
                namespace: "AWS/SQS", metric: "ApproximateNumberOfMessagesVisible",
                dimensions: [["Name": "QueueName", "Value": Self.getAtt("RuleDeadLetterQueue", "QueueName")]],
                statistic: "Maximum", comparison: "GreaterThanThreshold", threshold: 0),
        ])
        for (index, rule) in rules.enumerated() {
            out.append(
                key: index == 0 ? "RelayRuleFailedInvocationsAlarm" : "TranscriptRuleFailedInvocationsAlarm",
                value: Self.alarm(
                    "EventBridge rule \(rule) failed to invoke its target.",
                    namespace: "AWS/Events", metric: "FailedInvocations",
                    dimensions: [
                        ["Name": "EventBusName", "Value": Self.ref("GenesysEventBusName")],
                        ["Name": "RuleName", "Value": .string(rule)],
                    ],
                    statistic: "Sum", comparison: "GreaterThanThreshold", threshold: 0))
        }
        return out
    }
}
