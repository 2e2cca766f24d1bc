// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Utilization and `placement-strategy`: node capacities, resources banned from nodes
/// without room for them (and what is colocated with them), the allocation order of
/// resources, and `load_stopped_NODE` orderings. Mirrors pcmk_sched_utilization.c,
/// `cmp_resources()` / `pcmk__sort_resources()` (pcmk_sched_resource.c) and the
/// capacity part of `compare_nodes()` (pcmk_sched_nodes.c).
extension WorkingSet {
    /// Whether utilization counts (`placement-strategy` is not `default`).
    var usesUtilization: Bool { placementStrategy != "default" }

    /// A `<utilization>` value as `utilization_value()` reads it (invalid: 0).
    static func utilizationValue(_ text: String) -> Int {
        let t = text.trimmingPrefix { $0 == " " || $0 == "\t" }
        var digits = Substring(t)
        var negative = false
        if let f = digits.first, f == "-" || f == "+" { negative = f == "-"; digits = digits.dropFirst() }
        let number = digits.prefix { $0.isASCII && $0.isNumber }
        guard !number.isEmpty, let v = Int(number) else { return 0 }
        return negative ? -v : v
    }

    /// `<utilization>` name/value pairs of a node or resource element.
    func utilization(of el: XMLElement) -> [String: Int] {
        guard el.firstElement(named: "utilization") != nil else { return [:] }   // most resources: no storage
        var raw: [String: String] = [:]
        nvpairs(of: el, setName: "utilization", into: &raw)
        return raw.mapValues(Self.utilizationValue)
    }

    /// Mirrors `pcmk__compare_node_capacities()`: negative when `a` has more room left
    /// for more of the utilization attributes, positive when `b` has.
    func compareNodeCapacities(_ a: Node, _ b: Node) -> Int {
        var result = 0
        for (name, va) in a.utilization {
            let vb = b.utilization[name] ?? 0
            if va > vb { result -= 1 } else if va < vb { result += 1 }
        }
        for (name, vb) in b.utilization where a.utilization[name] == nil {
            if 0 > vb { result -= 1 } else if 0 < vb { result += 1 }
        }
        return result
    }

    /// Takes `rsc`'s utilization from `node`'s remaining capacity (`pcmk__consume_node_capacity()`).
    func consumeCapacity(_ node: Node, _ rsc: Resource) {
        for (name, value) in rsc.utilization { node.utilization[name] = node.utilization[name].map { $0 - value } ?? 0 }
    }

    /// Gives `rsc`'s utilization back (`pcmk__release_node_capacity()`).
    func releaseCapacity(_ capacity: inout [String: Int], _ rsc: Resource) {
        for (name, value) in rsc.utilization { capacity[name] = (capacity[name] ?? 0) + value }
    }

    private func haveEnoughCapacity(_ node: Node, _ required: [String: Int]) -> Bool {
        required.allSatisfy { name, value in value <= node.utilization[name] ?? 0 }
    }

    /// `pcmk__colocation_affects()` with `preview`: whether the colocation would affect
    /// where the dependent goes.
    private func colocationWouldAffectLocation(_ dep: Resource, _ primary: Resource, _ c: Colocation) -> Bool {
        if c.dependentRole >= .unpromoted, let p = dep.parent, p.clone?.promotable == true, !dep.provisional { return false }
        if c.score > 0 && c.dependentRole != .unknown && c.dependentRole != dep.nextRole { return false }
        if c.score > 0 && c.primaryRole != .unknown && c.primaryRole != primary.nextRole { return false }
        if c.score < 0 && c.dependentRole != .unknown && c.dependentRole == dep.nextRole { return false }
        if c.score < 0 && c.primaryRole != .unknown && c.primaryRole == primary.nextRole { return false }
        return true
    }

    /// The resources mandatorily colocated with `rsc`, directly or not, `rsc` first.
    /// Mirrors `pcmk__colocated_resources()` and `pcmk__group_colocated_resources()`.
    func colocatedResources(_ rsc: Resource, _ origin: Resource, _ list: inout [Resource]) {
        if rsc.variant == .group {
            let colocated = rsc.meta["collocated"].map(isTrue) ?? true
            if colocated || rsc.parent?.variant == .clone {
                for member in rsc.children { colocatedResources(member, origin, &list) }
            } else if let first = rsc.children.first {
                colocatedResources(first, origin, &list)
            }
        }
        if list.contains(where: { $0 === rsc }) { return }
        list.append(rsc)
        for c in rsc.thisWith where c.primary !== origin {
            if c.score >= Score.infinityValue && colocationWouldAffectLocation(rsc, c.primary, c) {
                colocatedResources(c.primary, origin, &list)
            }
        }
        for c in rsc.withThis where c.dependent !== origin {
            if rsc.variant == .clone && c.dependent.variant != .clone { continue }
            if c.score >= Score.infinityValue && colocationWouldAffectLocation(c.dependent, rsc, c) {
                colocatedResources(c.dependent, origin, &list)
            }
        }
    }

    /// Adds the utilization of `rsc` (if not assigned yet) as one of `all`.
    /// Mirrors the `add_utilization()` methods.
    private func addUtilization(_ rsc: Resource, _ all: [Resource], _ sum: inout [String: Int]) {
        guard rsc.provisional else { return }
        func listed(_ r: Resource) -> Bool { all.contains { $0 === r } }
        switch rsc.variant {
        case .primitive:
            releaseCapacity(&sum, rsc)
        case .group:
            let colocated = rsc.meta["collocated"].map(isTrue) ?? true
            if colocated || rsc.parent?.variant == .clone {
                for member in rsc.children where member.provisional && !listed(member) { addUtilization(member, all, &sum) }
            } else if let first = rsc.children.first, first.provisional, !listed(first) {
                addUtilization(first, all, &sum)
            }
        case .clone:
            var existing = false
            for child in rsc.children {
                if listed(child) {
                    existing = true
                } else if child.children.contains(where: listed) {
                    // A cloned group's member is listed: count the whole instance.
                    addUtilization(child, all, &sum)
                    existing = true
                }
            }
            if !existing, let first = rsc.children.first { addUtilization(first, all, &sum) }
        }
    }

    /// Bans `rsc` from nodes without room for it and what must run with it (or, if no
    /// node has room for all, for it alone); returns the node with most room left
    /// when every node has room. Mirrors `pcmk__ban_insufficient_capacity()`.
    func banInsufficientCapacity(_ rsc: Resource) -> Node? {
        guard usesUtilization else { return nil }
        var colocated: [Resource] = []
        colocatedResources(rsc, rsc, &colocated)
        if !colocated.contains(where: { $0 === rsc }) { colocated.append(rsc) }
        var unassigned: [String: Int] = [:]
        for r in colocated { addUtilization(r, colocated, &unassigned) }
        func availableHere(_ node: Node) -> Bool {
            guard let w = rsc.allowed[node.index] else { return false }
            return node.available && w >= 0
        }
        var anyCapable = false
        var mostCapable: Node?
        for node in nodes where availableHere(node) {
            if haveEnoughCapacity(node, unassigned) { anyCapable = true }
            if mostCapable == nil || compareNodeCapacities(node, mostCapable!) < 0 { mostCapable = node }
        }
        let required = anyCapable ? unassigned : rsc.utilization
        for node in nodes where availableHere(node) && !haveEnoughCapacity(node, required) {
            rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
        }
        return anyCapable ? nil : mostCapable
    }

    /// `load_stopped_NODE`: a required pseudo action on `node` between the stops that
    /// free capacity there and the starts that use it (`new_load_stopped_op()`).
    private func loadStoppedOp(_ node: Node) -> Action {
        let op = pseudoOp("load_stopped_\(node.uname)")
        if op.node == nil {
            op.node = node
            op.flags.remove(.optional)
        }
        return op
    }

    /// Mirrors `pcmk__create_utilization_constraints()`.
    func createUtilizationConstraints(_ rsc: Resource) {
        guard usesUtilization, !rsc.utilization.isEmpty else { return }
        for node in rsc.runningOn {
            newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "stop"), firstAction: nil, thenRsc: nil, thenKey: nil,
                        thenAction: loadStoppedOp(node), flags: .load)
        }
        // allowed_nodes_as_list(): by node name outside the daemon.
        let allowed = nodes.filter { rsc.allowed[$0.index] != nil }.sorted { $0.uname < $1.uname }
        for node in allowed {
            let op = loadStoppedOp(node)
            newOrdering(firstRsc: nil, firstKey: nil, firstAction: op, thenRsc: rsc, thenKey: opKey(rsc.id, "start"),
                        thenAction: nil, flags: .load)
            newOrdering(firstRsc: nil, firstKey: nil, firstAction: op, thenRsc: rsc, thenKey: opKey(rsc.id, "migrate_to"),
                        thenAction: nil, flags: .load)
        }
    }

    // MARK: allocation order

    /// Node scores of `rsc` with those of the resources it is colocated with folded in
    /// (`pcmk__add_colocated_node_scores()` with `pcmk__coloc_select_this_with`), as
    /// `cmp_resources()` computes them; nil `start` means the resource's own scores.
    private func thisWithScores(_ rsc: Resource, _ start: [Int?]?, attr: String?, factor: Double, active: Bool) -> [Int?]? {
        if rsc.merging { return start }
        rsc.merging = true
        defer { rsc.merging = false }
        var work: [Int?]
        if rsc.variant == .group {
            guard let member = start == nil ? rsc.children.last : rsc.children.first else { return start }
            guard let merged = thisWithScores(member, start, attr: attr, factor: factor, active: active) else { return start }
            work = merged
        } else if let start {
            work = start
            addNodeScoresMatchingAttr(&work, rsc, attr: attr, factor: factor, onlyPositive: false)
        } else {
            work = rsc.allowed
        }
        if anyNodeAvailable(work) {
            let multiplier = factor < 0 ? -1.0 : 1.0
            for c in rsc.thisWith {
                let f = multiplier * Double(c.score) / Double(Score.infinityValue)
                work = thisWithScores(c.primary, work, attr: c.nodeAttribute, factor: f, active: true) ?? work
            }
        } else if active {
            return start
        }
        return work
    }

    /// Mirrors `cmp_resources()`: priority, then the score on the current node, then
    /// the scores node by node (best nodes first).
    private func compareForAllocation(_ a: Resource, _ b: Resource, _ ranked: [Node]) -> Int {
        if a.priority != b.priority { return a.priority > b.priority ? -1 : 1 }
        let sa = thisWithScores(a, nil, attr: nil, factor: 1, active: false) ?? a.allowed
        let sb = thisWithScores(b, nil, attr: nil, factor: 1, active: false) ?? b.allowed
        func weight(_ node: Node?, _ table: [Int?]) -> Int {
            guard let node, let w = table[node.index] else { return -Score.infinityValue }
            return w
        }
        let wa = weight(a.runningOn.isEmpty ? nil : a.currentNode, sa)
        let wb = weight(b.runningOn.isEmpty ? nil : b.currentNode, sb)
        if wa != wb { return wa > wb ? -1 : 1 }
        for node in ranked {
            let x = weight(node, sa), y = weight(node, sb)
            if x != y { return x > y ? -1 : 1 }
        }
        return 0
    }

    /// With a placement strategy, resources are assigned in `cmp_resources()` order
    /// (`pcmk__sort_resources()`).
    func sortResourcesForPlacement() {
        guard usesUtilization else { return }
        let ranked = mergeSorted(nodes) { compareNodes($0, $1, baseWeight: true, active: nil) <= 0 }
        resources = mergeSorted(resources) { compareForAllocation($0, $1, ranked) <= 0 }
    }

    /// Mirrors `compare_nodes()`: weight (the resource's, or with `baseWeight` the
    /// node's own), then room left (balanced), then fewer resources, then the active
    /// node, then the name; `minimal` goes from weight straight to the name.
    func compareNodes(_ a: Node, _ b: Node, weightA: Int = 0, weightB: Int = 0, baseWeight: Bool, active: Node?) -> Int {
        let wa = a.available ? (baseWeight ? a.baseWeight : weightA) : -Score.infinityValue
        let wb = b.available ? (baseWeight ? b.baseWeight : weightB) : -Score.infinityValue
        if wa != wb { return wa > wb ? -1 : 1 }
        if placementStrategy != "minimal" {
            if placementStrategy == "balanced" {
                let r = compareNodeCapacities(a, b)
                if r != 0 { return r < 0 ? -1 : 1 }
            }
            if a.numResources != b.numResources { return a.numResources < b.numResources ? -1 : 1 }
            if let active {
                if active === a { return -1 }
                if active === b { return 1 }
            }
        }
        return a.uname == b.uname ? 0 : (a.uname < b.uname ? -1 : 1)
    }
}
