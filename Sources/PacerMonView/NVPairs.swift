// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Name/value blocks (`meta_attributes`, `instance_attributes`, `cluster_property_set`)
/// read as Pacemaker does. Mirrors `pe__unpack_dataset_nvpairs()` (lib/pengine/rules.c):
/// blocks ordered by descending `score` (equal scores: later blocks first, as
/// `make_pairs()` prepends), `id-ref` expanded, `#default` removing a value.
///
/// Blocks with a `<rule>` are skipped: the statuses Pacer shows carry no rules there.
struct NVPairReader {
    private var byID: [String: XMLElement] = [:]

    init(cib: XMLElement) {
        var index: [String: XMLElement] = [:]
        cib.forEachElement { element in
            if let id = element["id"], index[id] == nil { index[id] = element }
        }
        byID = index
    }

    /// `expand_idref()`.
    func expand(_ element: XMLElement) -> XMLElement? {
        guard let ref = element["id-ref"] else { return element }
        return byID[ref]
    }

    /// Blocks named `setName` under `owner`, in the order they are applied.
    func blocks(of owner: XMLElement?, setName: String, alwaysFirst: String? = nil) -> [XMLElement] {
        guard let owner else { return [] }
        let sets = owner.elements(named: setName).compactMap(expand).reversed()
        var keyed = sets.map { (set: $0, score: scoreValue($0["score"])) }
        // A stable sort: first the always-first block, then by descending score.
        keyed = stableSorted(keyed) { a, b in
            if let alwaysFirst, a.set.id.lowercased() == alwaysFirst.lowercased() { return true }
            if let alwaysFirst, b.set.id.lowercased() == alwaysFirst.lowercased() { return false }
            return a.score > b.score
        }
        return keyed.map(\.set)
    }

    /// Applies the blocks to `values`; `overwrite` replaces values already present.
    func unpack(_ owner: XMLElement?, setName: String, into values: inout [String: String],
                overwrite: Bool, alwaysFirst: String? = nil) {
        for block in blocks(of: owner, setName: setName, alwaysFirst: alwaysFirst) {
            if block.firstElement(named: "rule") != nil { continue }
            for pair in block.elements(named: "nvpair") {
                let ref = expand(pair)
                guard let name = pair["name"] ?? ref?["name"], let value = pair["value"] ?? ref?["value"] else { continue }
                if value.lowercased() == "#default" {
                    values[name] = nil
                    continue
                }
                if overwrite || values[name] == nil { values[name] = value }
            }
        }
    }

    /// The first `<nvpair name=…>` anywhere in the document, as crm_mon's
    /// `//nvpair[@name='…']` XPath lookups (`get_cluster_stack()`, dc-version) do.
    static func firstNVPair(_ cib: XMLElement, named name: String) -> String? {
        var found: String?
        var done = false
        cib.forEachElement { element in
            if done { return }
            if element.name == "nvpair" && element["name"] == name {
                found = element["value"]
                done = true
            }
        }
        return found
    }
}

/// `char2score()`: `INFINITY`, `+INFINITY`, `-INFINITY`, or an integer clamped to ±1000000.
func scoreValue(_ text: String?) -> Int {
    guard let text = text?.trimmingSpaces, !text.isEmpty else { return 0 }
    switch text.uppercased() {
    case "INFINITY", "+INFINITY": return 1_000_000
    case "-INFINITY": return -1_000_000
    case "RED", "YELLOW", "GREEN": return 0
    default: break
    }
    return clampScore(leadingInteger(text) ?? 0)
}

func clampScore(_ v: Int) -> Int { min(max(v, -1_000_000), 1_000_000) }

/// `pcmk__add_scores()`: sums that saturate at ±INFINITY (−INFINITY wins).
func addScores(_ a: Int, _ b: Int) -> Int {
    if a <= -1_000_000 || b <= -1_000_000 { return -1_000_000 }
    if a >= 1_000_000 || b >= 1_000_000 { return 1_000_000 }
    return clampScore(a + b)
}

/// `compare_version()`: dotted integers compared field by field; nil sorts first.
func compareVersion(_ a: String?, _ b: String?) -> Int {
    guard let a else { return b == nil ? 0 : -1 }
    guard let b else { return 1 }
    let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
    for i in 0..<max(x.count, y.count) {
        let p = i < x.count ? x[i] : -1, q = i < y.count ? y[i] : -1
        if p != q { return p < q ? -1 : 1 }
    }
    return 0
}
