import HTTPTypes
import Hummingbird
import RelayCore

/// CXone's wire shapes: dates, error bodies, paging parameters.
enum CXoneWire {
    /// A date as the tenant writes it in history responses.
    static func format(_ instant: WallInstant, _ style: CXoneDateStyle) -> String {
        switch style {
        case .utc:
            return instant.timestamp.iso8601
        case .noOffset(let offset):
            return String(local(instant, offset).iso8601.dropLast())
        case .withOffset(let offset):
            return String(local(instant, offset).iso8601.dropLast()) + offsetText(offset)
        }
    }

    private static func local(_ instant: WallInstant, _ offsetSeconds: Int) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: instant.timestamp.millisecondsSinceEpoch + Int64(offsetSeconds) * 1000)
    }

    private static func offsetText(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return (seconds < 0 ? "-" : "+") + two(minutes / 60) + ":" + two(minutes % 60)
    }

    /// The UTC offset dates without one are read in, for query parameters.
    static func assumedOffset(_ style: CXoneDateStyle) -> Int {
        switch style {
        case .utc: 0
        case .noOffset(let offset), .withOffset(let offset): offset
        }
    }

    /// `{"error", "error_description"}`: the token endpoint's and the reporting APIs' error body.
    static func oauthError(
        _ status: HTTPResponse.Status, _ error: String, _ description: String, headers: HTTPFields = [:]
    ) -> Response {
        SandboxHTTP.json(
            status, ["error": .string(error), "error_description": .string(description)], headers: headers)
    }

    /// `{"errorCode", "errorMessage", "path", "timestamp"}`: the admin APIs' error body.
    static func adminError(_ status: HTTPResponse.Status, message: String, path: String, now: WallInstant) -> Response {
        SandboxHTTP.json(
            status,
            [
                "errorCode": .number(JSONNumber(Int(status.code))), "errorMessage": .string(message),
                "path": .string(path), "timestamp": .string(now.timestamp.iso8601),
            ]
        )
    }

    /// The query parameters, later duplicates winning.
    static func query(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for parameter in request.uri.queryParameters {
            result[String(parameter.key)] = String(parameter.value)
        }
        return result
    }

    /// `skip` and `top` from the query: defaults 0 and 100; `nil` with a message when invalid.
    static func paging(_ query: [String: String], maxTop: Int) -> Result<(skip: Int, top: Int), PagingError> {
        let skip = query["skip"].map { Int($0) } ?? 0
        let top = query["top"].map { Int($0) } ?? 100
        guard let skip, skip >= 0 else { return .failure(PagingError(message: "skip must be a non-negative integer")) }
        guard let top, (1...maxTop).contains(top) else {
            return .failure(PagingError(message: "top must be an integer between 1 and \(maxTop)"))
        }
        return .success((skip, top))
    }

    struct PagingError: Error {
        var message: String
    }

    /// Slices `items` for a page.
    static func slice<T>(_ items: [T], skip: Int, top: Int) -> ArraySlice<T> {
        skip < items.count ? items[skip..<min(skip + top, items.count)] : []
    }
}
