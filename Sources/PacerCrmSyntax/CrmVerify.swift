// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// The checks `configure verify` adds to the schema and reference checks: what `crm_verify`
/// reports about fencing, and what crmsh would refuse or warn about (an agent that is not
/// installed, an alert agent that cannot run, a tag naming nothing).
public enum CrmVerify {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Severity: Sendable, Equatable { case error, warning }
        public var severity: Severity
        public var message: String
        public var description: String { message }
    }

    /// Where agents and alert paths are looked up; replaceable in tests.
    public struct Host: Sendable {
        /// Whether the agent `class:provider:type` is installed; nil when it cannot be told (systemd, stonith, …).
        public var agentExists: @Sendable (_ resourceClass: String, _ provider: String?, _ type: String) -> Bool?
        /// Installed agents of the same class and provider, for a "did you mean" hint.
        public var agentNames: @Sendable (_ resourceClass: String, _ provider: String?) -> [String]
        /// nil when `path` is an executable file, else why it cannot run.
        public var executableProblem: @Sendable (_ path: String) -> String?

        public init(agentExists: @escaping @Sendable (String, String?, String) -> Bool?,
                    agentNames: @escaping @Sendable (String, String?) -> [String],
                    executableProblem: @escaping @Sendable (String) -> String?) {
            self.agentExists = agentExists
            self.agentNames = agentNames
            self.executableProblem = executableProblem
        }

        /// OCF agents under `$OCF_ROOT` (default /usr/lib/ocf)`/resource.d/PROVIDER/TYPE`, LSB scripts
        /// in /etc/init.d; systemd, service, upstart, nagios and stonith agents are not checked.
        public static func local(ocfRoot: String? = nil) -> Host {
            let root = ocfRoot ?? environment("OCF_ROOT") ?? "/usr/lib/ocf"
            @Sendable func directory(_ resourceClass: String, _ provider: String?) -> String? {
                switch resourceClass {
                case "ocf": return "\(root)/resource.d/\(provider ?? "heartbeat")"
                case "lsb": return "/etc/init.d"
                default: return nil
                }
            }
            return Host(
                agentExists: { resourceClass, provider, type in
                    guard let directory = directory(resourceClass, provider), !type.contains("/") else { return nil }
                    return isRegularFile("\(directory)/\(type)")
                },
                agentNames: { resourceClass, provider in
                    guard let directory = directory(resourceClass, provider) else { return [] }
                    return listDirectory(directory)
                },
                executableProblem: { path in
                    guard path.hasPrefix("/") else { return "it is not an absolute path" }
                    var info = stat()
                    guard stat(path, &info) == 0 else { return "it does not exist" }
                    guard info.st_mode & S_IFMT == S_IFREG else { return "it is not a regular file" }
                    return access(path, X_OK) == 0 ? nil : "it is not executable"
                })
        }
    }

    /// Every finding, in a stable order: fencing, agents, alerts, tags.
    public static func check(_ cib: XMLElement, host: Host = .local()) -> [Finding] {
        guard let configuration = cib.firstElement(named: "configuration") else { return [] }
        var findings: [Finding] = []
        let resources = configuration.firstElement(named: "resources")
        var templates: [String: XMLElement] = [:]
        var primitives: [XMLElement] = []
        resources?.forEachElement { element in
            if element.name == "template" { templates[element.id] = element }
            if element.name == "primitive" { primitives.append(element) }
        }
        func agentOf(_ element: XMLElement) -> XMLElement {
            if let template = element["template"], let definition = templates[template] { return definition }
            return element
        }

        // crm_verify (unpack_resources): fencing enabled but no fencing device.
        if stonithEnabled(configuration), !primitives.contains(where: { agentOf($0)["class"] == "stonith" }) {
            findings += [
                "Resource start-up disabled since no STONITH resources have been defined",
                "Either configure some or disable STONITH with the stonith-enabled option",
                "NOTE: Clusters with shared data need STONITH to ensure data integrity",
            ].map { Finding(severity: .error, message: $0) }
        }

        // Agents: each primitive (or template) that names one.
        for element in templates.values.sorted(by: { $0.id < $1.id }) + primitives where element["template"] == nil {
            guard let resourceClass = element["class"], let type = element["type"] else { continue }
            let what = element.name == "template" ? "rsc_template" : "primitive"
            if let message = missingAgent(what, element.id, resourceClass, element["provider"], type, host: host) {
                findings.append(Finding(severity: .warning, message: message))
            }
        }

        // Alerts: the agent must be an executable file.
        for alert in configuration.firstElement(named: "alerts")?.elements(named: "alert") ?? [] {
            guard let path = alert["path"] else { continue }
            if let problem = host.executableProblem(path) {
                findings.append(Finding(severity: .warning, message: "alert '\(alert.id)': path \(path) cannot run: \(problem)"))
            }
        }

        // Tags: crmsh takes a reference to anything; say when it names nothing.
        var ids = Set<String>()
        configuration.forEachElement { element in
            if let id = element["id"], element.name != "obj_ref", element.name != "resource_ref" { ids.insert(id) }
        }
        for tag in configuration.firstElement(named: "tags")?.elements(named: "tag") ?? [] {
            for reference in tag.elements(named: "obj_ref") where !ids.contains(reference.id) {
                findings.append(Finding(severity: .warning, message: "tag '\(tag.id)' refers to '\(reference.id)', which does not exist"))
            }
        }
        return findings
    }

    /// "primitive 'ID': resource agent C:P:T is not installed[; did you mean 'X'?]", or nil when it is
    /// installed or cannot be looked up.
    public static func missingAgent(_ what: String, _ id: String, _ resourceClass: String, _ provider: String?, _ type: String,
                                    host: Host) -> String? {
        guard host.agentExists(resourceClass, provider, type) == false else { return nil }
        let spec = [resourceClass, provider, type].compactMap { $0 }.joined(separator: ":")
        let hint = Suggestion.closest(to: type, among: host.agentNames(resourceClass, provider)).map { "; did you mean '\($0)'?" } ?? ""
        return "\(what) '\(id)': resource agent \(spec) is not installed\(hint)"
    }

    /// `stonith-enabled` as Pacemaker reads it (default true).
    static func stonithEnabled(_ configuration: XMLElement) -> Bool {
        for set in configuration.firstElement(named: "crm_config")?.elements(named: "cluster_property_set") ?? [] {
            for pair in set.elements(named: "nvpair") where pair["name"] == "stonith-enabled" {
                return !["false", "no", "off", "0", "n", "f"].contains((pair["value"] ?? "").lowercased())
            }
        }
        return true
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }
}
