public import PacerModel

/// Rule evaluation for location rules and attribute sets on node attributes.
/// Mirrors `pe_test_rule()` / `pe__eval_attr_expr()` (lib/pengine/rules.c) for
/// `expression` elements; date expressions are treated as not matching.
extension WorkingSet {
    func evaluateRule(_ rule: XMLElement, node: Node?) -> Bool {
        if let ref = rule["id-ref"], let target = element(withID: ref) { return evaluateRule(target, node: node) }
        let bool = (rule["boolean-op"] ?? "and").lowercased()
        var any = false
        var all = true
        var count = 0
        for child in rule.elements {
            let r: Bool
            switch child.name {
            case "expression": r = evaluateExpression(child, node: node)
            case "rule": r = evaluateRule(child, node: node)
            case "date_expression", "rsc_expression", "op_expression": r = false
            default: continue
            }
            count += 1
            if r { any = true } else { all = false }
        }
        if count == 0 { return true }
        return bool == "or" ? any : all
    }

    func evaluateExpression(_ expr: XMLElement, node: Node?) -> Bool {
        guard let attr = expr["attribute"] else { return false }
        let op = (expr["operation"] ?? "").lowercased()
        let actual = node?.attributes[attr]
        switch op {
        case "defined": return actual != nil
        case "not_defined": return actual == nil
        default: break
        }
        guard let actual, let expected = expr["value"] else { return false }
        let type = (expr["type"] ?? "").lowercased()
        let cmp: Int
        if type == "number" || type == "integer" || (type.isEmpty && Double(actual) != nil && Double(expected) != nil && op != "eq" && op != "ne") {
            let a = Double(actual) ?? 0, b = Double(expected) ?? 0
            cmp = a < b ? -1 : (a > b ? 1 : 0)
        } else if type == "version" {
            cmp = compareVersions(actual, expected)
        } else {
            cmp = actual == expected ? 0 : (actual.lowercased() < expected.lowercased() ? -1 : 1)
        }
        switch op {
        case "eq": return cmp == 0
        case "ne": return cmp != 0
        case "lt": return cmp < 0
        case "lte": return cmp <= 0
        case "gt": return cmp > 0
        case "gte": return cmp >= 0
        default: return false
        }
    }

    private func compareVersions(_ a: String, _ b: String) -> Int {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(x.count, y.count) {
            let p = i < x.count ? x[i] : 0, q = i < y.count ? y[i] : 0
            if p != q { return p < q ? -1 : 1 }
        }
        return 0
    }
}
