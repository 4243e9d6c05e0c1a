import Foundation
import Testing
import Yams

/// The repository's deploy files, read as an operator's tools read them.
enum DeployFiles {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The text of the file at `path`, relative to the repository root.
    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every YAML document of every file in `deploy/kubernetes`, as plain values.
    static func kubernetesDocuments() throws -> [[String: Any]] {
        let directory = root.appendingPathComponent("deploy/kubernetes")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
        var documents: [[String: Any]] = []
        for name in names.sorted() {
            for document in try Yams.load_all(yaml: try text("deploy/kubernetes/\(name)")) {
                documents.append(try #require(document as? [String: Any], "\(name): a document is not a mapping"))
            }
        }
        return documents
    }

    /// The `[Section]` → key → values of a systemd unit file (a key may repeat; comments dropped).
    static func unitSections(_ text: String) -> [String: [String: [String]]] {
        var sections: [String: [String: [String]]] = [:]
        var current = ""
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            sections[current, default: [:]][key, default: []].append(String(line[line.index(after: equals)...]))
        }
        return sections
    }
}

/// A value at a path of nested mappings and arrays (`"spec.template.spec"`, an integer picks an item).
func value(_ root: Any?, _ path: String) -> Any? {
    var current = root
    for part in path.split(separator: ".") {
        if let index = Int(part), let array = current as? [Any] {
            current = index < array.count ? array[index] : nil
        } else {
            current = (current as? [String: Any])?[String(part)]
        }
    }
    return current
}
