import RelayAWSCore
import RelayCore
import Testing

/// The default chain's choice of provider, from the environment alone (no I/O).
@Suite struct AWSCredentialChainTests {
    static func source(_ variables: [String: String]) throws(RelayError) -> AWSCredentialSource {
        try AWSCredentialSource.defaultChain { variables[$0] }
    }

    static let everything = [
        "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1",
    ]

    /// Removes the variables of the providers before `provider` in the chain.
    static func without(_ names: [String]) -> [String: String] {
        everything.filter { !names.contains($0.key) }
    }

    @Test func environmentKeysComeFirst() throws {
        #expect(
            try Self.source(Self.everything)
                == .keys(AWSCredentials(accessKeyID: "AKIAENV", secretAccessKey: "env-secret")))
    }

    @Test func webIdentityComesBeforeTheContainerAndInstanceMetadata() throws {
        var variables = Self.without(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
        variables["AWS_REGION"] = "eu-west-1"
        let expected = WebIdentitySettings(
            tokenFile: "/var/run/secrets/eks/token", roleARN: "arn:aws:iam::1:role/r", sessionName: "ccrelay",
            stsEndpoint: "https://sts.eu-west-1.amazonaws.com")
        #expect(try Self.source(variables) == .webIdentity(expected))
        variables["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:5000"
        variables["AWS_ROLE_SESSION_NAME"] = "relay-7"
        guard case .webIdentity(let settings) = try Self.source(variables) else {
            Issue.record("web identity was not chosen")
            return
        }
        #expect(settings.stsEndpoint == "http://127.0.0.1:5000" && settings.sessionName == "relay-7")
    }

    @Test func theContainerEndpointComesBeforeInstanceMetadata() throws {
        var variables = Self.without([
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
        ])
        variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-token"
        #expect(
            try Self.source(variables)
                == .container(
                    ContainerCredentialsSettings(
                        url: "http://169.254.170.2/v2/credentials/abc", authorizationToken: "container-token")))
        variables["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = nil
        variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials"
        variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = "/var/run/secrets/pods.eks.amazonaws.com/token"
        #expect(
            try Self.source(variables)
                == .container(
                    ContainerCredentialsSettings(
                        url: "http://169.254.170.23/v1/credentials",
                        authorizationTokenFile: "/var/run/secrets/pods.eks.amazonaws.com/token")))
    }

    @Test func instanceMetadataIsLastAndCanBeDisabled() throws {
        #expect(try Self.source([:]) == .instanceMetadata(endpoint: "http://169.254.169.254"))
        #expect(
            try Self.source(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9/"])
                == .instanceMetadata(endpoint: "http://127.0.0.1:9"))
        let error = #expect(throws: RelayError.self) { try Self.source(["AWS_EC2_METADATA_DISABLED": "true"]) }
        #expect(error?.code == .configInvalid)
        #expect(error?.message.contains("AWS_EC2_METADATA_DISABLED") == true)
    }

    @Test func anIncompleteProviderIsAnErrorNotSkipped() {
        let noRole = #expect(throws: RelayError.self) {
            try Self.source(["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"])
        }
        #expect(noRole?.message.contains("AWS_ROLE_ARN") == true)
        let noKey = #expect(throws: RelayError.self) { try Self.source(["AWS_SECRET_ACCESS_KEY": "s3cr3t-value"]) }
        #expect(noKey?.message.contains("AWS_ACCESS_KEY_ID") == true)
        #expect(noKey?.message.contains("s3cr3t-value") == false)
    }

    @Test func aFullURIOverPlainHTTPMustStayOnTheHostOrTheAgent() throws {
        for allowed in ["http://127.0.0.1:8080/creds", "http://localhost/creds", "https://creds.example.com/x"] {
            #expect(throws: Never.self) { try Self.source(["AWS_CONTAINER_CREDENTIALS_FULL_URI": allowed]) }
        }
        let error = #expect(throws: RelayError.self) {
            try Self.source(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://creds.example.com/x"])
        }
        #expect(error?.message.contains("creds.example.com") == true)
    }
}
