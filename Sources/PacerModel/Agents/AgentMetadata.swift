// SPDX-License-Identifier: GPL-2.0-or-later
/// An OCF agent's self-description (`meta-data` action, ra-api-1.dtd / OCF 1.1).
public struct AgentMetadata: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var required: Bool
        public var unique: Bool
        /// OCF 1.1 `reloadable="1"`: a change can be applied by `reload-agent`.
        public var reloadable: Bool
        public var type: String
        public var defaultValue: String?
        public var shortDescription: String
        public var longDescription: String
    }

    public struct Action: Sendable, Equatable {
        public var name: String
        /// Other attributes as written (`timeout`, `interval`, `depth`, `start-delay`, `role`).
        public var attributes: [XMLAttribute]
    }

    public var name: String
    public var version: String?
    public var shortDescription: String
    public var longDescription: String
    public var parameters: [Parameter]
    public var actions: [Action]

    /// Reads `<resource-agent>`.
    /// - Returns: nil when the root is not `<resource-agent>`.
    public init?(_ root: XMLElement) {
        guard root.name == "resource-agent" else { return nil }
        func text(_ element: XMLElement?, _ name: String) -> String {
            guard let child = element?.firstElement(named: name) else { return "" }
            return child.children.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined()
        }
        name = root["name"] ?? ""
        version = root.firstElement(named: "version").map { text(XMLElement("x", [], children: [.element($0)]), "version") }
        shortDescription = text(root, "shortdesc").trimmed
        longDescription = text(root, "longdesc").trimmed
        parameters = root.firstElement(named: "parameters")?.elements(named: "parameter").map { parameter in
            let content = parameter.firstElement(named: "content")
            return Parameter(name: parameter["name"] ?? "",
                             required: ["1", "true", "yes"].contains(parameter["required"] ?? "0"),
                             unique: ["1", "true", "yes"].contains(parameter["unique"] ?? "0"),
                             reloadable: isTrue(parameter["reloadable"]),
                             type: content?["type"] ?? "string",
                             defaultValue: content?["default"],
                             shortDescription: text(parameter, "shortdesc").trimmed,
                             longDescription: text(parameter, "longdesc").trimmed)
        } ?? []
        actions = root.firstElement(named: "actions")?.elements(named: "action").map { action in
            Action(name: action["name"] ?? "", attributes: action.attributes.filter { $0.name != "name" })
        } ?? []
    }

    /// How the agent applies a parameter change without a restart, as Pacemaker's controller
    /// reads it from the meta-data (controld_metadata.c).
    public enum ReloadSupport: Sendable, Equatable {
        /// Neither: every change restarts the resource.
        case none
        /// OCF 1.1 (`<version>` ≥ 1.1) with a `reload-agent` action: the parameters marked
        /// `reloadable` are reloaded.
        case agent
        /// Before OCF 1.1, a `reload` action: the parameters not marked `unique` are reloaded.
        case legacy
    }

    public var reloadSupport: ReloadSupport {
        let ocf11 = version.map { compareVersions($0, "1.1") >= 0 } ?? false
        if ocf11 && actions.contains(where: { $0.name == "reload-agent" }) { return .agent }
        if !ocf11 && actions.contains(where: { $0.name.lowercased() == "reload" }) { return .legacy }
        return .none
    }

    /// The action that applies a reload: `reload-agent` for OCF 1.1 agents, `reload` for older
    /// ones (as the controller maps a scheduled `reload-agent`).
    public var reloadAction: String { reloadSupport == .legacy ? "reload" : "reload-agent" }

    /// The parameters whose change forces a restart (`op-force-restart`), or nil when the agent
    /// cannot reload at all (`append_restart_list()`).
    public var forceRestartParameters: [String]? {
        switch reloadSupport {
        case .none: return nil
        case .agent: return parameters.filter { !$0.reloadable }.map(\.name)
        case .legacy: return parameters.filter(\.unique).map(\.name)
        }
    }

    /// The text `crm ra info` prints for the agent.
    public func info(agent: String) -> String {
        var lines = ["\(shortDescription) (\(agent))", ""]
        if !longDescription.isEmpty { lines += [longDescription, ""] }
        lines.append("Parameters (*: required, []: default):")
        lines.append("")
        for parameter in parameters {
            var head = parameter.name + (parameter.required ? "*" : "") + " (" + parameter.type
            if let value = parameter.defaultValue, !value.isEmpty { head += ", [\(value)]" }
            // Like crmsh, a short description that only repeats the long one is not printed twice.
            head += "): " + (parameter.shortDescription == parameter.longDescription ? "" : parameter.shortDescription)
            lines.append(head)
            for line in parameter.longDescription.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("    " + line)
            }
            lines.append("")
        }
        lines.append("Operations' defaults (advisory minimum):")
        lines.append("")
        for action in actions where !["meta-data", "validate-all", "usage", "help"].contains(action.name) {
            let settings = action.attributes.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            lines.append("    " + action.name.padding(to: 14) + settings)
        }
        return lines.joined(separator: "\n")
    }
}

extension StringProtocol {
    var trimmed: String {
        let scalars = Array(unicodeScalars)
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[first...last])
        return result
    }

    func padding(to width: Int) -> String {
        count >= width ? String(self) : String(self) + String(repeating: " ", count: width - count)
    }
}
