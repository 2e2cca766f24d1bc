// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
#endif
public import PacerModel

/// Finds agents on disk the way Pacemaker's executor does.
public struct AgentDirectory: Sendable {
    /// `OCF_ROOT`, `/usr/lib/ocf` by default.
    public var ocfRoot: String
    public var lsbDirectory = "/etc/init.d"

    public init(ocfRoot: String = "/usr/lib/ocf") { self.ocfRoot = ocfRoot }

    /// The executable for `agent`, or nil when it is not installed.
    public func path(of agent: ResourceAgent) -> String? {
        let candidate: String
        switch agent.resourceClass {
        case "ocf": candidate = "\(ocfRoot)/resource.d/\(agent.provider ?? "heartbeat")/\(agent.type)"
        case "lsb": candidate = "\(lsbDirectory)/\(agent.type)"
        default: return nil
        }
        return access(candidate, X_OK) == 0 ? candidate : nil
    }

    /// Providers under `resource.d`, sorted (hidden names skipped, as Pacemaker does).
    public func providers() -> [String] { Self.entries(of: "\(ocfRoot)/resource.d", directories: true) }

    /// `ocf:PROVIDER:TYPE` agents, sorted by provider then type.
    public func agents(provider: String? = nil) -> [ResourceAgent] {
        (provider.map { [$0] } ?? providers()).flatMap { provider in
            Self.entries(of: "\(ocfRoot)/resource.d/\(provider)", directories: false)
                .filter { access("\(ocfRoot)/resource.d/\(provider)/\($0)", X_OK) == 0 }
                .map { ResourceAgent(resourceClass: "ocf", provider: provider, type: $0) }
        }
    }

    static func entries(of directory: String, directories: Bool) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            var info = stat()
            guard stat("\(directory)/\(name)", &info) == 0 else { continue }
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            if isDirectory == directories { names.append(name) }
        }
        return names.sorted()
    }
}
