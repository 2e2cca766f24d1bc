// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Unpacks `rsc_location`, `rsc_colocation` and `rsc_order`. Mirrors
/// `pcmk__unpack_constraints()` (lib/pacemaker/pcmk_sched_constraints.c) and the
/// simple (non-set) cases of pcmk_sched_location.c, _colocation.c and _ordering.c.
extension WorkingSet {
    func unpackConstraints() {
        guard let cons = configuration?.firstElement(named: "constraints") else { return }
        for el in cons.elements {
            switch el.name {
            case "rsc_location": unpackLocation(el)
            case "rsc_colocation": unpackColocation(el)
            case "rsc_order": unpackOrder(el)
            case "rsc_ticket": unpackTicketConstraint(el)
            default: warn("Ignoring unsupported constraint <\(el.name)> '\(el.id)'")
            }
        }
    }

    private func constraintResource(_ el: XMLElement, _ attr: String) -> Resource? {
        guard let id = el[attr] else { warn("Ignoring constraint '\(el.id)' without \(attr)"); return nil }
        guard let rsc = resourceByID[id] else {
            warn("Ignoring constraint '\(el.id)' because resource '\(id)' does not exist")
            return nil
        }
        return rsc
    }

    // MARK: location

    /// Mirrors `unpack_rsc_location()` for single resources, node scores and rules.
    /// The resources a constraint's `rsc` names: the resource itself, or every
    /// primitive using a template, or every resource in a tag (`pcmk__valid_resource_or_tag()`).
    func constraintTargets(_ el: XMLElement, _ attr: String) -> [Resource] {
        guard let id = el[attr] else { warn("Ignoring constraint '\(el.id)' without \(attr)"); return [] }
        if let rsc = resourceByID[id] { return [rsc] }
        let config = configuration
        if config?.firstElement(named: "resources")?.elements(named: "template").contains(where: { $0.id == id }) == true {
            return templateUsers(id)
        }
        if let tag = config?.firstElement(named: "tags")?.elements(named: "tag").first(where: { $0.id == id }) {
            return tag.elements(named: "obj_ref").compactMap { $0["id"].flatMap { resourceByID[$0] } }
        }
        warn("Ignoring constraint '\(el.id)' because resource '\(id)' does not exist")
        return []
    }

    /// Primitives configured with `template="ID"`, in configuration order.
    func templateUsers(_ templateID: String) -> [Resource] {
        var users: [Resource] = []
        func walk(_ el: XMLElement) {
            for child in el.elements {
                if child.name == "primitive", child["template"] == templateID, let r = resourceByID[child.id] { users.append(r) }
                if child.name == "group" { walk(child) }
            }
        }
        if let res = configuration?.firstElement(named: "resources") { walk(res) }
        return users
    }

    private func unpackLocation(_ el: XMLElement) {
        if el.firstElement(named: "resource_set") != nil {
            // unpack_location_set(): every member, with the set's role and score.
            guard let sets = resourceSets(el) else { return }
            for set in sets {
                for rsc in set.resources { unpackLocation(el, for: rsc, role: set["role"], score: set["score"]) }
            }
            return
        }
        if el["rsc"] == nil, var pattern = el["rsc-pattern"] {
            // Every top resource whose id matches the regular expression (or, with a
            // leading '!', does not).
            let invert = pattern.hasPrefix("!")
            if invert { pattern.removeFirst() }
            guard let regex = try? Regex(pattern) else {
                warn("Ignoring location '\(el.id)': invalid rsc-pattern '\(pattern)'"); return
            }
            for rsc in resources where (rsc.id.firstMatch(of: regex) != nil) != invert { unpackLocation(el, for: rsc) }
            return
        }
        let targets = constraintTargets(el, "rsc")
        if targets.count != 1 || resourceByID[el["rsc"] ?? ""] == nil {
            for t in targets { unpackLocation(el, for: t) }
            return
        }
        unpackLocation(el, for: targets[0])
    }

    private func unpackLocation(_ el: XMLElement, for rsc: Resource, role setRole: String? = nil, score setScore: String? = nil) {
        var discovery = Discovery.always
        switch el["resource-discovery"]?.lowercased() {
        case nil, "always": break
        case "never": discovery = .never
        case "exclusive": discovery = .exclusive
        case let other?:
            warn("Ignoring location '\(el.id)': invalid resource-discovery '\(other)'"); return
        }
        var promotedOnly = false
        if let role = setRole ?? el["role"], Role(text: role) > .started {
            guard Role(text: role) == .promoted, rsc.variant == .clone, rsc.clone!.promotable else { return }
            promotedOnly = true
        }
        if let nodeName = el["node"] {
            guard let node = nodeByUname[nodeName] else { return }
            guard let s = setScore ?? el["score"] else { warn("Ignoring location '\(el.id)' without score"); return }
            if promotedOnly { rsc.clone!.promotedLocations.append((node.index, Score(parsing: s).value)); return }
            applyLocation(rsc, [(node, Score(parsing: s).value)], discovery: discovery)
            return
        }
        for rule in el.elements(named: "rule") {
            var r = rule
            if let ref = rule["id-ref"], let target = element(withID: ref) { r = target }
            var rulePromoted = promotedOnly
            if let role = r["role"], Role(text: role) > .started {
                guard Role(text: role) == .promoted, rsc.variant == .clone, rsc.clone!.promotable else { continue }
                rulePromoted = true
            }
            if rulePromoted {
                for node in nodes where evaluateRule(r, node: node) {
                    var score = 0
                    if let s = r["score"] { score = Score(parsing: s).value }
                    else if let attr = r["score-attribute"] { score = Score(parsing: node.attributes[attr]).value }
                    rsc.clone!.promotedLocations.append((node.index, score))
                }
                continue
            }
            var list: [(Node, Int)] = []
            for node in nodes where evaluateRule(r, node: node, rsc: rsc) {
                var score = 0
                if let s = r["score"] { score = Score(parsing: s).value }
                else if let attr = r["score-attribute"] { score = Score(parsing: node.attributes[attr]).value }
                list.append((node, score))
            }
            applyLocation(rsc, list, discovery: discovery)
        }
    }

    /// Mirrors `pcmk__apply_location()` / `pcmk__group_apply_location()`: in a
    /// colocated group only the first member gets the scores (the others get the
    /// nodes with score 0), since the first member's placement already includes theirs.
    func applyLocation(_ rsc: Resource, _ list: [(Node, Int)], discovery: Discovery = .always) {
        for (node, score) in list {
            if rsc.allowed[node.index] == nil { rsc.allowed[node.index] = score }
            else { rsc.allowed[node.index] = Score.add(rsc.allowed[node.index]!, score) }
            // exclusive > never > always
            if discovery > rsc.discovery(on: node) {
                if rsc.discoverMode == nil { rsc.discoverMode = Array(repeating: .always, count: nodes.count) }
                rsc.discoverMode![node.index] = discovery
                if discovery == .exclusive { rsc.exclusiveDiscover = true }
            }
        }
        var current = list
        let colocated = rsc.variant == .group && (rsc.meta["collocated"].map(isTrue) ?? true)
        for child in rsc.children {
            applyLocation(child, current, discovery: discovery)
            if colocated { current = list.map { ($0.0, 0) } }
        }
    }

    // MARK: colocation

    private func unpackColocation(_ el: XMLElement) {
        if el.firstElement(named: "resource_set") != nil {
            guard let sets = resourceSets(el) else { return }
            unpackColocationSets(el, sets)
            return
        }
        if el["rsc"] != nil && el["with-rsc"] != nil && (namesTag(el, "rsc") || namesTag(el, "with-rsc")) {
            // unpack_colocation_tags(): a template or tag on one side makes both sides sets.
            if namesTag(el, "rsc") && namesTag(el, "with-rsc") {
                warn("Ignoring constraint '\(el.id)' because two templates or tags cannot be colocated"); return
            }
            guard case .success(var dependent?) = tagToSet(el, "rsc", convertResource: true),
                  case .success(var primary?) = tagToSet(el, "with-rsc", convertResource: true) else { return }
            if let r = el["rsc-role"] { dependent.attributes["role"] = r }
            if let r = el["with-rsc-role"] { primary.attributes["role"] = r }
            unpackColocationSets(el, [dependent, primary])
            return
        }
        guard let dependent = constraintResource(el, "rsc"), let primary = constraintResource(el, "with-rsc") else { return }
        let score = Score(parsing: el["score"]).value
        let influence = el["influence"].map(isTrue) ?? dependent.critical
        newColocation(id: el.id, dependent: dependent, primary: primary, score: score,
                      dependentRole: Role(text: el["rsc-role"] ?? ""), primaryRole: Role(text: el["with-rsc-role"] ?? ""),
                      nodeAttribute: el["node-attribute"], influence: influence)
    }

    /// Mirrors `pcmk__new_colocation()`: ignores score 0, keeps both lists sorted.
    func newColocation(id: String, dependent: Resource, primary: Resource, score: Int, dependentRole: Role,
                       primaryRole: Role, nodeAttribute: String?, influence: Bool) {
        if score == 0 { return }
        // "Started" means any active role.
        let dependentRole = dependentRole == .started ? Role.unknown : dependentRole
        let primaryRole = primaryRole == .started ? Role.unknown : primaryRole
        let c = Colocation(id: id, dependent: dependent, primary: primary, score: score, dependentRole: dependentRole,
                           primaryRole: primaryRole, nodeAttribute: nodeAttribute, influence: influence)
        colocations.append(c)
        addThisWith(dependent, c)
        addWithThis(primary, c)
        if score <= -Score.infinityValue {
            antiColocationOrder(dependent, dependentRole, primary, primaryRole)
            antiColocationOrder(primary, primaryRole, dependent, dependentRole)
        }
    }

    /// Mirrors `anti_colocation_order()`: stop (or demote) one before starting (or
    /// promoting) the other, so the two are never active together.
    private func antiColocationOrder(_ first: Resource, _ firstRole: Role, _ then: Resource, _ thenRole: Role) {
        var firstTasks = ["stop"], thenTasks = ["start"]
        if firstRole == .promoted { firstTasks = ["demote"] } else if firstRole == .unpromoted { firstTasks.append("promote") }
        if thenRole == .promoted { thenTasks = ["promote"] } else if thenRole == .unpromoted { thenTasks.append("demote") }
        for f in firstTasks {
            for t in thenTasks { orderResourceActions(first, f, then, t, [.antiColocation]) }
        }
    }

    func addThisWith(_ rsc: Resource, _ c: Colocation) {
        let i = rsc.thisWith.firstIndex { comparePrimary($0, c) > 0 } ?? rsc.thisWith.count
        rsc.thisWith.insert(c, at: i)
    }

    func addWithThis(_ rsc: Resource, _ c: Colocation) {
        let i = rsc.withThis.firstIndex { compareDependent($0, c) > 0 } ?? rsc.withThis.count
        rsc.withThis.insert(c, at: i)
    }

    /// `cmp_primary_priority()`: higher priority, then groups, then id.
    private func comparePrimary(_ a: Colocation, _ b: Colocation) -> Int {
        compareRsc(a.primary, b.primary)
    }

    private func compareDependent(_ a: Colocation, _ b: Colocation) -> Int {
        compareRsc(a.dependent, b.dependent)
    }

    private func compareRsc(_ x: Resource, _ y: Resource) -> Int {
        if x.priority != y.priority { return x.priority > y.priority ? -1 : 1 }
        if x.variant != y.variant { return x.variant.rawValue > y.variant.rawValue ? -1 : 1 }
        return x.id < y.id ? -1 : (x.id == y.id ? 0 : 1)
    }

    // MARK: ordering

    /// `enum pe_order_kind`.
    enum OrderKind { case mandatory, optional, serialize }

    func orderKind(_ el: XMLElement) -> OrderKind { orderKind(kind: el["kind"], score: el["score"], id: el.id) }

    /// Mirrors `get_ordering_type()`.
    func orderKind(kind: String?, score: String?, id: String) -> OrderKind {
        guard let kind else {
            if let s = score, Score(parsing: s).value == 0 { return .optional }
            return .mandatory
        }
        switch kind.lowercased() {
        case "optional": return .optional
        case "serialize": return .serialize
        case "mandatory": return .mandatory
        default:
            warn("Resetting 'kind' for constraint \(id) to 'Mandatory' because '\(kind)' is not valid")
            return .mandatory
        }
    }

    func flagsFor(_ kind: OrderKind, first: String, symmetric: Bool, inverse: Bool) -> OrderFlags {
        var f: OrderFlags = [.optional]
        switch kind {
        case .optional: break
        case .serialize: f.insert(.serializeOnly)
        case .mandatory:
            if inverse { f.insert(.impliesFirst) }
            else if !symmetric { f.insert(.asymmetrical) }
            else {
                f.insert(.impliesThen)
                if first == "start" || first == "promote" { f.insert(.runnableLeft) }
            }
        }
        return f
    }

    func invert(_ action: String) -> String? {
        switch action {
        case "start": return "stop"
        case "stop": return "start"
        case "promote": return "demote"
        case "demote": return "promote"
        case "promoted": return "demoted"
        case "demoted": return "promoted"
        case "running": return "stopped"
        case "stopped": return "running"
        default: return nil
        }
    }

    /// Mirrors `get_minimum_first_instances()`: clone-min of a 'first' clone, or 1
    /// for the deprecated require-all=false.
    private func minimumFirstInstances(_ rsc: Resource, _ el: XMLElement) -> Int {
        guard rsc.variant == .clone else { return 0 }
        if let v = rsc.meta["clone-min"] { return max(Int(v) ?? 0, 0) }
        if let v = el["require-all"], !isTrue(v) { return 1 }
        return 0
    }

    /// Mirrors `clone_min_ordering()`: a pseudo action runnable once enough instances
    /// are, between the instances and the 'then' action.
    private func cloneMinOrdering(_ id: String, _ first: Resource, _ firstAction: String, _ then: Resource,
                                  _ thenAction: String, _ flags: OrderFlags, _ minimum: Int) {
        let met = pseudoOp("clone-one-or-more:\(id)")
        met.requiredRunnableBefore = minimum
        met.requiresAny = true
        for child in first.children {
            newOrdering(firstRsc: child, firstKey: opKey(child.id, firstAction), firstAction: nil, thenRsc: nil,
                        thenKey: nil, thenAction: met, flags: [.oneOrMore, .impliesThenPrinted])
        }
        newOrdering(firstRsc: nil, firstKey: nil, firstAction: met, thenRsc: then, thenKey: opKey(then.id, thenAction),
                    thenAction: nil, flags: flags.union(.runnableLeft))
    }

    /// Mirrors `unpack_simple_rsc_order()` and `inverse_ordering()`.
    private func unpackOrder(_ el: XMLElement) {
        if el.firstElement(named: "resource_set") != nil {
            guard let sets = resourceSets(el) else { return }
            unpackOrderSets(el, sets)
            return
        }
        if el["first"] != nil && el["then"] != nil && (namesTag(el, "first") || namesTag(el, "then")) {
            // unpack_order_tags(): a template or tag on either side makes both sides sets.
            guard case .success(var first?) = tagToSet(el, "first", convertResource: true),
                  case .success(var then?) = tagToSet(el, "then", convertResource: true) else { return }
            if let a = el["first-action"] { first.attributes["action"] = a }
            if let a = el["then-action"] { then.attributes["action"] = a }
            unpackOrderSets(el, [first, then])
            return
        }
        guard let first = constraintResource(el, "first"), let then = constraintResource(el, "then") else { return }
        let firstAction = el["first-action"] ?? "start"
        let thenAction = el["then-action"] ?? firstAction
        let kind = orderKind(el)
        var symmetric: Bool
        if let s = el["symmetrical"] { symmetric = isTrue(s) && kind != .serialize }
        else { symmetric = kind != .serialize }
        var flags = flagsFor(kind, first: firstAction, symmetric: symmetric, inverse: false)
        if kind == .optional && then.restartTypeRestart { flags.insert(.impliesThen) }
        let minimum = minimumFirstInstances(first, el)
        if minimum > 0 {
            cloneMinOrdering(el.id, first, firstAction, then, thenAction, flags, minimum)
        } else {
            orderResourceActions(first, firstAction, then, thenAction, flags)
        }
        if symmetric {
            guard let ta = invert(thenAction), let fa = invert(firstAction) else {
                warn("Cannot invert constraint '\(el.id)' (please specify inverse manually)"); return
            }
            var inv = flagsFor(kind, first: fa, symmetric: true, inverse: true)
            if kind == .optional && then.restartTypeRestart { inv.insert(.impliesFirst) }
            orderResourceActions(then, ta, first, fa, inv)
        }
        symmetric = false
    }
}
