// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerTestKit

extension Tool {
    /// A file of this target's `Fixtures`, as copied into its bundle.
    static func fixture(_ path: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(path)
    }
}

/// A scratch directory removed when the value is dropped.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
}

/// CIB text as compared across tools: canonical XML (xmllint --c14n) without the
/// version counters and timestamps that legitimately differ.
func canonicalCIB(_ path: String) throws -> String {
    let result = try Tool.run(["xmllint", "--c14n", path])
    guard result.status == 0 else { return "xmllint failed on \(path): \(result.stderr)" }
    var text = result.stdout
    for attribute in ["epoch", "num_updates", "cib-last-written", "update-origin", "update-client", "update-user"] {
        text = text.replacingOccurrences(of: " \(attribute)=\"[^\"]*\"", with: "", options: .regularExpression)
    }
    return text
}

/// `cib-examples/proxy-pair.crm` configured on a new CIB file in `dir` (no status): the base
/// the load and edit tests change.
func configuredProxyPair(_ dir: TemporaryDirectory) throws -> String {
    let base = dir.file("base.xml")
    try Tool.run([Tool.pacer, "cib", "new", base])
    let script = Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.crm").path
    let configured = try Tool.run([Tool.pacer, "configure", "-f", script], environment: ["CIB_file": base])
    guard configured.status == 0 else { throw CLITestFailure("configure -f proxy-pair.crm: \(configured.stderr)") }
    return base
}

struct CLITestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
