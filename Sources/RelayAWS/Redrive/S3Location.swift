import RelayCore

/// A bucket and key prefix written `s3://bucket/prefix/` (the prefix may be empty).
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    public var prefix: String

    public init(bucket: String, prefix: String) {
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Parses `s3://bucket/prefix`.
    /// - Throws: `RelayError(.configInvalid)` naming the text when it is not an `s3://` URL with a
    ///   valid bucket name.
    public static func parse(_ text: String) throws(RelayError) -> S3Location {
        guard text.hasPrefix("s3://") else {
            throw RelayError(.configInvalid, "\"\(text)\" is not an s3://bucket/prefix location")
        }
        let rest = text.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        if let problem = S3SinkConfiguration.bucketNameProblem(bucket) {
            throw RelayError(.configInvalid, "\"\(text)\": \(problem)")
        }
        return S3Location(bucket: bucket, prefix: String(rest.dropFirst(bucket.count + 1)))
    }

    public var description: String { "s3://\(bucket)/\(prefix)" }
}
