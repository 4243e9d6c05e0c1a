import RelayCore
import Testing

@testable import RelayGenesys

@Suite struct GenesysRegionTests {
    @Test func knownRegionsBuildAPIAndLoginHosts() throws {
        let region = try GenesysRegion(environment: "euw2.pure.cloud")
        #expect(region.apiBaseURL == "https://api.euw2.pure.cloud")
        #expect(region.loginBaseURL == "https://login.euw2.pure.cloud")
        #expect(GenesysRegion.all.count == 17)
        #expect(try GenesysRegion(environment: " API.MyPureCloud.de ").environment == "mypurecloud.de")
        #expect(
            GenesysEndpoints(region: .usEast1)
                == GenesysEndpoints(region: try GenesysRegion(environment: "mypurecloud.com")))
    }

    @Test func unknownRegionListsTheValidOnes() {
        #expect {
            _ = try GenesysRegion(environment: "mypurecloud.fr")
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .configInvalid && error.message.contains("mypurecloud.fr")
                && error.message.contains("mypurecloud.ie") && error.message.contains("apse1.pure.cloud")
        }
    }

    @Test func explicitBaseURLServesBothTokenAndAPI() {
        let endpoints = GenesysEndpoints(baseURL: "http://127.0.0.1:8080/")
        #expect(endpoints.apiBaseURL == "http://127.0.0.1:8080")
        #expect(endpoints.loginBaseURL == "http://127.0.0.1:8080")
    }

    @Test func configurationDefaultsAndValidation() {
        let defaults = GenesysAuditSourceConfiguration()
        #expect(defaults.pollInterval == .seconds(60))
        #expect(defaults.lookback == .seconds(300))
        #expect(defaults.initialLookback == .seconds(86_400))
        #expect(defaults.pageSize == 100)
        #expect(defaults.expandUser)
        #expect(!defaults.keepRaw)
        #expect(defaults.services == nil)
        #expect(defaults.endpoints.apiBaseURL == "https://api.mypurecloud.com")

        let bad = GenesysAuditSourceConfiguration(clientID: "", clientSecret: "", services: [], pageSize: 501)
        let problems = bad.problems()
        #expect(problems.contains { $0.hasPrefix("client_id") })
        #expect(problems.contains { $0.hasPrefix("page_size") })
        #expect(problems.contains { $0.hasPrefix("services") })

        let good = GenesysAuditSourceConfiguration(clientID: "cid", clientSecret: "s3cr3t-value")
        #expect(good.problems().isEmpty)
        #expect(!good.description.contains("s3cr3t-value"))
        var dumped = ""
        dump(good, to: &dumped)
        #expect(!dumped.contains("s3cr3t-value"))
    }
}
