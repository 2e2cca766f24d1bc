// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// One `rsc_location` placement as `pcmk__new_location()` records it: the constraint's
/// (or rule's) id, the resource, and a score per node (`node_list_rh`).
struct LocationConstraint {
    var id: String
    var resource: String
    var nodes: [(node: String, score: Int)]
    /// `role="Promoted"` (or the legacy `Master`).
    var promotedOnly: Bool
}

extension MonState {
    /// `rsc_location` constraints in document order: the simple form (`rsc`, `node`,
    /// `score`) and rules over node attributes (`eq`, `ne`, `lt`, `gt`, `lte`, `gte`,
    /// `defined`, `not_defined`, joined by `and`/`or`). Constraints naming unknown
    /// resources or nodes are ignored, as `unpack_rsc_location()` ignores them.
    var locationConstraints: [LocationConstraint] {
        var result: [LocationConstraint] = []
        let constraints = cib.firstElement(named: "configuration")?.firstElement(named: "constraints")?
            .elements(named: "rsc_location") ?? []
        for c in constraints {
            guard let rsc = c["rsc"], resource(rsc) != nil else { continue }
            let promoted = ["promoted", "master"].contains(c["role"]?.lowercased() ?? "")
            if let node = c["node"] {
                guard self.node(named: node) != nil, let score = c["score"] else { continue }
                result.append(LocationConstraint(id: c.id, resource: rsc, nodes: [(node, scoreValue(score))],
                                                 promotedOnly: promoted))
                continue
            }
            for rule in c.elements(named: "rule") {
                guard let score = rule["score"] else { continue }
                // generate_location_rule(): with "and", every node copied (newest first) at the
                // rule's score; with "or", matching nodes at their own weight plus the score.
                let value = scoreValue(score)
                let scored: [(node: String, score: Int)]
                if rule["boolean-op"]?.lowercased() == "or" {
                    scored = nodes.filter { ruleMatches(rule, node: $0) }.map { ($0.name, addScores(baseWeight($0), value)) }
                } else {
                    scored = nodes.reversed().filter { ruleMatches(rule, node: $0) }.map { ($0.name, value) }
                }
                if scored.isEmpty { continue }
                let rolePromoted = ["promoted", "master"].contains(rule["role"]?.lowercased() ?? "")
                result.append(LocationConstraint(id: rule.id, resource: rsc, nodes: scored,
                                                 promotedOnly: promoted || rolePromoted))
            }
        }
        return result
    }

    /// A node's own weight: `-INFINITY` when offline or shutting down, else its `score`.
    func baseWeight(_ node: MonNode) -> Int {
        if !node.online || node.shutdown { return -1_000_000 }
        let element = cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?
            .elements(named: "node").first { $0["uname"] == node.name }
        return scoreValue(element?["score"])
    }

    /// A location rule over node attributes (`pe_test_rule()` for the expressions used here).
    func ruleMatches(_ rule: XMLElement, node: MonNode) -> Bool {
        let any = rule["boolean-op"]?.lowercased() == "or"
        var results: [Bool] = []
        for e in rule.elements {
            switch e.name {
            case "expression": results.append(expressionMatches(e, node: node))
            case "rule": results.append(ruleMatches(e, node: node))
            case "date_expression": results.append(DateRecheck.holds(e, at: now))   // move/ban --lifetime
            default: results.append(false)  // resource and operation expressions are not evaluated here
            }
        }
        if results.isEmpty { return true }
        return any ? results.contains(true) : results.allSatisfy { $0 }
    }

    private func expressionMatches(_ e: XMLElement, node: MonNode) -> Bool {
        guard let attribute = e["attribute"] else { return false }
        let actual = attribute == "#kind" ? "cluster" : node.attributes[attribute]
        let expected = e["value"]
        switch e["operation"]?.lowercased() ?? "" {
        case "defined": return actual != nil
        case "not_defined": return actual == nil
        case "eq": return actual != nil && compare(actual!, expected ?? "", type: e["type"]) == 0
        case "ne": return actual == nil || compare(actual!, expected ?? "", type: e["type"]) != 0
        case "lt": return actual != nil && compare(actual!, expected ?? "", type: e["type"]) < 0
        case "lte": return actual != nil && compare(actual!, expected ?? "", type: e["type"]) <= 0
        case "gt": return actual != nil && compare(actual!, expected ?? "", type: e["type"]) > 0
        case "gte": return actual != nil && compare(actual!, expected ?? "", type: e["type"]) >= 0
        default: return false
        }
    }

    private func compare(_ a: String, _ b: String, type: String?) -> Int {
        if let t = type?.lowercased(), t == "number" || t == "integer", let x = leadingInteger(a), let y = leadingInteger(b) {
            return x < y ? -1 : x > y ? 1 : 0
        }
        let x = a.lowercased(), y = b.lowercased()
        return x < y ? -1 : x > y ? 1 : 0
    }
}
