// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
#endif

/// A resource agent named as Pacemaker names it: `ocf:PROVIDER:TYPE` or `lsb:TYPE`.
public struct ResourceAgent: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var resourceClass: String
    public var provider: String?
    public var type: String

    public init(resourceClass: String, provider: String?, type: String) {
        self.resourceClass = resourceClass
        self.provider = provider
        self.type = type
    }

    /// Parses `ocf:heartbeat:IPaddr2`, `lsb:cron`, or `IPaddr2` (ocf:heartbeat, as crmsh).
    public init?(_ spec: String) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: self.init(resourceClass: "ocf", provider: "heartbeat", type: parts[0])
        case 2 where parts[0] == "ocf": self.init(resourceClass: "ocf", provider: "heartbeat", type: parts[1])
        case 2: self.init(resourceClass: parts[0], provider: nil, type: parts[1])
        case 3 where parts[0] == "ocf": self.init(resourceClass: "ocf", provider: parts[1], type: parts[2])
        default: return nil
        }
        guard !type.isEmpty, !type.contains("/"), provider?.contains("/") != true, provider?.isEmpty != true else { return nil }
    }

    public var description: String {
        provider.map { "\(resourceClass):\($0):\(type)" } ?? "\(resourceClass):\(type)"
    }
}

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
