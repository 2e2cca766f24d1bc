// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// A constraint's `<resource_set>` with its `resource_ref`s resolved, templates and
/// tags expanded in place (`pcmk__expand_tags_in_sets()`).
struct ResourceSet {
    /// The set's own attributes (`id`, `sequential`, `action`, `role`, `score`, ...).
    var attributes: [String: String]
    var resources: [Resource]

    var id: String { attributes["id"] ?? "" }
    subscript(_ name: String) -> String? { attributes[name] }

    /// A boolean attribute as `pcmk__xe_get_bool_attr()` reads it: nil when absent or invalid.
    func bool(_ name: String) -> Bool? { parseBoolean(attributes[name]) }
}

/// `crm_str_to_boolean()`: nil for anything that is not a boolean.
func parseBoolean(_ text: String?) -> Bool? {
    guard let t = text?.lowercased() else { return nil }
    if ["true", "on", "yes", "y", "1"].contains(t) { return true }
    if ["false", "off", "no", "n", "0"].contains(t) { return false }
    return nil
}

/// Resource sets in location, colocation, order and ticket constraints, and the
/// conversion of a template or tag reference into a set. Mirrors the set parts of
/// pcmk_sched_constraints.c, _location.c, _colocation.c, _ordering.c and _tickets.c.
extension WorkingSet {
    /// The resource ids a template or tag stands for; nil if `id` is neither.
    /// Mirrors the tag half of `pcmk__valid_resource_or_tag()`.
    func tagReferences(_ id: String) -> [String]? {
        let config = configuration
        if config?.firstElement(named: "resources")?.elements(named: "template").contains(where: { $0.id == id }) == true {
            return templateUsers(id).map(\.id)
        }
        if let tag = config?.firstElement(named: "tags")?.elements(named: "tag").first(where: { $0.id == id }) {
            return tag.elements(named: "obj_ref").compactMap { $0["id"] }
        }
        return nil
    }

    /// The resource sets of constraint `el` (each `id-ref` followed), or nil after a
    /// warning when a reference names no resource, template or tag: the constraint is
    /// then ignored.
    func resourceSets(_ el: XMLElement) -> [ResourceSet]? {
        var sets: [ResourceSet] = []
        for raw in el.elements(named: "resource_set") {
            var setEl = raw
            if let ref = raw["id-ref"] {
                guard let target = element(withID: ref) else {
                    warn("Ignoring constraint '\(el.id)' because resource set '\(ref)' does not exist"); return nil
                }
                setEl = target
            }
            var attributes: [String: String] = [:]
            for a in setEl.attributes { attributes[a.name] = a.value }
            var members: [Resource] = []
            for ref in setEl.elements(named: "resource_ref") {
                let id = ref.id
                if let rsc = resourceByID[id] { members.append(rsc); continue }
                guard let refs = tagReferences(id) else {
                    warn("Ignoring constraint '\(el.id)' because '\(id)' is not a valid resource or tag"); return nil
                }
                for r in refs {
                    guard let rsc = resourceByID[r] else {
                        warn("Ignoring constraint '\(el.id)': \(setEl.id): no resource found for \(r)"); return nil
                    }
                    members.append(rsc)
                }
            }
            sets.append(ResourceSet(attributes: attributes, resources: members))
        }
        return sets
    }

    /// The set a template or tag in `attr` stands for (`sequential=false`), or with
    /// `convertResource` a one-resource set for a plain resource; nil if `attr` is absent.
    /// Mirrors `pcmk__tag_to_set()`. `.failure` after a warning when the id is unknown.
    func tagToSet(_ el: XMLElement, _ attr: String, convertResource: Bool) -> Result<ResourceSet?, SetError> {
        guard let id = el[attr] else { return .success(nil) }
        if let rsc = resourceByID[id] {
            return .success(convertResource ? ResourceSet(attributes: ["id": id], resources: [rsc]) : nil)
        }
        guard let refs = tagReferences(id) else {
            warn("Ignoring constraint '\(el.id)' because '\(id)' is not a valid resource or tag")
            return .failure(SetError())
        }
        var members: [Resource] = []
        for r in refs {
            guard let rsc = resourceByID[r] else {
                warn("Ignoring constraint '\(el.id)': \(id): no resource found for \(r)")
                return .failure(SetError())
            }
            members.append(rsc)
        }
        return .success(ResourceSet(attributes: ["id": id, "sequential": "false"], resources: members))
    }

    struct SetError: Error {}

    /// Whether `el[attr]` names a template or tag rather than a resource.
    func namesTag(_ el: XMLElement, _ attr: String) -> Bool {
        guard let id = el[attr] else { return false }
        return resourceByID[id] == nil && tagReferences(id) != nil
    }
}

// MARK: ordering

extension WorkingSet {
    /// `enum ordering_symmetry`.
    enum OrderSymmetry { case symmetric, asymmetric, inverse }

    /// Mirrors `get_ordering_symmetry()`: the element's own kind and `symmetrical`,
    /// else the constraint's, else symmetric unless serializing.
    func orderSymmetry(_ attr: (String) -> String?, id: String, parentKind: OrderKind, parentSymmetrical: String?) -> OrderSymmetry {
        var kind = parentKind
        if attr("kind") != nil || attr("score") != nil { kind = orderKind(kind: attr("kind"), score: attr("score"), id: id) }
        var symmetric = parseBoolean(attr("symmetrical"))
        if symmetric == nil, let p = parentSymmetrical { symmetric = isTrue(p) }
        if let symmetric {
            if symmetric && kind == .serialize {
                warn("Ignoring symmetrical for '\(id)' because not valid with kind of 'Serialize'")
            }
            return symmetric && kind != .serialize ? .symmetric : .asymmetric
        }
        return kind == .serialize ? .asymmetric : .symmetric
    }

    private func orderFlags(_ kind: OrderKind, _ first: String, _ symmetry: OrderSymmetry) -> OrderFlags {
        flagsFor(kind, first: first, symmetric: symmetry == .symmetric, inverse: symmetry == .inverse)
    }

    /// The sets of an `rsc_order`, each ordered within itself and after the one before.
    /// Mirrors the set half of `pcmk__unpack_ordering()`.
    func unpackOrderSets(_ el: XMLElement, _ sets: [ResourceSet]) {
        let kind = orderKind(el)
        let symmetry = orderSymmetry({ el[$0] }, id: el.id, parentKind: kind, parentSymmetrical: nil)
        var last: ResourceSet?
        for set in sets {
            unpackOrderSet(set, parentKind: kind, parentSymmetrical: el["symmetrical"])
            if let last {
                orderResourceSets(last, set, kind: kind, symmetry: symmetry)
                if symmetry == .symmetric { orderResourceSets(set, last, kind: kind, symmetry: .inverse) }
            }
            last = set
        }
    }

    /// Orders the members of one set (each after the previous, or, serialized, each
    /// before all later ones). Mirrors `unpack_order_set()`.
    private func unpackOrderSet(_ set: ResourceSet, parentKind: OrderKind, parentSymmetrical: String?) {
        let action = set["action"] ?? "start"
        let localKind = set["kind"] != nil ? orderKind(kind: set["kind"], score: nil, id: set.id) : parentKind
        let sequential = isTrue(set["sequential"] ?? "1")
        let symmetry = orderSymmetry({ set[$0] }, id: set.id, parentKind: parentKind, parentSymmetrical: parentSymmetrical)
        let flags = orderFlags(localKind, action, symmetry)
        let members = set.resources
        if members.count == 1 { return }
        for (i, rsc) in members.enumerated() {
            if localKind == .serialize {
                for then in members[(i + 1)...] { orderResourceActions(rsc, action, then, action, flags) }
            } else if sequential && i > 0 {
                orderResourceActions(members[i - 1], action, rsc, action, flags)
            }
        }
        guard symmetry != .asymmetric, let inverse = invert(action), sequential, members.count > 1 else { return }
        let inverseFlags = orderFlags(localKind, inverse, .inverse)
        for i in 1..<members.count { orderResourceActions(members[i], inverse, members[i - 1], inverse, inverseFlags) }
    }

    /// Orders `set2` after `set1` (or, inverted, the reverse actions the other way).
    /// Mirrors `order_rsc_sets()`.
    private func orderResourceSets(_ set1: ResourceSet, _ set2: ResourceSet, kind: OrderKind, symmetry: OrderSymmetry) {
        var action1 = set1["action"] ?? "start", action2 = set2["action"] ?? "start"
        if symmetry == .inverse {
            guard let a1 = invert(action1), let a2 = invert(action2) else { return }
            action1 = a1; action2 = a2
        }
        // One-or-more only applies while starting or promoting.
        var requireAll = set1.bool("require-all") ?? true
        if action1 == "stop" || action1 == "demote" { requireAll = true }
        let flags = orderFlags(kind, action2, symmetry)
        if !requireAll {
            let met = pseudoOp("one-or-more:\(set1.id)")
            met.requiresAny = true
            for r1 in set1.resources {
                newOrdering(firstRsc: r1, firstKey: opKey(r1.id, action1), firstAction: nil, thenRsc: nil, thenKey: nil,
                            thenAction: met, flags: [.oneOrMore, .impliesThenPrinted])
            }
            for r2 in set2.resources {
                newOrdering(firstRsc: nil, firstKey: nil, firstAction: met, thenRsc: r2, thenKey: opKey(r2.id, action2),
                            thenAction: nil, flags: flags.union(.runnableLeft))
            }
            return
        }
        // A sequential set is represented by its last member (first, inverted) as
        // 'first', and by its first member (last, inverted) as 'then'.
        var r1: Resource?, r2: Resource?
        if isTrue(set1["sequential"]) { r1 = symmetry == .inverse ? set1.resources.first : set1.resources.last }
        if isTrue(set2["sequential"]) { r2 = symmetry == .inverse ? set2.resources.last : set2.resources.first }
        let firsts = r1.map { [$0] } ?? set1.resources
        let thens = r2.map { [$0] } ?? set2.resources
        for a in firsts {
            for b in thens { orderResourceActions(a, action1, b, action2, flags) }
        }
    }
}

// MARK: colocation

extension WorkingSet {
    /// Mirrors `unpack_influence()`.
    private func influence(_ text: String?, _ rsc: Resource) -> Bool {
        parseBoolean(text) ?? rsc.critical
    }

    /// The sets of an `rsc_colocation`: members within each set, and each set with the
    /// one before. Mirrors the set half of `pcmk__unpack_colocation()`.
    func unpackColocationSets(_ el: XMLElement, _ sets: [ResourceSet]) {
        let score = el["score"].map { Score(parsing: $0).value } ?? 0
        var last: ResourceSet?
        for set in sets {
            unpackColocationSet(set, score: score, influenceText: el["influence"])
            if let last { colocateResourceSets(el.id, last, set, score: score, influenceText: el["influence"]) }
            last = set
        }
    }

    private func colocate(_ id: String, _ dependent: Resource, _ primary: Resource, _ score: Int,
                          _ dependentRole: String?, _ primaryRole: String?, _ influence: Bool) {
        newColocation(id: id, dependent: dependent, primary: primary, score: score,
                      dependentRole: Role(text: dependentRole ?? ""), primaryRole: Role(text: primaryRole ?? ""),
                      nodeAttribute: nil, influence: influence)
    }

    /// Mirrors `unpack_colocation_set()`.
    private func unpackColocationSet(_ set: ResourceSet, score: Int, influenceText: String?) {
        let role = set["role"]
        let localScore = set["score"].map { Score(parsing: $0).value } ?? score
        if localScore == 0 { return }
        if set.bool("sequential") == false { return }
        let members = set.resources
        if localScore > 0 && (set["ordering"] ?? "group").lowercased() == "group" {
            // Each member with the one before it, as in a group.
            for i in members.indices.dropFirst() {
                colocate(set.id, members[i], members[i - 1], localScore, role, role, influence(influenceText, members[i]))
            }
        } else if localScore > 0 {
            for i in members.indices.dropFirst() {
                colocate(set.id, members[i - 1], members[i], localScore, role, role, influence(influenceText, members[i - 1]))
            }
        } else {
            // Anti-colocation with every earlier member: no two run together.
            for rsc in members {
                let inf = influence(influenceText, rsc)
                for with in members {
                    if with.id.lowercased() == rsc.id.lowercased() { break }
                    colocate(set.id, rsc, with, localScore, role, role, inf)
                }
            }
        }
    }

    /// Mirrors `colocate_rsc_sets()`: a sequential set is represented by its first
    /// member as dependent and its last as primary.
    private func colocateResourceSets(_ id: String, _ set1: ResourceSet, _ set2: ResourceSet, score: Int, influenceText: String?) {
        if score == 0 { return }
        var r1: Resource?, r2: Resource?
        if set1.bool("sequential") ?? true { r1 = set1.resources.first }
        if set2.bool("sequential") ?? true { r2 = set2.resources.last }
        let dependents = r1.map { [$0] } ?? set1.resources
        let primaries = r2.map { [$0] } ?? set2.resources
        for d in dependents {
            let inf = influence(influenceText, d)
            for p in primaries { colocate(id, d, p, score, set1["role"], set2["role"], inf) }
        }
    }
}
