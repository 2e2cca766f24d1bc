// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Renders a CIB's configuration in crmsh's `configure show` text form.
///
/// Objects come in crmsh's order (node, primitive, group, clone, colocation,
/// location, order, property, rsc_defaults, op_defaults), each kind sorted by id;
/// continuation lines end in ` \` and start with a tab.
public enum CrmShow {
    /// The whole configuration, or only the objects named in `ids`.
    /// - Returns: the text without a trailing newline (as crmsh prints it).
    public static func render(_ cib: XMLElement, ids: [String] = []) -> String {
        guard let configuration = cib.firstElement(named: "configuration") else { return "" }
        var blocks: [(rank: Int, id: String, text: String)] = []
        let wanted = Set(ids)
        func add(_ rank: Int, _ element: XMLElement, _ text: String) {
            if wanted.isEmpty || wanted.contains(element.id) { blocks.append((rank, element.id, text)) }
        }
        for node in configuration.firstElement(named: "nodes")?.elements(named: "node") ?? [] { add(0, node, self.node(node)) }
        configuration.firstElement(named: "resources")?.forEachElement { element in
            switch element.name {
            case "primitive": add(1, element, primitive(element))
            case "group": add(2, element, container("group", element))
            case "clone", "master": add(3, element, container(element.name, element))
            default: break
            }
        }
        for constraint in configuration.firstElement(named: "constraints")?.elements ?? [] {
            switch constraint.name {
            case "rsc_colocation": add(4, constraint, colocation(constraint))
            case "rsc_location": add(5, constraint, location(constraint))
            case "rsc_order": add(6, constraint, order(constraint))
            default: break
            }
        }
        blocks.sort { ($0.rank, $0.id) < ($1.rank, $1.id) }
        var sets: [String] = []
        for set in configuration.firstElement(named: "crm_config")?.elements(named: "cluster_property_set") ?? [] where wanted.isEmpty || wanted.contains(set.id) {
            sets.append(attributeSet("property", set))
        }
        for (section, keyword) in [("rsc_defaults", "rsc_defaults"), ("op_defaults", "op_defaults")] {
            for set in configuration.firstElement(named: section)?.elements(named: "meta_attributes") ?? [] where wanted.isEmpty || wanted.contains(set.id) {
                sets.append(attributeSet(keyword, set))
            }
        }
        return (blocks.map(\.text) + sets).joined(separator: "\n")
    }

    // MARK: - Objects

    static func node(_ node: XMLElement) -> String {
        let uname = node["uname"] ?? node.id
        var head = node.id != uname ? "node \(node.id): \(uname)" : "node \(uname)"
        if let type = node["type"], type != "member", type != "normal" { head += ":\(type)" }
        var lines = [head]
        if let description = node["description"] { lines.append("description=\(quote(description))") }
        for set in node.elements {
            switch set.name {
            case "instance_attributes": lines.append("attributes " + pairs(set))
            case "utilization": lines.append("utilization " + pairs(set))
            default: break
            }
        }
        return joinLines(lines)
    }

    static func agent(_ primitive: XMLElement) -> String {
        let resourceClass = primitive["class"] ?? "ocf", type = primitive["type"] ?? ""
        if resourceClass == "ocf" {
            let provider = primitive["provider"] ?? "heartbeat"
            return provider == "heartbeat" ? type : "ocf:\(provider):\(type)"
        }
        return "\(resourceClass):\(type)"
    }

    static func primitive(_ primitive: XMLElement) -> String {
        var lines = ["primitive \(primitive.id) \(agent(primitive))"]
        if let description = primitive["description"] { lines.append("description=\(quote(description))") }
        lines += attributeBlocks(primitive)
        for op in primitive.firstElement(named: "operations")?.elements(named: "op") ?? [] {
            let attributes = op.attributes.filter { $0.name != "id" && $0.name != "name" }
            lines.append((["op", op["name"] ?? ""] + attributes.map { "\($0.name)=\(quote($0.value))" }).joined(separator: " "))
            for set in op.elements {
                if set.name == "instance_attributes" { lines.append("op_params " + pairs(set)) }
                if set.name == "meta_attributes" { lines.append("op_meta " + pairs(set)) }
            }
        }
        return joinLines(lines)
    }

    static func container(_ keyword: String, _ element: XMLElement) -> String {
        let members = element.elements.filter { ["primitive", "group"].contains($0.name) }.map(\.id)
        var lines = [([keyword, element.id] + members).joined(separator: " ")]
        if let description = element["description"] { lines.append("description=\(quote(description))") }
        lines += attributeBlocks(element)
        return joinLines(lines)
    }

    static func attributeBlocks(_ element: XMLElement) -> [String] {
        element.elements.compactMap { set in
            switch set.name {
            case "instance_attributes": return "params " + pairs(set)
            case "meta_attributes": return "meta " + pairs(set)
            case "utilization": return "utilization " + pairs(set)
            default: return nil
            }
        }
    }

    static func attributeSet(_ keyword: String, _ set: XMLElement) -> String {
        joinLines(["\(keyword) \(set.id):"] + set.elements(named: "nvpair").map { "\($0["name"] ?? "")=\(quote($0["value"] ?? ""))" })
    }

    // MARK: - Constraints

    static func colocation(_ constraint: XMLElement) -> String {
        var words = ["colocation", constraint.id, score(constraint["score"] ?? "0") + ":"]
        if let rsc = constraint["rsc"], let with = constraint["with-rsc"] {
            words.append(rsc + (constraint["rsc-role"].map { ":\($0)" } ?? ""))
            words.append(with + (constraint["with-rsc-role"].map { ":\($0)" } ?? ""))
        } else {
            words += sets(constraint, suffix: "role")
        }
        if let attribute = constraint["node-attribute"] { words.append("node-attribute=\(attribute)") }
        return words.joined(separator: " ")
    }

    static func order(_ constraint: XMLElement) -> String {
        var words = ["order", constraint.id]
        if let kind = constraint["kind"] { words.append(kind + ":") } else if let value = constraint["score"] { words.append(score(value) + ":") }
        if let first = constraint["first"], let then = constraint["then"] {
            words.append(first + (constraint["first-action"].map { ":\($0)" } ?? ""))
            words.append(then + (constraint["then-action"].map { ":\($0)" } ?? ""))
        } else {
            words += sets(constraint, suffix: "action")
        }
        if let symmetrical = constraint["symmetrical"] { words.append("symmetrical=\(symmetrical)") }
        return words.joined(separator: " ")
    }

    static func sets(_ constraint: XMLElement, suffix: String) -> [String] {
        var words: [String] = []
        for set in constraint.elements(named: "resource_set") {
            let refs = set.elements(named: "resource_ref").map { $0.id + (set[suffix].map { ":\($0)" } ?? "") }
            if set["sequential"] == "false" {
                let (open, close) = set["require-all"] == "false" ? ("[", "]") : ("(", ")")
                words += [open] + refs + [close]
            } else {
                words += refs
            }
        }
        return words
    }

    static func location(_ constraint: XMLElement) -> String {
        var head = ["location", constraint.id, constraint["rsc"] ?? ""]
        if let role = constraint["role"] { head.append("role=\(role)") }
        if let discovery = constraint["resource-discovery"] { head.append("resource-discovery=\(discovery)") }
        if let node = constraint["node"] {
            return (head + [score(constraint["score"] ?? "0") + ":", node]).joined(separator: " ")
        }
        return joinLines([head.joined(separator: " ")] + constraint.elements(named: "rule").map(rule))
    }

    static func rule(_ rule: XMLElement) -> String {
        var words = ["rule"]
        if let role = rule["role"] { words.append("$role=\(role)") }
        if let attribute = rule["score-attribute"] {
            words.append(attribute + ":")
        } else if let value = rule["score"], value != "INFINITY" {
            words.append(score(value) + ":")
        }
        var expressions: [String] = []
        for expression in rule.elements {
            switch expression.name {
            case "expression":
                let operation = expression["operation"] ?? ""
                let attribute = expression["attribute"] ?? ""
                if operation == "defined" || operation == "not_defined" {
                    expressions.append("\(operation) \(attribute)")
                } else {
                    let type = expression["type"].flatMap { $0 == "string" ? nil : $0 }
                    expressions.append("\(attribute) \(type.map { "\($0):" } ?? "")\(operation) \(quote(expression["value"] ?? ""))")
                }
            case "date_expression":
                switch expression["operation"] {
                case "gt": expressions.append("date gt \(expression["start"] ?? "")")
                case "lt": expressions.append("date lt \(expression["end"] ?? "")")
                default:
                    var text = "date in"
                    if let start = expression["start"] { text += " start=\(start)" }
                    if let end = expression["end"] { text += " end=\(end)" }
                    expressions.append(text)
                }
            default: break
            }
        }
        words.append(expressions.joined(separator: " \(rule["boolean-op"] ?? "and") "))
        return words.joined(separator: " ")
    }

    // MARK: - Formatting

    /// crmsh's score spelling: INFINITY forms as `inf`.
    static func score(_ value: String) -> String {
        switch value {
        case "INFINITY": return "inf"
        case "+INFINITY": return "+inf"
        case "-INFINITY": return "-inf"
        default: return value
        }
    }

    static func pairs(_ set: XMLElement) -> String {
        set.elements(named: "nvpair").map { "\($0["name"] ?? "")=\(quote($0["value"] ?? ""))" }.joined(separator: " ")
    }

    /// Leaves `[\w.-]+` bare and double-quotes anything else, as crmsh's `noquotes`.
    static func quote(_ value: String) -> String {
        let bare = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "." || $0 == "-"
        }
        if bare { return value }
        return "\"" + value.replacingAll("\"", with: "\\\"") + "\""
    }

    static func joinLines(_ lines: [String]) -> String {
        lines.enumerated().map { index, line in index == 0 ? line : "\t" + line }.joined(separator: " \\\n")
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
