import RelayCore
import RelayTesting
import Testing

@Suite("Timestamp")
struct TimestampTests {
    /// 2021-06-25T15:11:52.435Z
    static let reference: Int64 = 1_624_633_912_435

    // MARK: Parsing

    @Test(
        "ISO 8601 with Z, ±hh:mm or ±hhmm offsets, and lowercase t/z",
        arguments: [
            "2021-06-25T15:11:52.435Z",
            "2021-06-25T15:11:52.435z",
            "2021-06-25t15:11:52.435Z",
            "2021-06-25T15:11:52.435+00:00",
            "2021-06-25T15:11:52.435-00:00",
            "2021-06-25T17:11:52.435+02:00",
            "2021-06-25T17:11:52.435+0200",
            "2021-06-25T10:11:52.435-05:00",
            "2021-06-25T10:11:52.435-0500",
            "2021-06-25T20:41:52.435+05:30",
            "2021-06-26T04:56:52.435+13:45",
        ]
    )
    func parsesOffsets(_ text: String) throws {
        #expect(try Timestamp.parseISO8601(text).millisecondsSinceEpoch == Self.reference)
    }

    @Test(
        "fractions of 1 to 9 digits are truncated (never rounded) to milliseconds",
        arguments: [
            ("", 0), (".4", 400), (".43", 430), (".435", 435), (".4359", 435), (".43599", 435),
            (".435999", 435), (".4359999", 435), (".43599999", 435), (".435999999", 435), (".000", 0),
            (".999999999", 999), (".05", 50), (".007", 7),
        ] as [(String, Int64)]
    )
    func fractions(_ fraction: String, millis: Int64) throws {
        let parsed = try Timestamp.parseISO8601("2021-06-25T15:11:52\(fraction)Z")
        #expect(parsed.millisecondsSinceEpoch == Self.reference - 435 + millis)
    }

    @Test(
        "calendar edges: epoch, before 1970, leap days, year bounds",
        arguments: [
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.999Z", -1),
            ("1970-01-01T01:00:00+01:00", 0),
            ("1969-07-20T00:00:00Z", -14_256_000_000),
            ("2000-02-29T00:00:00Z", 951_782_400_000),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("1900-03-01T00:00:00Z", -2_203_891_200_000),
            ("0001-01-01T00:00:00Z", -62_135_596_800_000),
            ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
            ("2021-12-31T23:30:00-01:00", 1_640_997_000_000),
        ] as [(String, Int64)]
    )
    func calendarEdges(_ text: String, expected: Int64) throws {
        #expect(try Timestamp.parseISO8601(text).millisecondsSinceEpoch == expected)
    }

    @Test(
        "invalid timestamps are rejected with a message naming the text",
        arguments: [
            ("2021-06-25T15:11:52", "UTC offset"),
            ("2021-06-25T15:11:52.435", "UTC offset"),
            ("2021-13-01T00:00:00Z", "month 13"),
            ("2021-00-10T00:00:00Z", "month 0"),
            ("2021-04-31T00:00:00Z", "day 31"),
            ("2021-01-32T00:00:00Z", "day 32"),
            ("2021-01-00T00:00:00Z", "day 0"),
            ("2023-02-29T00:00:00Z", "day 29"),
            ("1900-02-29T00:00:00Z", "day 29"),
            ("2100-02-29T00:00:00Z", "day 29"),
            ("2021-06-25T24:00:00Z", "time of day"),
            ("2021-06-25T23:60:00Z", "time of day"),
            ("2021-06-25T23:59:60Z", "time of day"),
            ("2021-06-25T15:11:52+24:00", "valid UTC offset"),
            ("2021-06-25T15:11:52+05:60", "valid UTC offset"),
            ("2021-06-25T15:11:52+05", "offset minutes"),
            ("2021-06-25T15:11:52Zjunk", "end of timestamp"),
            ("2021-06-25T15:11:52Z ", "end of timestamp"),
            ("2021-06-25T15:11:52+02:00Z", "end of timestamp"),
            ("2021-06-25 15:11:52Z", "'T'"),
            ("2021-06-25T15:11:52.Z", "digits after '.'"),
            ("2021-6-25T15:11:52Z", "month"),
            ("21-06-25T15:11:52Z", "year"),
            ("2021-06-25T15:11Z", "':' after the minute"),
            ("2021/06/25T15:11:52Z", "'-' after the year"),
            (" 2021-06-25T15:11:52Z", "year"),
            ("garbage", "year"),
            ("", "year"),
            ("1624633912435", "'-' after the year"),
        ]
    )
    func rejects(_ text: String, reason: String) {
        let error = #expect(throws: TimestampError.self) { try Timestamp.parseISO8601(text) }
        #expect(error?.text == text)
        #expect(error?.reason.contains(reason) == true, "reason: \(error?.reason ?? "none")")
        #expect(error?.description.contains("\"\(text)\"") == true)
    }

    @Test("a missing offset is allowed only with assumingOffsetSeconds, which then applies")
    func assumedOffset() throws {
        let text = "2021-06-25T15:11:52.435"
        #expect(try Timestamp.parseISO8601(text, assumingOffsetSeconds: 0).millisecondsSinceEpoch == Self.reference)
        #expect(
            try Timestamp.parseISO8601(text, assumingOffsetSeconds: 3600).millisecondsSinceEpoch
                == Self.reference - 3_600_000
        )
        #expect(
            try Timestamp.parseISO8601(text, assumingOffsetSeconds: -18_000).millisecondsSinceEpoch
                == Self.reference + 18_000_000
        )
        // An explicit offset wins over the assumed one.
        #expect(
            try Timestamp.parseISO8601(text + "Z", assumingOffsetSeconds: 3600).millisecondsSinceEpoch
                == Self.reference
        )
        #expect(
            try Timestamp.parseISO8601(text + "+02:00", assumingOffsetSeconds: 3600).millisecondsSinceEpoch
                == Self.reference - 7_200_000
        )
        // It does not excuse other garbage.
        #expect(throws: TimestampError.self) { try Timestamp.parseISO8601(text + "junk", assumingOffsetSeconds: 0) }
        #expect(throws: TimestampError.self) {
            try Timestamp.parseISO8601("2021-02-30T00:00:00", assumingOffsetSeconds: 0)
        }
    }

    @Test("JSON values: ISO strings and epoch-millisecond integers")
    func parseJSONValue() throws {
        #expect(try Timestamp.parse(.string("2021-06-25T15:11:52.435Z")).millisecondsSinceEpoch == Self.reference)
        #expect(
            try Timestamp.parse(.number(JSONNumber(uncheckedLiteral: "1624633912435"))).millisecondsSinceEpoch
                == Self.reference
        )
        #expect(try Timestamp.parse(0).millisecondsSinceEpoch == 0)
        #expect(
            try Timestamp.parse(.number(JSONNumber(uncheckedLiteral: "253402300799999"))).millisecondsSinceEpoch
                == 253_402_300_799_999
        )
    }

    @Test(
        "JSON values that are not timestamps are rejected naming the value",
        arguments: [
            (JSONValue.number(JSONNumber(uncheckedLiteral: "1.5")), "1.5", "integer"),
            (.number(JSONNumber(uncheckedLiteral: "1624633912435.0")), "1624633912435.0", "integer"),
            (.number(JSONNumber(uncheckedLiteral: "1e12")), "1e12", "integer"),
            (.number(JSONNumber(uncheckedLiteral: "-1")), "-1", "out of range"),
            (.number(JSONNumber(uncheckedLiteral: "253402300800000")), "253402300800000", "out of range"),
            (.number(JSONNumber(uncheckedLiteral: "12345678901234567890")), "12345678901234567890", "integer"),
            (.bool(true), "boolean", "string or epoch"),
            (.null, "null", "string or epoch"),
            (["a": 1], "object", "string or epoch"),
            (.string("yesterday"), "yesterday", "year"),
        ] as [(JSONValue, String, String)]
    )
    func parseJSONValueRejects(_ value: JSONValue, text: String, reason: String) {
        let error = #expect(throws: TimestampError.self) { try Timestamp.parse(value) }
        #expect(error?.text == text)
        #expect(error?.reason.contains(reason) == true, "reason: \(error?.reason ?? "none")")
    }

    // MARK: Formatting

    @Test(
        "iso8601 is UTC with exactly three fractional digits",
        arguments: [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-1000, "1969-12-31T23:59:59.000Z"),
            (1_624_633_912_435, "2021-06-25T15:11:52.435Z"),
            (1_624_633_912_005, "2021-06-25T15:11:52.005Z"),
            (1_624_633_912_050, "2021-06-25T15:11:52.050Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (-14_256_000_000, "1969-07-20T00:00:00.000Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] as [(Int64, String)]
    )
    func iso8601(_ ms: Int64, expected: String) {
        let timestamp = Timestamp(millisecondsSinceEpoch: ms)
        #expect(timestamp.iso8601 == expected)
        #expect(timestamp.description == expected)
        var bytes: [UInt8] = Array("x".utf8)
        timestamp.writeISO8601(into: &bytes)
        #expect(bytes == Array(("x" + expected).utf8))
    }

    @Test(
        "epochSecondsLiteral is seconds with three decimals, negative values included",
        arguments: [
            (0, "0.000"),
            (5, "0.005"),
            (50, "0.050"),
            (999, "0.999"),
            (1000, "1.000"),
            (1_433_188_255_500, "1433188255.500"),
            (1_624_633_912_435, "1624633912.435"),
            (-1, "-0.001"),
            (-999, "-0.999"),
            (-1000, "-1.000"),
            (-1500, "-1.500"),
            (-14_256_000_001, "-14256000.001"),
            (Int64.min, "-9223372036854775.808"),
            (Int64.max, "9223372036854775.807"),
        ] as [(Int64, String)]
    )
    func epochSeconds(_ ms: Int64, expected: String) {
        #expect(Timestamp(millisecondsSinceEpoch: ms).epochSecondsLiteral == expected)
    }

    @Test("format then parse round-trips for many random instants in years 0001-9999")
    func roundTripProperty() throws {
        var generator = SplitMix64(seed: 0x5EED_CC12_E1A7)
        let range: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999
        var samples = (0..<5000).map { _ in Int64.random(in: range, using: &generator) }
        samples += [range.lowerBound, range.upperBound, -1, 0, 1]
        for ms in samples {
            let timestamp = Timestamp(millisecondsSinceEpoch: ms)
            let parsed = try Timestamp.parseISO8601(timestamp.iso8601)
            #expect(parsed == timestamp, "\(ms) → \(timestamp.iso8601)")
            // The HEC literal is the same instant: integer seconds and milliseconds, sign applied.
            let literal = timestamp.epochSecondsLiteral
            let negative = literal.hasPrefix("-")
            let parts = literal.drop { $0 == "-" }.split(separator: ".")
            #expect(parts.count == 2 && parts[1].count == 3, "\(literal)")
            let magnitude = (Int64(parts[0]) ?? 0) * 1000 + (Int64(parts[1]) ?? 0)
            #expect((negative ? -magnitude : magnitude) == ms, "\(ms) → \(literal)")
        }
    }

    @Test("ordering follows the instant")
    func ordering() throws {
        let earlier = try Timestamp.parseISO8601("2021-06-25T17:00:00+02:00")
        let later = try Timestamp.parseISO8601("2021-06-25T15:00:00.001Z")
        #expect(earlier < later)
    }
}
