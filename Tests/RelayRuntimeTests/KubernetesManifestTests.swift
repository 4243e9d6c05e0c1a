import Foundation
import RelayConfig
import RelayRuntime
import Testing

/// `deploy/kubernetes` and `deploy/Dockerfile`: what must agree between the manifests, the image and
/// the configuration they carry.
@Suite("Kubernetes manifests and container image")
struct KubernetesManifestTests {
    /// What the manifests hold, looked up once per test.
    struct Manifests {
        var documents: [[String: Any]]

        func one(_ kind: String, _ name: String) throws -> [String: Any] {
            try #require(
                documents.first { $0["kind"] as? String == kind && value($0, "metadata.name") as? String == name },
                "no \(kind) \(name)")
        }

        /// The pod specs that run ccrelay: the StatefulSet's and the CronJob's.
        func podSpecs() throws -> [(name: String, spec: [String: Any])] {
            [
                (
                    "StatefulSet",
                    try #require(value(try one("StatefulSet", "ccrelay"), "spec.template.spec") as? [String: Any])
                ),
                (
                    "CronJob",
                    try #require(
                        value(try one("CronJob", "ccrelay-once"), "spec.jobTemplate.spec.template.spec")
                            as? [String: Any])
                ),
            ]
        }

        /// The files the Secret's volume shows at `mountPath`, by path.
        func secretFiles(mountPath: String) throws -> [String: String] {
            let data = try #require(value(try one("Secret", "ccrelay-secrets"), "stringData") as? [String: String])
            return Dictionary(uniqueKeysWithValues: data.map { ("\(mountPath)/\($0.key)", $0.value) })
        }
    }

    static func container(_ spec: [String: Any]) throws -> [String: Any] {
        try #require((spec["containers"] as? [[String: Any]])?.first)
    }

    /// The mount path of the pod volume whose source is `source` (`configMap`, `secret`, ...) named `name`.
    static func mountPath(_ spec: [String: Any], source: String, name: String) throws -> String {
        let volumes = try #require(spec["volumes"] as? [[String: Any]])
        let volume = try #require(
            volumes.first { v in
                let source = v[source] as? [String: Any]
                return source?["name"] as? String == name || source?["secretName"] as? String == name
                    || source?["claimName"] as? String == name
            }, "no \(source) volume \(name)")
        let mounts = try #require(try container(spec)["volumeMounts"] as? [[String: Any]])
        let mount = try #require(mounts.first { $0["name"] as? String == volume["name"] as? String })
        return try #require(mount["mountPath"] as? String)
    }

    /// Loads the ConfigMap's configuration as ccrelay would in the pod: its `${file:}` references read
    /// from the Secret's files only, no environment.
    static func loadConfiguration(_ manifests: Manifests, secretFiles: [String: String]) throws -> RelayConfiguration {
        let yaml = try #require(
            (value(try manifests.one("ConfigMap", "ccrelay-config"), "data") as? [String: Any])?["ccrelay.yaml"]
                as? String)
        let interpolation = Interpolation(
            environment: { _ in nil }, readFile: { secretFiles[$0] }, fileModified: { _ in nil })
        return try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
    }

    @Test("the ConfigMap's configuration passes ccrelay's loader with the Secret's files, and fails without them")
    func configurationLoads() throws {
        let manifests = Manifests(documents: try DeployFiles.kubernetesDocuments())
        let statefulSet = try #require(try manifests.podSpecs().first?.spec)
        let secretsPath = try Self.mountPath(statefulSet, source: "secret", name: "ccrelay-secrets")
        let files = try manifests.secretFiles(mountPath: secretsPath)
        let configuration = try Self.loadConfiguration(manifests, secretFiles: files)
        #expect(configuration.warnings.isEmpty)
        #expect(!configuration.sources.isEmpty && !configuration.sinks.isEmpty)
        #expect(throws: ConfigError.self) { try Self.loadConfiguration(manifests, secretFiles: [:]) }
    }

    @Test(
        "both pods run the image's non-root user, mount the config where --config reads it and the state where the config keeps it"
    )
    func podsAgreeWithConfigurationAndImage() throws {
        let manifests = Manifests(documents: try DeployFiles.kubernetesDocuments())
        let configuration = try Self.loadConfiguration(
            manifests,
            secretFiles: try manifests.secretFiles(
                mountPath: try Self.mountPath(
                    try manifests.podSpecs()[0].spec, source: "secret", name: "ccrelay-secrets")))
        let imageUser = try Self.dockerfileUser()
        for (kind, spec) in try manifests.podSpecs() {
            #expect(value(spec, "securityContext.runAsNonRoot") as? Bool == true, "\(kind)")
            #expect(value(spec, "securityContext.runAsUser") as? Int == imageUser, "\(kind)")
            #expect(value(spec, "securityContext.fsGroup") as? Int == imageUser, "\(kind)")
            let container = try Self.container(spec)
            let arguments = try #require(container["args"] as? [String])
            #expect(arguments.first == (kind == "CronJob" ? "once" : "run"), "\(kind)")
            let configPath = try #require(arguments.firstIndex(of: "--config").map { arguments[$0 + 1] })
            let configDirectory = try Self.mountPath(spec, source: "configMap", name: "ccrelay-config")
            #expect(configPath == configDirectory + "/ccrelay.yaml", "\(kind)")
            let stateDirectory: String
            if kind == "StatefulSet" {
                let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
                let claim = try #require(
                    value(try manifests.one("StatefulSet", "ccrelay"), "spec.volumeClaimTemplates.0.metadata.name")
                        as? String)
                stateDirectory = try #require(mounts.first { $0["name"] as? String == claim }?["mountPath"] as? String)
            } else {
                stateDirectory = try Self.mountPath(spec, source: "persistentVolumeClaim", name: "ccrelay-once-state")
            }
            #expect(configuration.state.postgres == nil)
            #expect(
                configuration.state.sqlitePath.hasPrefix(stateDirectory + "/"), "\(kind): state on \(stateDirectory)")
        }
    }

    @Test("liveness probes the push listener's /healthz, readiness the admin listener's /readyz with the token file")
    func probesMatchListeners() throws {
        let manifests = Manifests(documents: try DeployFiles.kubernetesDocuments())
        let spec = try manifests.podSpecs()[0].spec
        let secretsPath = try Self.mountPath(spec, source: "secret", name: "ccrelay-secrets")
        let files = try manifests.secretFiles(mountPath: secretsPath)
        let server = try Self.loadConfiguration(manifests, secretFiles: files).server
        let container = try Self.container(spec)
        #expect(value(container, "livenessProbe.httpGet.path") as? String == "/healthz")
        #expect(value(container, "livenessProbe.httpGet.port") as? Int == server.port)
        #expect(server.host == "0.0.0.0")
        let ports = (container["ports"] as? [[String: Any]] ?? []).compactMap { $0["containerPort"] as? Int }
        #expect(Set(ports) == [server.port, server.admin.port])
        // The probe runs in the container, so it reaches the admin listener on loopback.
        #expect(["0.0.0.0", "127.0.0.1"].contains(server.admin.host))
        let command = try #require(value(container, "readinessProbe.exec.command") as? [String])
        let script = command.joined(separator: " ")
        #expect(script.contains("/dev/tcp/127.0.0.1/\(server.admin.port)"))
        #expect(script.contains("GET /readyz "))
        #expect(server.adminToken != nil)
        let tokenFile = try #require(
            files.keys.first { script.contains("$(cat \($0))") }, "the probe reads no Secret file")
        #expect(tokenFile.hasSuffix("/admin-token"))
    }

    @Test(
        "the image builds from pinned bases, stamps the commit, and runs as a fixed non-root user with the state volume"
    )
    func dockerfile() throws {
        let text = try DeployFiles.text("deploy/Dockerfile")
        let bases = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }.map { $0.split(separator: " ")[1] }
        #expect(bases == ["swift:6.3.1-bookworm", "debian:bookworm-slim"])
        #expect(text.contains("scripts/stamp-commit \"$CCRELAY_COMMIT\""))
        #expect(try Self.dockerfileUser() != 0)
        #expect(text.contains("VOLUME [\"/var/lib/ccrelay\"]"))
    }

    /// The numeric user of the Dockerfile's `USER uid:gid` line.
    static func dockerfileUser() throws -> Int {
        let line = try #require(
            try DeployFiles.text("deploy/Dockerfile").split(separator: "\n").first { $0.hasPrefix("USER ") })
        return try #require(Int(line.dropFirst("USER ".count).prefix { $0 != ":" }), "USER must be numeric: \(line)")
    }
}
