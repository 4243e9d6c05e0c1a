/// A point in time as milliseconds since the Unix epoch, UTC. The one time type of ccrelay's
/// events: parsed strictly from what platforms send, written back as ISO 8601 UTC with milliseconds.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `2021-06-25T15:11:52.435Z`
    public var description: String { iso8601 }

    /// ISO 8601 in UTC with exactly three fractional digits, e.g. `2021-06-25T15:11:52.435Z`.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        writeISO8601(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the ISO 8601 form to a byte buffer (no allocation of an intermediate string).
    public func writeISO8601(into out: inout [UInt8]) {
        let ms = millisecondsSinceEpoch
        let days = floorDivide(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        func two(_ value: Int64) {
            out.append(UInt8(ascii: "0") + UInt8(value / 10))
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        if year < 0 || year > 9999 {
            out.append(contentsOf: String(year).utf8)
        } else {
            two(year / 100)
            two(year % 100)
        }
        out.append(UInt8(ascii: "-")); two(month)
        out.append(UInt8(ascii: "-")); two(day)
        out.append(UInt8(ascii: "T")); two(msOfDay / 3_600_000)
        out.append(UInt8(ascii: ":")); two(msOfDay / 60_000 % 60)
        out.append(UInt8(ascii: ":")); two(msOfDay / 1000 % 60)
        out.append(UInt8(ascii: "."))
        let millis = msOfDay % 1000
        out.append(UInt8(ascii: "0") + UInt8(millis / 100))
        two(millis % 100)
        out.append(UInt8(ascii: "Z"))
    }

    /// Epoch seconds with millisecond precision as Splunk's `time` wants it: `1433188255.500`.
    public var epochSecondsLiteral: String {
        // Sign and magnitude, not floor division: -1 ms is `-0.001`, not `-1.999`.
        let magnitude = millisecondsSinceEpoch.magnitude
        let sign = millisecondsSinceEpoch < 0 ? "-" : ""
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Parses ISO 8601 / RFC 3339 date-times strictly: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`.
    /// A missing offset is an error unless `assumingOffsetSeconds` is given (for platforms whose
    /// documented format has none). Fractions beyond milliseconds are truncated.
    public static func parseISO8601(
        _ text: String,
        assumingOffsetSeconds: Int? = nil
    ) throws(TimestampError) -> Timestamp {
        var scanner = DigitScanner(Array(text.utf8), text: text)
        let year = try scanner.digits(4, "year")
        try scanner.expect(UInt8(ascii: "-"), "'-' after the year")
        let month = try scanner.digits(2, "month")
        try scanner.expect(UInt8(ascii: "-"), "'-' after the month")
        let day = try scanner.digits(2, "day")
        guard scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: "t")) else {
            throw scanner.failure("'T' between date and time")
        }
        let hour = try scanner.digits(2, "hour")
        try scanner.expect(UInt8(ascii: ":"), "':' after the hour")
        let minute = try scanner.digits(2, "minute")
        try scanner.expect(UInt8(ascii: ":"), "':' after the minute")
        let second = try scanner.digits(2, "second")
        var millis: Int64 = 0
        if scanner.take(UInt8(ascii: ".")) {
            var count = 0
            while let digit = scanner.digit() {
                if count < 3 { millis = millis * 10 + Int64(digit) }
                count += 1
            }
            guard count > 0 else { throw scanner.failure("digits after '.'") }
            for _ in count..<max(count, 3) { millis *= 10 }
        }
        var offsetSeconds: Int64
        if scanner.take(UInt8(ascii: "Z")) || scanner.take(UInt8(ascii: "z")) {
            offsetSeconds = 0
        } else if let sign = scanner.sign() {
            let offsetHours = try scanner.digits(2, "offset hours")
            _ = scanner.take(UInt8(ascii: ":"))
            let offsetMinutes = try scanner.digits(2, "offset minutes")
            guard offsetHours <= 23, offsetMinutes <= 59 else { throw scanner.failure("a valid UTC offset") }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else if scanner.atEnd, let assumed = assumingOffsetSeconds {
            offsetSeconds = Int64(assumed)
        } else {
            throw scanner.failure("a UTC offset ('Z' or ±hh:mm)")
        }
        guard scanner.atEnd else { throw scanner.failure("end of timestamp") }
        guard (1...12).contains(month) else { throw TimestampError(text: text, reason: "month \(month) out of range") }
        guard (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day) else {
            throw TimestampError(text: text, reason: "day \(day) out of range for the month")
        }
        guard hour <= 23, minute <= 59, second <= 59 else {
            throw TimestampError(text: text, reason: "time of day out of range")
        }
        let days = CivilCalendar.days(fromYear: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Timestamp(millisecondsSinceEpoch: seconds * 1000 + millis)
    }

    /// Accepts an ISO 8601 string or a JSON number of epoch milliseconds (as Genesys detail events send).
    public static func parse(_ value: JSONValue) throws(TimestampError) -> Timestamp {
        switch value {
        case .string(let text):
            return try parseISO8601(text)
        case .number(let number):
            guard let ms = number.int64Value else {
                throw TimestampError(text: number.literal, reason: "epoch milliseconds must be an integer")
            }
            guard (0...253_402_300_799_999).contains(ms) else {
                throw TimestampError(text: number.literal, reason: "epoch milliseconds out of range")
            }
            return Timestamp(millisecondsSinceEpoch: ms)
        default:
            throw TimestampError(text: value.kindName, reason: "a timestamp must be a string or epoch milliseconds")
        }
    }
}

/// A timestamp that could not be parsed: the offending text and what was expected.
public struct TimestampError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid timestamp \"\(text)\": \(reason)" }
}

private func floorDivide(_ lhs: Int64, _ rhs: Int64) -> Int64 {
    let quotient = lhs / rhs
    return (lhs % rhs != 0 && (lhs < 0) != (rhs < 0)) ? quotient - 1 : quotient
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil algorithms).
enum CivilCalendar {
    static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private struct DigitScanner {
    let bytes: [UInt8]
    let text: String
    var position = 0

    init(_ bytes: [UInt8], text: String) {
        self.bytes = bytes
        self.text = text
    }

    var atEnd: Bool { position == bytes.count }

    func failure(_ expected: String) -> TimestampError {
        TimestampError(text: text, reason: "expected \(expected) at character \(position + 1)")
    }

    mutating func digit() -> Int? {
        guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
            return nil
        }
        defer { position += 1 }
        return Int(bytes[position] - UInt8(ascii: "0"))
    }

    mutating func digits(_ count: Int, _ name: String) throws(TimestampError) -> Int64 {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let digit = digit() else { throw failure("\(count) digits of the \(name)") }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8, _ description: String) throws(TimestampError) {
        guard take(byte) else { throw failure(description) }
    }

    mutating func sign() -> Int64? {
        if take(UInt8(ascii: "+")) { return 1 }
        if take(UInt8(ascii: "-")) { return -1 }
        return nil
    }
}
