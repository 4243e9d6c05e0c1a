import RelayAWSCore
import RelayCore
import RelayHTTP
import Testing

@testable import RelayAWS

/// AWS's published signature vectors: the `get-vanilla` cases of the Signature Version 4 test
/// suite and the header-based examples of the S3 documentation ("Signature Calculations for the
/// Authorization Header"), reproduced input for input.
@Suite struct SigV4SignerTests {
    static let suiteCredentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z, the test suite's signing time.
    static let suiteTime = WallInstant(sinceEpoch: .seconds(1_440_938_160))
    static let s3Credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// 2013-05-24T00:00:00Z, the S3 examples' signing time.
    static let s3Time = WallInstant(sinceEpoch: .seconds(1_369_353_600))

    @Test func getVanillaMatchesTheTestSuite() throws {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        var request = OutboundRequest(method: "GET", url: "https://example.amazonaws.com/")
        let steps = try signer.prepare(&request, now: Self.suiteTime)
        #expect(
            steps.canonicalRequest == """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            steps.stringToSign == """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
                """)
        var signed = OutboundRequest(method: "GET", url: "https://example.amazonaws.com/")
        try signer.sign(&signed, now: Self.suiteTime)
        #expect(
            header("Authorization", of: signed)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(header("x-amz-date", of: signed) == "20150830T123600Z")
        #expect(header("Host", of: signed) == "example.amazonaws.com")
        // Services other than S3 do not send the payload hash header.
        #expect(header("x-amz-content-sha256", of: signed) == nil)
    }

    @Test func getVanillaQueryOrderKeyCaseSortsTheQuery() throws {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        var request = OutboundRequest(method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1")
        let steps = try signer.prepare(&request, now: Self.suiteTime)
        #expect(steps.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test func s3PutObjectExampleMatchesTheDocumentation() throws {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        let key = SigV4Encoding.uriEncode("test$file.text", encodeSlash: false)
        var request = OutboundRequest(
            method: "PUT", url: "https://examplebucket.s3.amazonaws.com/\(key)",
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            body: Array("Welcome to Amazon S3.".utf8))
        let steps = try signer.prepare(&request, now: Self.s3Time)
        #expect(
            steps.canonicalRequest == """
                PUT
                /test%24file.text

                date:Fri, 24 May 2013 00:00:00 GMT
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                x-amz-date:20130524T000000Z
                x-amz-storage-class:REDUCED_REDUNDANCY

                date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class
                44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                """)
        #expect(steps.stringToSign.hasSuffix("\n9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"))
        #expect(steps.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        #expect(
            steps.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        #expect(
            header("x-amz-content-sha256", of: request)
                == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
    }

    @Test func s3GetObjectExampleMatchesTheDocumentation() throws {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        var request = OutboundRequest(
            method: "GET", url: "https://examplebucket.s3.amazonaws.com/test.txt", headers: [("Range", "bytes=0-9")])
        let steps = try signer.prepare(&request, now: Self.s3Time)
        #expect(steps.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(steps.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3ListObjectsExampleMatchesTheDocumentation() throws {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        var request = OutboundRequest(method: "GET", url: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J")
        let steps = try signer.prepare(&request, now: Self.s3Time)
        #expect(
            steps.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "max-keys=2&prefix=J")
        #expect(steps.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func sessionTokenIsSentAndSigned() throws {
        var credentials = Self.s3Credentials
        credentials.sessionToken = "FQoGZXIvYXdzEXAMPLETOKEN"
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "s3")
        var request = OutboundRequest(method: "GET", url: "http://127.0.0.1:5000/bucket/a%20b.json")
        let steps = try signer.prepare(&request, now: Self.s3Time)
        #expect(header("x-amz-security-token", of: request) == "FQoGZXIvYXdzEXAMPLETOKEN")
        #expect(steps.signedHeaders == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
        // The port is part of the signed Host; S3 signs the path exactly as sent.
        #expect(steps.canonicalRequest.contains("\nhost:127.0.0.1:5000\n"))
        #expect(steps.canonicalRequest.hasPrefix("GET\n/bucket/a%20b.json\n"))
        #expect(!credentials.description.contains(credentials.secretAccessKey))
        #expect(!credentials.description.contains("FQoGZX"))
    }

    @Test func signingTwiceReplacesTheEarlierSignature() throws {
        let signer = SigV4Signer(credentials: Self.s3Credentials, region: "us-east-1", service: "s3")
        var request = OutboundRequest(method: "PUT", url: "https://examplebucket.s3.amazonaws.com/k", body: [1, 2, 3])
        try signer.sign(&request, now: Self.s3Time)
        try signer.sign(&request, now: Self.s3Time.advanced(by: .seconds(60)))
        #expect(request.headers.filter { $0.name.lowercased() == "authorization" }.count == 1)
        #expect(request.headers.filter { $0.name.lowercased() == "x-amz-date" }.map(\.value) == ["20130524T000100Z"])
    }

    @Test func uriEncodingFollowsAWSRules() {
        #expect(SigV4Encoding.uriEncode("a b+c/d~e_f.g-h", encodeSlash: false) == "a%20b%2Bc/d~e_f.g-h")
        #expect(SigV4Encoding.uriEncode("a/b=c&d", encodeSlash: true) == "a%2Fb%3Dc%26d")
        #expect(SigV4Encoding.uriEncode("ключ", encodeSlash: true) == "%D0%BA%D0%BB%D1%8E%D1%87")
        #expect(SigV4Encoding.canonicalQuery("b=2&a=%7e1&a=0&flag") == "a=0&a=~1&b=2&flag=")
        // Non-S3 services encode the already-encoded path once more; S3 does not.
        #expect(SigV4Encoding.canonicalPath("/a%20b/c", encodeTwice: true) == "/a%2520b/c")
        #expect(SigV4Encoding.canonicalPath("/a%20b/c", encodeTwice: false) == "/a%20b/c")
    }

    @Test func credentialsComeFromTheUsualEnvironmentVariables() throws {
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_DEFAULT_REGION": "eu-west-2",
        ]
        let credentials = try AWSCredentials.fromEnvironment { environment[$0] }
        #expect(credentials == AWSCredentials(accessKeyID: "AKIAENV", secretAccessKey: "s3cr3t"))
        #expect(AWSRegion.fromEnvironment { environment[$0] } == "eu-west-2")
        #expect(
            AWSRegion.fromEnvironment { ["AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "x"][$0] } == "us-west-1")
        let missing = #expect(throws: RelayError.self) {
            try AWSCredentials.fromEnvironment { ["AWS_ACCESS_KEY_ID": "A"][$0] }
        }
        #expect(missing?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
    }

    private func header(_ name: String, of request: OutboundRequest) -> String? {
        request.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
