import Foundation
import HummingbirdTLS
import RelayCore

extension TLSFiles {
    /// A server TLS configuration from the files as they are now (read anew on every call, so a
    /// server built after a reload serves renewed files).
    /// - Throws: `RelayError(.configInvalid)` naming the file that is missing or not PEM.
    func makeServerConfiguration() throws(RelayError) -> TLSConfiguration {
        let chain = try certificateChain()
        let key = try privateKey()
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }

    /// What is wrong with the files, by key (`cert_file`, `key_file`), for `ccrelay validate`.
    /// Messages name the path, never the content.
    func problems() -> [(key: String, message: String)] {
        var problems: [(key: String, message: String)] = []
        do { _ = try certificateChain() } catch { problems.append(("cert_file", error.message)) }
        do { _ = try privateKey() } catch { problems.append(("key_file", error.message)) }
        return problems
    }

    private func certificateChain() throws(RelayError) -> [NIOSSLCertificate] {
        try requireReadable(certFile)
        guard let chain = try? NIOSSLCertificate.fromPEMFile(certFile), !chain.isEmpty else {
            throw RelayError(.configInvalid, "\(certFile) holds no PEM certificate")
        }
        return chain
    }

    private func privateKey() throws(RelayError) -> NIOSSLPrivateKey {
        try requireReadable(keyFile)
        guard let key = try? NIOSSLPrivateKey(file: keyFile, format: .pem) else {
            throw RelayError(.configInvalid, "\(keyFile) holds no PEM private key")
        }
        return key
    }

    private func requireReadable(_ path: String) throws(RelayError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RelayError(.configInvalid, "\(path) does not exist or is not readable")
        }
    }
}
