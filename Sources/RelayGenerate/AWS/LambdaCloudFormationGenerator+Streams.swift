import RelayCore

/// The template's two Firehose streams, one created per the `Destination` parameter: Splunk HEC, or
/// Firehose's own Datadog Logs destination (an HTTP endpoint destination with Datadog's intake URL
/// and its API key from Secrets Manager; AWS CDK's `DatadogEndpoint`, Datadog's "Send AWS services
/// logs with the Datadog Amazon Data Firehose destination"). Both run the transformation function
/// and back failed events up to S3.
extension LambdaCloudFormationGenerator {
    /// Datadog's Firehose logs intake for the US1 site.
    static let datadogUS1 = "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input"

    /// `Fn::If ToSplunk`.
    static func ifSplunk(_ splunk: JSONValue, _ datadog: JSONValue) -> JSONValue {
        ["Fn::If": ["ToSplunk", splunk, datadog]]
    }

    /// The ARN of the stream the `Destination` parameter created.
    static var streamArn: JSONValue {
        ifSplunk(getAtt("DeliveryStream", "Arn"), getAtt("DatadogDeliveryStream", "Arn"))
    }

    static var splunkStream: JSONValue {
        [
            "Type": "AWS::KinesisFirehose::DeliveryStream",
            "Condition": "ToSplunk",
            "Properties": [
                "DeliveryStreamType": "DirectPut",
                "SplunkDestinationConfiguration": [
                    "HECEndpoint": ref("DestinationUrl"),
                    "HECEndpointType": "Event",
                    "SecretsManagerConfiguration": secretsManager,
                    "HECAcknowledgmentTimeoutInSeconds": 300,
                    "RetryOptions": ["DurationInSeconds": 3600],
                    "S3BackupMode": "FailedEventsOnly",
                    "S3Configuration": backupBucket,
                    "ProcessingConfiguration": processing,
                ],
            ],
        ]
    }

    static var datadogStream: JSONValue {
        [
            "Type": "AWS::KinesisFirehose::DeliveryStream",
            "Condition": "ToDatadog",
            "Properties": [
                "DeliveryStreamType": "DirectPut",
                "HttpEndpointDestinationConfiguration": [
                    "EndpointConfiguration": ["Url": ref("DestinationUrl"), "Name": "Datadog"],
                    "SecretsManagerConfiguration": secretsManager,
                    "RequestConfiguration": ["ContentEncoding": "GZIP"],
                    "BufferingHints": ["IntervalInSeconds": 60, "SizeInMBs": 4],
                    "RetryOptions": ["DurationInSeconds": 3600],
                    "RoleARN": getAtt("StreamRole", "Arn"),
                    "S3BackupMode": "FailedDataOnly",
                    "S3Configuration": backupBucket,
                    "ProcessingConfiguration": processing,
                ],
            ],
        ]
    }

    private static var secretsManager: JSONValue {
        ["Enabled": true, "SecretARN": ref("DestinationSecretArn"), "RoleARN": getAtt("StreamRole", "Arn")]
    }

    private static var backupBucket: JSONValue {
        [
            "BucketARN": getAtt("BackupBucket", "Arn"), "RoleARN": getAtt("StreamRole", "Arn"),
            "Prefix": "failed/", "ErrorOutputPrefix": "errors/", "CompressionFormat": "GZIP",
        ]
    }

    private static var processing: JSONValue {
        [
            "Enabled": true,
            "Processors": [
                [
                    "Type": "Lambda",
                    "Parameters": [
                        ["ParameterName": "LambdaArn", "ParameterValue": getAtt("TransformFunction", "Arn")],
                        ["ParameterName": "BufferSizeInMBs", "ParameterValue": "1"],
                        ["ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60"],
                    ],
                ]
            ],
        ]
    }
}
