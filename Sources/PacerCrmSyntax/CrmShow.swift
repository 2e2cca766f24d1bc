// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Renders a CIB's configuration in crmsh's `configure show` text form.
///
/// Objects come in crmsh's order (node, rsc_template, primitive, bundle, group, ms, clone,
/// tag, constraints, property, rsc_defaults, op_defaults, alert), each kind sorted by id;
/// continuation lines end in ` \` and start with a tab.
public enum CrmShow {
    /// crmsh's `_sort_cli_order` rank of each XML element it shows.
    static let ranks: [String: Int] = [
        "node": 0, "template": 1, "primitive": 2, "bundle": 3, "group": 4, "master": 5, "clone": 6,
        "tag": 8, "rsc_location": 9, "rsc_colocation": 9, "rsc_order": 9, "rsc_ticket": 10, "fencing-topology": 10,
        "cluster_property_set": 11, "rsc_defaults": 12, "op_defaults": 13,
        "acl_role": 14, "acl_target": 15, "acl_group": 15, "acl_user": 15, "alert": 16,
    ]

    /// The whole configuration, or only the objects named in `ids`.
    /// - Returns: the text without a trailing newline (as crmsh prints it).
    public static func render(_ cib: XMLElement, ids: [String] = []) -> String {
        guard let configuration = cib.firstElement(named: "configuration") else { return "" }
        var blocks: [(rank: Int, id: String, text: String)] = []
        let wanted = Set(ids)
        func add(_ name: String, _ element: XMLElement, _ text: String) {
            if wanted.isEmpty || wanted.contains(element.id) { blocks.append((ranks[name] ?? 1000, element.id, text)) }
        }
        for node in configuration.firstElement(named: "nodes")?.elements(named: "node") ?? [] { add("node", node, self.node(node)) }
        configuration.firstElement(named: "resources")?.forEachElement { element in
            switch element.name {
            case "primitive", "template": add(element.name, element, primitive(element))
            case "group": add("group", element, container("group", element))
            case "clone": add("clone", element, container("clone", element))
            case "master": add("master", element, container("ms", element))
            case "bundle": add("bundle", element, bundle(element))
            default: break
            }
        }
        for constraint in configuration.firstElement(named: "constraints")?.elements ?? [] {
            switch constraint.name {
            case "rsc_colocation": add(constraint.name, constraint, colocation(constraint))
            case "rsc_location": add(constraint.name, constraint, location(constraint))
            case "rsc_order": add(constraint.name, constraint, order(constraint))
            case "rsc_ticket": add(constraint.name, constraint, ticket(constraint))
            default: break
            }
        }
        if let topology = configuration.firstElement(named: "fencing-topology"),
           wanted.isEmpty || wanted.contains("fencing_topology") {
            let nodes = configuration.firstElement(named: "nodes")?.elements(named: "node").count ?? 0
            blocks.append((ranks["fencing-topology"]!, "fencing_topology", fencingTopology(topology, nodes: nodes)))
        }
        for acl in configuration.firstElement(named: "acls")?.elements ?? [] {
            switch acl.name {
            case "acl_role": add(acl.name, acl, self.acl("role", acl))
            case "acl_target", "acl_group": add(acl.name, acl, self.acl(acl.name, acl))
            case "acl_user": add(acl.name, acl, self.acl("user", acl))
            default: break
            }
        }
        for tag in configuration.firstElement(named: "tags")?.elements(named: "tag") ?? [] {
            add("tag", tag, (["tag", tag.id] + tag.elements(named: "obj_ref").map(\.id)).joined(separator: " "))
        }
        for set in configuration.firstElement(named: "crm_config")?.elements(named: "cluster_property_set") ?? [] {
            add("cluster_property_set", set, attributeSet("property", set))
        }
        for section in ["rsc_defaults", "op_defaults"] {
            for set in configuration.firstElement(named: section)?.elements(named: "meta_attributes") ?? [] {
                add(section, set, attributeSet(section, set))
            }
        }
        for alert in configuration.firstElement(named: "alerts")?.elements(named: "alert") ?? [] {
            add("alert", alert, self.alert(alert))
        }
        blocks.sort { ($0.rank, $0.id) < ($1.rank, $1.id) }
        return blocks.map(\.text).joined(separator: "\n")
    }

    // MARK: - Objects

    static func node(_ node: XMLElement) -> String {
        let uname = node["uname"] ?? node.id
        var head = "node"
        if node.id != uname { head += quote(node.id) == node.id ? " \(node.id):" : " $id=\"\(node.id)\"" }
        head += " \(uname)"
        if let type = node["type"], type != "normal" { head += ":\(type)" }   // crmsh's node_default_type
        var lines = [head]
        if let description = node["description"] { lines.append("description=\(quote(description))") }
        for set in node.elements {
            switch set.name {
            case "instance_attributes": lines.append(labelled("attributes", set))
            case "utilization": lines.append(labelled("utilization", set))
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

    /// `primitive ID AGENT` (or `@TEMPLATE`), `rsc_template ID AGENT`; sets and operations in XML order.
    static func primitive(_ primitive: XMLElement) -> String {
        let keyword = primitive.name == "template" ? "rsc_template" : "primitive"
        let head = primitive.name == "primitive" ? primitive["template"].map { "@\($0)" } : nil
        var lines = ["\(keyword) \(primitive.id) \(head ?? agent(primitive))"]
        if let description = primitive["description"] { lines.append("description=\(quote(description))") }
        for child in primitive.elements {
            if let set = attributeBlock(child) { lines.append(set); continue }
            guard child.name == "operations" else { continue }
            if let id = child["id"] { lines.append("operations $id=\(id)") }
            for op in child.elements(named: "op") {
                let attributes = op.attributes.filter { $0.name != "id" && $0.name != "name" }
                lines.append((["op", op["name"] ?? ""] + attributes.map { "\($0.name)=\(quote($0.value))" }).joined(separator: " "))
                for set in op.elements {
                    if set.name == "instance_attributes" { lines.append(labelled("op_params", set)) }
                    if set.name == "meta_attributes" { lines.append(labelled("op_meta", set)) }
                }
            }
        }
        return joinLines(lines)
    }

    /// `alert ID "PATH"`, then its sets, `select …` and `to …` lines in XML order, as crmsh's CibAlert.
    static func alert(_ alert: XMLElement) -> String {
        var lines = ["alert \(alert.id) \(path(alert["path"] ?? ""))"]
        if let description = alert["description"] { lines.append("description=\(quote(description))") }
        // crmsh braces recipients when an alert-level set follows the first recipient (it would read as the recipient's).
        let order = alert.elements.map(\.name).filter { ["recipient", "instance_attributes", "meta_attributes"].contains($0) }
        let complex = order.firstIndex(of: "recipient").map { order[($0 + 1)...].contains { $0 != "recipient" } } ?? false
        for child in alert.elements {
            switch child.name {
            case "instance_attributes": lines.append(labelled("attributes", child))
            case "meta_attributes": lines.append(labelled("meta", child))
            case "select":
                var words = ["select"]
                for selector in child.elements where selector.name.hasPrefix("select_") {
                    words.append(String(selector.name.dropFirst(7)))
                    if selector.name == "select_attributes" {
                        words += ["{"] + selector.elements(named: "attribute").compactMap { $0["name"] } + ["}"]
                    }
                }
                lines.append(words.joined(separator: " "))
            case "recipient":
                var words = ["to"]
                if complex { words.append("{") }
                words.append(path(child["value"] ?? ""))
                for set in child.elements {
                    if set.name == "instance_attributes" { words.append(labelled("attributes", set)) }
                    if set.name == "meta_attributes" { words.append(labelled("meta", set)) }
                }
                if complex { words.append("}") }
                lines.append(words.joined(separator: " "))
            default: break
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
        element.elements.compactMap(attributeBlock)
    }

    static func attributeBlock(_ set: XMLElement) -> String? {
        switch set.name {
        case "instance_attributes": return labelled("params", set)
        case "meta_attributes": return labelled("meta", set)
        case "utilization": return labelled("utilization", set)
        default: return nil
        }
    }

    static func attributeSet(_ keyword: String, _ set: XMLElement) -> String {
        joinLines(["\(keyword) \(set.id):"] + set.elements(named: "nvpair").map(nvpair))
    }

    /// crmsh's CibBundle: the container, network and storage lines, the sets, then `primitive ID`.
    static func bundle(_ bundle: XMLElement) -> String {
        var lines = ["bundle \(bundle.id)"]
        if let description = bundle["description"] { lines.append("description=\(quote(description))") }
        var primitive: String?
        for child in bundle.elements {
            switch child.name {
            case "primitive": primitive = "primitive \(child.id)"
            case "instance_attributes", "meta_attributes":
                lines.append(attributeBlock(child)!)
            default:
                var words = [child.name]
                if child.name != "storage" { words += child.attributes.map { "\($0.name)=\(quote($0.value))" } }
                for mapping in child.elements where mapping.name == "port-mapping" || mapping.name == "storage-mapping" {
                    words.append(mapping.name)
                    words += mapping.attributes.map { "\($0.name)=\(quote($0.value))" }
                }
                lines.append(words.joined(separator: " "))
            }
        }
        if let primitive { lines.append(primitive) }
        return joinLines(lines)
    }

    /// `role ID` with one line per permission, or `acl_target ID` with one line per role, as crmsh's CibAcl.
    static func acl(_ keyword: String, _ acl: XMLElement) -> String {
        var lines = ["\(keyword) \(acl.id)"]
        if let description = acl["description"] { lines.append("description=\(quote(description))") }
        for child in acl.elements {
            switch child.name {
            case "role", "role_ref": lines.append(child.id)
            case "acl_permission":
                var words = [child["kind"] ?? ""]
                if let description = child["description"] { words.append("description=\(quote(description))") }
                for (attribute, name) in [("xpath", "xpath"), ("reference", "ref"), ("attribute", "attr"), ("object-type", "type")] {
                    guard let value = child[attribute] else { continue }
                    if attribute == "xpath", let (shortcut, values) = aclShortcut(value) {
                        words.append(values.isEmpty ? shortcut : "\(shortcut):" + values.joined(separator: ":"))
                    } else {
                        words.append("\(name):" + (attribute == "xpath" ? quote(value) : value))
                    }
                }
                lines.append(words.joined(separator: " "))
            default: break
            }
        }
        return joinLines(lines)
    }

    /// crmsh's ACL xpath shortcuts (constants.acl_shortcuts), tried in its order; each pattern may be
    /// matched in part (its first pieces), giving as many values as pieces matched.
    static let aclShortcuts: [(String, [String])] = [
        ("meta", [#"//primitive\[@id='@@'\]/meta_attributes"#, #"/nvpair\[@name='@@'\]"#]),
        ("params", [#"//primitive\[@id='@@'\]/instance_attributes"#, #"/nvpair\[@name='@@'\]"#]),
        ("utilization", [#"//primitive\[@id='@@'\]/utilization"#]),
        ("location", [#"//rsc_location\[@id='cli-prefer-@@' and @rsc='@@'\]"#]),
        ("property", [#"//crm_config/cluster_property_set"#, #"/nvpair\[@name='@@'\]"#]),
        ("nodeattr", [#"//nodes/node/instance_attributes"#, #"/nvpair\[@name='@@'\]"#]),
        ("nodeutil", [#"//nodes/node/utilization"#, #"\[@uname='@@'\]"#]),
        ("node", [#"//nodes/node"#, #"\[@uname='@@'\]"#]),
        ("status", [#"/cib/status"#]),
        ("cib", [#"/cib"#]),
    ]

    static func aclShortcut(_ xpath: String) -> (String, [String])? {
        for (shortcut, pieces) in aclShortcuts {
            let patterns = pieces.map { $0.replacingAll("@@", with: "([a-zA-Z_][a-zA-Z0-9_.-]*)") }
            for count in 1...patterns.count {
                guard let regex = try? Regex(patterns[..<count].joined()),
                      let match = try? regex.wholeMatch(in: xpath) else { continue }
                let groups = (1..<match.output.count).compactMap { match.output[$0].substring.map(String.init) }
                return (shortcut, Array(groups.prefix(count)))
            }
        }
        return nil
    }

    /// `fencing_topology DEV…` when every node has the same levels, else `TARGET: DEV…` per target.
    static func fencingTopology(_ topology: XMLElement, nodes: Int) -> String {
        var targets: [String] = []
        var levels: [String: [(Int, String)]] = [:]
        for level in topology.elements(named: "fencing-level") {
            let target: String
            if let pattern = level["target-pattern"] {
                target = "pattern:\(pattern)"
            } else if let attribute = level["target-attribute"] {
                target = "attr:\(attribute)=\(level["target-value"] ?? "")"
            } else {
                target = (level["target"] ?? "") + ":"
            }
            if levels[target] == nil { targets.append(target) }
            levels[target, default: []].append((Int(level["index"] ?? "") ?? 0, level["devices"] ?? ""))
        }
        let devices = targets.map { target in
            levels[target]!.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: " ")
        }
        if Set(devices).count == 1, targets.count == nodes { return "fencing_topology \(devices[0])" }
        return joinLines(["fencing_topology"] + zip(targets, devices).map { "\($0) \($1)" })
    }

    // MARK: - Constraints

    /// `rsc_ticket ID TICKET: RSC[:ROLE]… [loss-policy=P]`.
    static func ticket(_ constraint: XMLElement) -> String {
        var words = ["rsc_ticket", constraint.id, (constraint["ticket"] ?? "") + ":"]
        if let rsc = constraint["rsc"] {
            words.append(rsc + (constraint["rsc-role"].map { ":\($0)" } ?? ""))
        } else {
            words += sets(constraint, suffix: "role")
        }
        if let policy = constraint["loss-policy"] { words.append("loss-policy=\(policy)") }
        return words.joined(separator: " ")
    }

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

    /// crmsh's rsc_set_constraint: `( … )` for a non-sequential set, `[ … ]` for one that need not
    /// all run, and `_rsc_set_` before sets that would otherwise read as a simple constraint.
    static func sets(_ constraint: XMLElement, suffix: String) -> [String] {
        var words: [String] = []
        var count = 0
        var sequential: Bool?, requireAll: Bool?
        func boolean(_ value: String?) -> Bool? { value.map { CIBEditor.boolean($0, default: true) } }
        for set in constraint.elements(named: "resource_set") {
            sequential = boolean(set["sequential"])
            requireAll = boolean(set["require-all"])
            if requireAll == false { words.append("[") } else if sequential == false { words.append("(") }
            for ref in set.elements(named: "resource_ref") {
                words.append(ref.id + (set[suffix].map { ":\($0)" } ?? ""))
                count += 1
            }
            if requireAll == false {
                if sequential != false { words.append("sequential=true") }
                words.append("]")
            } else if sequential == false {
                words.append(")")
            }
        }
        let ticket = constraint.name == "rsc_ticket"
        let sequentialAll = sequential != false && requireAll != false
        if (sequentialAll && !ticket && count <= 2) || (ticket && count <= 1) { words.insert("_rsc_set_", at: 0) }
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
                case "gt": expressions.append("date gt \(quote(expression["start"] ?? ""))")
                case "lt": expressions.append("date lt \(quote(expression["end"] ?? ""))")
                default:
                    var text = "date in"
                    if let start = expression["start"] { text += " start=\(quote(start))" }
                    if let end = expression["end"] { text += " end=\(quote(end))" }
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

    /// crmsh's `cli_path`: a path is quoted unless it is a bare word.
    static func path(_ value: String) -> String { quote(value) }

    /// The set's nvpairs; crmsh's `_attr_set_str` strips the trailing blank, so an empty set leaves
    /// the keyword alone (`meta`, not `meta `).
    static func pairs(_ set: XMLElement) -> String {
        set.elements(named: "nvpair").map(nvpair).joined(separator: " ")
    }

    /// `name=value`, the value hidden as crmsh hides what matches its default obscure_pattern (`passw*`).
    static func nvpair(_ pair: XMLElement) -> String {
        if let reference = pair["id-ref"] { return pair["name"].map { "@\(reference):\($0)" } ?? "@\(reference)" }
        let name = pair["name"] ?? ""
        return "\(name)=\(quote(name.hasPrefix("passw") && pair["value"] != nil ? "******" : pair["value"] ?? ""))"
    }

    static func labelled(_ keyword: String, _ set: XMLElement) -> String {
        let text = pairs(set)
        return text.isEmpty ? keyword : "\(keyword) \(text)"
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
