import Logging
import RelayCore
import RelayTesting
import Testing

@testable import RelayLambda

/// Shared fixtures for the Lambda tests.
enum LambdaFixtures {
    static let logger = Logger.quiet("ccrelay.lambda.tests")

    /// A Firehose transformation event with one record per `(recordId, data)`; data is base64 of the
    /// text unless `raw` is set (then sent as is).
    static func firehoseEvent(_ records: [(id: String, text: String, raw: Bool)]) -> [UInt8] {
        var list: [JSONValue] = []
        for record in records {
            let data = record.raw ? record.text : Base64.encode(Array(record.text.utf8))
            list.append(
                .object(
                    JSONObject([
                        "recordId": .string(record.id), "approximateArrivalTimestamp": 1_700_000_000_000,
                        "data": .string(data),
                    ])))
        }
        return JSONWriter.encode(
            .object(
                JSONObject([
                    "invocationId": "inv-1",
                    "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/genesys",
                    "region": "us-east-1", "records": .array(list),
                ])))
    }

    static func invocation(_ payload: [UInt8], deadline: WallInstant = WallInstant(sinceEpoch: .seconds(4_000_000_000)))
        -> LambdaInvocation
    {
        LambdaInvocation(requestID: "req-1", deadline: deadline, payload: payload)
    }

    /// The answered records by id: (result, decoded data text).
    static func answers(_ body: [UInt8]) throws -> [String: (result: String, data: String)] {
        let value = try JSONParser.parse(body)
        var out: [String: (String, String)] = [:]
        for item in try #require(value["records"]?.arrayValue) {
            let id = try #require(item["recordId"]?.stringValue)
            let data = try #require(item["data"]?.stringValue)
            out[id] = (
                try #require(item["result"]?.stringValue), String(decoding: Base64.decode(data) ?? [], as: UTF8.self)
            )
        }
        return out
    }
}
