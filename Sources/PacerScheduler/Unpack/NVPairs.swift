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
                 into result: inout some NameValueStore) {
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
