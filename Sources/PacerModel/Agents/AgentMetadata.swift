// SPDX-License-Identifier: GPL-2.0-or-later
/// An OCF agent's self-description (`meta-data` action, ra-api-1.dtd / OCF 1.1).
public struct AgentMetadata: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var required: Bool
        public var unique: Bool
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
                             type: content?["type"] ?? "string",
                             defaultValue: content?["default"],
                             shortDescription: text(parameter, "shortdesc").trimmed,
                             longDescription: text(parameter, "longdesc").trimmed)
        } ?? []
        actions = root.firstElement(named: "actions")?.elements(named: "action").map { action in
            Action(name: action["name"] ?? "", attributes: action.attributes.filter { $0.name != "name" })
        } ?? []
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
