// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Nodes, resources and alerts as crmsh shows them (crmsh's `CibNode`, `CibPrimitive`,
/// `CibContainer`, `CibBundle`, `CibAlert`).
extension CrmShow {
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
}
