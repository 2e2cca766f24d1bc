// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Reading `<nvpair>` sets (`cluster_property_set`, `meta_attributes`, …).
/// Mirrors `pe__unpack_dataset_nvpairs()` (lib/pengine/rules.c): sets sorted by
/// score (highest first), the first value seen for a name wins, `id-ref` followed.
extension WorkingSet {
    /// Finds an element anywhere in the CIB by id (for `id-ref`).
    func element(withID id: String) -> XMLElement? {
        var found: XMLElement?
        input.forEachElement { el in
            if found == nil, el["id"] == id, el["id-ref"] == nil { found = el }
        }
        return found
    }

    /// Collects name/value pairs from all child sets named `setName` of `parent`.
    /// - Parameter node: node for rule evaluation inside the sets (nil: rules on node attributes fail).
    func nvpairs(of parent: XMLElement, setName: String, node: Node? = nil, overwrite: Bool = false,
                 into result: inout [String: String]) {
        var sets: [(score: Int, order: Int, el: XMLElement)] = []
        for (i, el) in parent.elements(named: setName).enumerated() {
            var set = el
            if let ref = el["id-ref"], let target = element(withID: ref) { set = target }
            sets.append((Score(parsing: set["score"]).value, i, set))
        }
        // make_pairs() prepends and sort_pairs() sorts stably by score, so among equal
        // scores the *last* set in the document comes first (and wins); the
        // cluster's own "cib-bootstrap-options" set always comes first.
        let alwaysFirst = setName == "cluster_property_set" ? "cib-bootstrap-options" : nil
        sets.sort { a, b in
            let af = a.el.id == alwaysFirst, bf = b.el.id == alwaysFirst
            if af != bf { return af }
            if a.score != b.score { return a.score > b.score }
            return a.order > b.order
        }
        for (_, _, set) in sets {
            if let rule = set.firstElement(named: "rule"), !evaluateRule(rule, node: node) { continue }
            for pair in set.elements(named: "nvpair") {
                var p = pair
                if let ref = pair["id-ref"], let target = element(withID: ref) { p = target }
                guard let name = p["name"] else { continue }
                let value = p["value"]
                if overwrite || result[name] == nil {
                    if let value { result[name] = value } else if overwrite { result[name] = nil }
                }
            }
        }
    }
}

/// Pacemaker's `crm_is_true()`.
func isTrue(_ s: String?) -> Bool {
    guard let s = s?.lowercased() else { return false }
    return ["true", "on", "yes", "y", "1"].contains(s)
}

/// Pacemaker's `crm_parse_interval_spec()` in milliseconds: plain seconds, units, or ISO 8601 `PT…`.
func parseIntervalMs(_ text: String?) -> Int {
    guard let text else { return 0 }
    if let seconds = Int(text) { return seconds * 1000 }
    // Fast path for the common "10s" / "500ms" / "2min" forms.
    var fastValue = 0, digitCount = 0
    var unitStart = text.utf8.startIndex
    for (i, b) in zip(text.utf8.indices, text.utf8) {
        if b >= 48 && b <= 57 { fastValue = fastValue * 10 + Int(b - 48); digitCount += 1; unitStart = text.utf8.index(after: i) } else { break }
    }
    if digitCount > 0 {
        switch text.utf8[unitStart...].count == 0 ? "" : String(text[unitStart...]) {
        case "s", "sec", "secs": return fastValue * 1000
        case "ms", "msec", "msecs": return fastValue
        case "m", "min", "mins": return fastValue * 60_000
        case "h", "hr", "hrs": return fastValue * 3_600_000
        default: break
        }
    }
    guard var s = Optional(text.trimmingSpaces()), !s.isEmpty else { return 0 }
    if s.hasPrefix("P") || s.hasPrefix("p") {
        s = String(s.dropFirst())
        var total = 0, num = 0, inTime = false
        for ch in s.uppercased() {
            if let d = ch.wholeNumberValue { num = num * 10 + d; continue }
            switch ch {
            case "T": inTime = true
            case "Y": total += num * 31_536_000
            case "M": total += inTime ? num * 60 : num * 2_592_000
            case "W": total += num * 604_800
            case "D": total += num * 86_400
            case "H": total += num * 3600
            case "S": total += num
            default: break
            }
            num = 0
        }
        return total * 1000
    }
    var digits = ""
    var rest = Substring(s)
    while let c = rest.first, c.isNumber || c == "." { digits.append(c); rest = rest.dropFirst() }
    let value = Double(digits) ?? 0
    let unit = rest.trimmingCharacters().lowercased()
    let factor: Double
    switch unit {
    case "", "s", "sec", "secs": factor = 1000
    case "ms", "msec", "msecs": factor = 1
    case "us", "usec", "usecs": factor = 0.001
    case "m", "min", "mins": factor = 60_000
    case "h", "hr", "hrs": factor = 3_600_000
    default: return 0
    }
    return Int(value * factor)
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" }).reversed())
    }
    func trimmingCharacters() -> String { trimmingSpaces() }
}
