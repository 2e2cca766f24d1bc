// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Rule evaluation for location rules and attribute sets on node attributes.
/// Mirrors `pe_test_rule()` / `pe__eval_attr_expr()` (lib/pengine/rules.c) for
/// `expression` elements, and `date_expression` (`DateRules.swift`).
extension WorkingSet {
    /// - Parameter rsc: the resource a location rule is for, whose parameters and meta
    ///   attributes `value-source="param"` / `"meta"` expressions compare with.
    func evaluateRule(_ rule: XMLElement, node: Node?, rsc: Resource? = nil) -> Bool {
        if let ref = rule["id-ref"], let target = element(withID: ref) { return evaluateRule(target, node: node, rsc: rsc) }
        let bool = (rule["boolean-op"] ?? "and").lowercased()
        var any = false
        var all = true
        var count = 0
        for child in rule.elements {
            let r: Bool
            switch child.name {
            case "expression": r = evaluateExpression(child, node: node, rsc: rsc)
            case "rule": r = evaluateRule(child, node: node, rsc: rsc)
            case "date_expression": r = evaluateDateExpression(child)
            case "rsc_expression", "op_expression": r = false
            default: continue
            }
            count += 1
            if r { any = true } else { all = false }
        }
        if count == 0 { return true }
        return bool == "or" ? any : all
    }

    func evaluateExpression(_ expr: XMLElement, node: Node?, rsc: Resource? = nil) -> Bool {
        guard let attr = expr["attribute"] else { return false }
        // value-source: the value names a parameter or meta attribute of the resource.
        var expectedValue = expr["value"]
        if let rsc, let name = expectedValue {
            switch expr["value-source"]?.lowercased() {
            case "param":
                var params: [String: String] = [:]
                // The parameters as they would be on the node being evaluated (`pe_rsc_params()`).
                nvpairs(of: rsc.xml, setName: "instance_attributes", node: node, into: &params)
                expectedValue = params[name]
            case "meta":
                expectedValue = rsc.meta[name]
            default: break
            }
        }
        let op = (expr["operation"] ?? "").lowercased()
        let actual = node?.attributes[attr]
        switch op {
        case "defined": return actual != nil
        case "not_defined": return actual == nil
        default: break
        }
        guard let actual, let expected = expectedValue else { return false }
        let cmp = compareValues(actual, expected, type: expr["type"], op: op)
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

    /// Mirrors `compare_attr_expr_vals()`: the type defaults to integer or number for
    /// ordering operators, string otherwise; unparseable numbers compare as strings.
    private func compareValues(_ l: String, _ r: String, type typeIn: String?, op: String) -> Int {
        var type = typeIn?.lowercased()
        if type == nil {
            if ["lt", "lte", "gt", "gte"].contains(op) {
                type = (l.contains(".") || r.contains(".")) ? "number" : "integer"
            } else {
                type = "string"
            }
        }
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch type {
        case "integer":
            if let a = scanLeadingInteger(l), let b = scanLeadingInteger(r) { return sign(a, b) }
            return compareValues(l, r, type: "string", op: op)
        case "number":
            if let a = scanLeadingDouble(l), let b = scanLeadingDouble(r) { return sign(a, b) }
            return compareValues(l, r, type: "string", op: op)
        case "version":
            return compareVersions(l, r)
        default:
            return sign(l.lowercased(), r.lowercased())
        }
    }

    /// `strtoll()` semantics: leading spaces, sign, digits; trailing text ignored; nil without digits.
    private func scanLeadingInteger(_ s: String) -> Int? {
        var rest = Substring(s).drop { $0 == " " || $0 == "\t" }
        var negative = false
        if let f = rest.first, f == "-" || f == "+" { negative = f == "-"; rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let v = Int(digits.prefix(18)) ?? 0
        return negative ? -v : v
    }

    /// `strtod()` semantics for plain decimal text.
    private func scanLeadingDouble(_ s: String) -> Double? {
        var rest = Substring(s).drop { $0 == " " || $0 == "\t" }
        var text = ""
        if let f = rest.first, f == "-" || f == "+" { text.append(f); rest = rest.dropFirst() }
        var seenDigit = false, seenDot = false
        for c in rest {
            if c.isASCII && c.isNumber { text.append(c); seenDigit = true }
            else if c == "." && !seenDot { text.append(c); seenDot = true }
            else { break }
        }
        guard seenDigit else { return nil }
        return Double(text)
    }
}
