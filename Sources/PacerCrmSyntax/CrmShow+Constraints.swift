// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Constraints as crmsh shows them: tickets, colocations, orders, locations and their rules.
extension CrmShow {
    /// `RSC` or `RSC:QUALIFIER` (a role or an action), as crmsh writes a constraint's resource.
    static func qualified(_ resource: String, _ qualifier: String?) -> String {
        qualifier.map { "\(resource):\($0)" } ?? resource
    }

    /// `rsc_ticket ID TICKET: RSC[:ROLE]… [loss-policy=P]`.
    static func ticket(_ constraint: XMLElement) -> String {
        var words = ["rsc_ticket", constraint.id, (constraint["ticket"] ?? "") + ":"]
        words += resources(constraint, refNames: ["rsc"], suffix: "role")
        if let policy = constraint["loss-policy"] { words.append("loss-policy=\(policy)") }
        return words.joined(separator: " ")
    }

    static func colocation(_ constraint: XMLElement) -> String {
        var words = ["colocation", constraint.id, score(constraint["score"] ?? "0") + ":"]
        words += resources(constraint, refNames: ["rsc", "with-rsc"], suffix: "role")
        if let attribute = constraint["node-attribute"] { words.append("node-attribute=\(attribute)") }
        return words.joined(separator: " ")
    }

    static func order(_ constraint: XMLElement) -> String {
        var words = ["order", constraint.id]
        if let kind = constraint["kind"] { words.append(kind + ":") } else if let value = constraint["score"] { words.append(score(value) + ":") }
        words += resources(constraint, refNames: ["first", "then"], suffix: "action")
        if let symmetrical = constraint["symmetrical"] { words.append("symmetrical=\(symmetrical)") }
        return words.joined(separator: " ")
    }

    /// A colocation's, order's or rsc_ticket's resources: those written on it under `refNames`
    /// (each qualified by its `-role` or `-action`) when it has them all, else its sets.
    static func resources(_ constraint: XMLElement, refNames: [String], suffix: String) -> [String] {
        let refs = refNames.compactMap { name in constraint[name].map { qualified($0, constraint["\(name)-\(suffix)"]) } }
        return refs.count == refNames.count ? refs : sets(constraint, suffix: suffix)
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
                words.append(qualified(ref.id, set[suffix]))
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
}
