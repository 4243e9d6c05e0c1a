import RelayCore

/// The event Firehose invokes a transformation Lambda with:
/// `{invocationId, deliveryStreamArn, region, records:[{recordId, approximateArrivalTimestamp, data}]}`.
public struct FirehoseTransformRequest: Sendable, Equatable {
    /// One record; `data` is base64 text as Firehose sent it (decoded per record, so one bad record
    /// fails alone).
    public struct Record: Sendable, Equatable {
        public var recordID: String
        /// `nil` when the record has no `data` string (answered `ProcessingFailed`).
        public var data: String?
        /// Epoch milliseconds, when present.
        public var approximateArrivalTimestamp: Int64?

        public init(recordID: String, data: String?, approximateArrivalTimestamp: Int64? = nil) {
            self.recordID = recordID
            self.data = data
            self.approximateArrivalTimestamp = approximateArrivalTimestamp
        }
    }

    public var invocationID: String?
    public var deliveryStreamARN: String?
    public var region: String?
    public var records: [Record]

    public init(invocationID: String? = nil, deliveryStreamARN: String? = nil, region: String? = nil, records: [Record])
    {
        self.invocationID = invocationID
        self.deliveryStreamARN = deliveryStreamARN
        self.region = region
        self.records = records
    }

    /// Reads the invocation payload. Throws ``LambdaFunctionError/invalidPayload(_:)`` naming the
    /// place when the payload is not JSON, has no `records` array, or a record has no `recordId`
    /// (such a record cannot be answered, so the whole invocation fails and Firehose retries it).
    public init(payload: [UInt8]) throws(LambdaFunctionError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(payload)
        } catch {
            throw .invalidPayload("the Firehose transformation event is not JSON: \(error)")
        }
        guard let object = value.objectValue else {
            throw .invalidPayload("the Firehose transformation event is a JSON \(value.kindName), expected an object")
        }
        guard let list = object["records"]?.arrayValue else {
            throw .invalidPayload("the Firehose transformation event has no \"records\" array")
        }
        var records: [Record] = []
        records.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            guard let recordID = item["recordId"]?.stringValue, !recordID.isEmpty else {
                throw .invalidPayload("records[\(index)] has no \"recordId\" string")
            }
            records.append(
                Record(
                    recordID: recordID, data: item["data"]?.stringValue,
                    approximateArrivalTimestamp: item["approximateArrivalTimestamp"]?.int64Value))
        }
        self.init(
            invocationID: object["invocationId"]?.stringValue,
            deliveryStreamARN: object["deliveryStreamArn"]?.stringValue,
            region: object["region"]?.stringValue, records: records)
    }
}
