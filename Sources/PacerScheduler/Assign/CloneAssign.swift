// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Assigning clone instances to nodes. Mirrors `pcmk__clone_allocate()`,
/// `distribute_children()`, `allocate_instance()`, `can_run_instance()` and
/// `pcmk__clone_apply_coloc_score()` (pcmk_sched_clone.c) and
/// `pcmk__cmp_instance()` (pcmk_sched_resource.c).
extension WorkingSet {
    func assignClone(_ rsc: Resource, prefer: Node?) -> Node? {
        if !rsc.provisional || rsc.allocating { return nil }
        if rsc.clone!.promotable { addPromotionScores(rsc) }
        rsc.allocating = true
        // The primaries of the clone's colocations first (pcmk__cmp_instance() uses them).
        for c in rsc.thisWith { assign(c.primary, prefer: prefer) }
        for c in rsc.withThis where c.hasInfluence {
            let factor = Double(c.score) / Double(Score.infinityValue)
            rsc.allowed = addColocatedNodeScores(c.dependent, rsc.allowed, attr: c.nodeAttribute, factor: factor,
                                                 onlyPositive: true, active: true)
        }
        logScores(rsc, function: "pcmk__clone_allocate")
        rsc.children = stableSorted(rsc.children) { compareInstances($0, $1) < 0 }
        distributeInstances(rsc)
        if rsc.clone!.promotable { setInstanceRoles(rsc) }
        rsc.provisional = false
        rsc.allocating = false
        return nil
    }

    /// `pe__find_active_on()`: the node a resource is (best) active on, on how many nodes, and
    /// on how many of them cleanly (online, not unclean).
    func activeNode(_ rsc: Resource) -> (node: Node?, count: Int, clean: Int) {
        var current: Node?
        var clean = 0
        for n in rsc.runningOn {
            let happy = n.online && !n.unclean
            if happy { clean += 1 }
            if let source = rsc.partialMigrationSource {
                // Mid-migration, the migration source.
                if n === source || current == nil { current = n }
            } else if rsc.needsFencing {
                if current == nil { current = n }
            } else if happy && (current == nil || !current!.online || current!.unclean) {
                current = n
            } else if current == nil {
                current = n
            }
        }
        return (current, rsc.runningOn.count, clean)
    }

    private func didFail(_ rsc: Resource) -> Bool { rsc.failed || rsc.children.contains { didFail($0) } }

    /// Mirrors `pcmk__cmp_instance()`: negative if `a` should be assigned first.
    func compareInstances(_ a: Resource, _ b: Resource) -> Int {
        var (node1, n1, _) = activeNode(a)
        var (node2, n2, _) = activeNode(b)
        if n1 > 0 && n2 > 0 {
            if n1 < n2 { return -1 }
            if n1 > n2 { return 1 }
        }
        func allowedHere(_ r: Resource, _ node: inout Node?) -> Bool {
            guard let n = node else { return true }
            if let w = r.allowed[n.index], w >= 0 { return true }
            node = nil
            return false
        }
        let can1 = allowedHere(a, &node1), can2 = allowedHere(b, &node2)
        if can1 && !can2 { return -1 }
        if !can1 && can2 { return 1 }
        if a.priority > b.priority { return -1 }
        if a.priority < b.priority { return 1 }
        guard let c1 = node1 else { return node2 == nil ? 0 : 1 }
        guard let c2 = node2 else { return -1 }
        if c1.available && !c2.available { return -1 }
        if !c1.available && c2.available { return 1 }
        let top1 = a.parent?.allowed[c1.index] ?? nil, top2 = b.parent?.allowed[c2.index] ?? nil
        if top1 == nil && top2 == nil { return 0 }
        if top1 == nil { return 1 }
        if top2 == nil { return -1 }
        let count1 = a.parent?.instanceCount.count ?? 0 > c1.index ? a.parent!.instanceCount[c1.index] : 0
        let count2 = b.parent?.instanceCount.count ?? 0 > c2.index ? b.parent!.instanceCount[c2.index] : 0
        if count1 < count2 { return -1 }
        if count1 > count2 { return 1 }
        let f1 = didFail(a), f2 = didFail(b)
        if !f1 && f2 { return -1 }
        if f1 && !f2 { return 1 }
        if let c1 = a.currentNode, let c2 = b.currentNode {
            let s1 = colocatedScore(a, c1), s2 = colocatedScore(b, c2)
            if s1 < s2 { return 1 }
            if s1 > s2 { return -1 }
        }
        return instanceNumber(a) - instanceNumber(b)
    }

    /// `cmp_instance_by_colocation()`: the instance's current node's score after its
    /// parent's colocations.
    private func colocatedScore(_ rsc: Resource, _ node: Node) -> Int {
        guard let parent = rsc.parent else { return 0 }
        var table: [Int?] = Array(repeating: nil, count: nodes.count)
        table[node.index] = node.baseWeight
        for c in parent.thisWith {
            table = addColocatedNodeScores(c.primary, table, attr: c.nodeAttribute,
                                           factor: Double(c.score) / Double(Score.infinityValue),
                                           onlyPositive: false, active: false)
        }
        for c in parent.withThis where c.hasInfluence(on: rsc) {
            table = addColocatedNodeScores(c.dependent, table, attr: c.nodeAttribute,
                                           factor: Double(c.score) / Double(Score.infinityValue),
                                           onlyPositive: true, active: false)
        }
        return table[node.index] ?? 0
    }

    /// Mirrors `distribute_children()`.
    private func distributeInstances(_ rsc: Resource) {
        let info = rsc.clone!
        let maxCount = info.max, perNode = info.nodeMax
        rsc.instanceCount = Array(repeating: 0, count: nodes.count)
        var available = 0
        for n in nodes where rsc.allowed[n.index] != nil && n.available { available += 1 }
        let allColoc = maxCount < available
        var loopMax = available > 0 ? maxCount / available : 0
        if loopMax < 1 { loopMax = 1 }
        var allocated = 0
        // Keep as many instances as possible where they are active.
        for child in rsc.children where allocated < maxCount {
            guard !child.runningOn.isEmpty, child.provisional, !child.failed else { continue }
            guard let node = activeNode(child).node else { continue }
            if !node.available || node.baseWeight < 0 { continue }
            if rsc.allowed[node.index] != nil && rsc.instanceCount[node.index] >= loopMax { continue }
            if allocateInstance(child, prefer: node, allColoc: allColoc, limit: perNode) != nil { allocated += 1 }
        }
        for child in rsc.children {
            if !child.provisional { continue }
            if allocated >= maxCount {
                addLocationEverywhere(child, -Score.infinityValue)
                continue
            }
            if allocateInstance(child, prefer: nil, allColoc: allColoc, limit: perNode) != nil { allocated += 1 }
        }
    }

    /// `resource_location(rsc, NULL, score)`: every node, the resource and its descendants.
    func addLocationEverywhere(_ rsc: Resource, _ score: Int) {
        for n in nodes { addLocationRecursive(rsc, n, score) }
        if score <= -Score.infinityValue { rsc.allocatedTo = nil }
    }

    /// Where an instance is assigned (`location()` with current false).
    func assignedNode(_ rsc: Resource) -> Node? {
        if rsc.variant == .primitive { return rsc.allocatedTo }
        for c in rsc.children { if let n = assignedNode(c) { return n } }
        return nil
    }

    /// Mirrors `allocate_instance()`.
    private func allocateInstance(_ rsc: Resource, prefer: Node?, allColoc: Bool, limit: Int) -> Node? {
        if !rsc.provisional { return assignedNode(rsc) }
        if rsc.allocating { return nil }
        guard let parent = rsc.parent else { return nil }
        appendParentColocations(parent, rsc, all: allColoc)
        if let prefer {
            guard let w = rsc.allowed[prefer.index], w >= 0 else { return nil }
        }
        canRunInstance(rsc, limit: limit)
        let backup = rsc.allowed
        var chosen = assign(rsc, prefer: prefer)
        if let c = chosen, let prefer, c !== prefer {
            rsc.allowed = backup
            unassign(rsc)
            chosen = nil
        }
        if let c = chosen, parent.allowed[c.index] != nil { parent.instanceCount[c.index] += 1 }
        return chosen
    }

    /// Mirrors `pcmk__unassign_resource()`.
    private func unassign(_ rsc: Resource) {
        guard let old = rsc.allocatedTo else {
            rsc.provisional = true
            return
        }
        rsc.provisional = true
        rsc.allocatedTo = nil
        old.numResources -= 1
        releaseCapacity(&old.utilization, rsc)
    }

    /// Mirrors `append_parent_colocation()`.
    private func appendParentColocations(_ parent: Resource, _ child: Resource, all: Bool) {
        for c in parent.thisWith where all || c.score < 0 || c.score == Score.infinityValue {
            addThisWith(child, c)
        }
        for c in parent.withThis where c.hasInfluence(on: child) && (all || c.score < 0) {
            addWithThis(child, c)
        }
    }

    /// Mirrors `can_run_instance()` for all of the instance's allowed nodes.
    private func canRunInstance(_ rsc: Resource, limit: Int) {
        guard let parent = rsc.parent else { return }
        for node in nodes where rsc.allowed[node.index] != nil {
            if !node.available || rsc.orphan {
                addLocationRecursive(rsc, node, -Score.infinityValue)
                continue
            }
            guard let top = parent.allowed[node.index] else {
                addLocationRecursive(rsc, node, -Score.infinityValue)
                continue
            }
            if top < 0 {
                updateScoreRecursive(rsc, node, top)
            } else if parent.instanceCount[node.index] < limit {
                continue
            }
            addLocationRecursive(rsc, node, -Score.infinityValue)
        }
    }

    /// `common_update_score()`: only where the node is already allowed.
    private func updateScoreRecursive(_ rsc: Resource, _ node: Node, _ score: Int) {
        if let w = rsc.allowed[node.index] { rsc.allowed[node.index] = Score.add(w, score) }
        for c in rsc.children { updateScoreRecursive(c, node, score) }
    }

    /// Mirrors `is_child_compatible()`.
    private func isCompatible(_ child: Resource, _ node: Node, current: Bool, role: Role = .unknown) -> Bool {
        if role != .unknown && roleState(child, current: current) != role { return false }
        if blockedRecursive(child) { return false }
        let n = current ? instanceLocations(child).first : assignedNode(child)
        return n === node
    }

    /// Mirrors `find_compatible_child()`: the instance of `clone` on the same node as `local`.
    func compatibleInstance(_ local: Resource, _ clone: Resource, current: Bool, role: Role = .unknown) -> Resource? {
        if let node = current ? instanceLocations(local).first : assignedNode(local) {
            return clone.children.first { isCompatible($0, node, current: current, role: role) }
        }
        for item in sortedAllowedNodes(local, active: nil) {
            if let pair = clone.children.first(where: { isCompatible($0, item.node, current: current, role: role) }) { return pair }
        }
        return nil
    }

    /// The clone-as-primary part of `pcmk__clone_apply_coloc_score()`.
    func applyColocWithClone(dependent: Resource, primary: Resource, _ c: Colocation) {
        if primary.clone!.promotable {
            if primary.provisional { return }
            if c.primaryRole != .unknown {
                if dependent.provisional { updateDependentWithPromotable(primary, dependent, c); return }
                if c.dependentRole == .promoted { updatePromotableDependentPriority(primary, dependent, c); return }
            }
        }
        var interleave = false
        if c.dependent.variant == .clone && isTrue(c.dependent.meta["interleave"]) {
            if c.dependent.clone!.nodeMax != primary.clone!.nodeMax {
                warn("Cannot interleave \(c.dependent.id) and \(primary.id) because they do not support the same number of instances per node")
            } else {
                interleave = true
            }
        }
        if primary.provisional { return }
        if interleave {
            if let pi = compatibleInstance(dependent, primary, current: false) {
                applyColocScore(dependent: dependent, primary: pi, c)
            } else if c.score >= Score.infinityValue {
                finalizeAssignment(dependent, nil, force: true)
            }
            return
        }
        if c.score >= Score.infinityValue {
            var allowedNodes = Set<Int>()
            for child in primary.children where !blockedRecursive(child) {
                if let n = assignedNode(child) { allowedNodes.insert(n.index) }
            }
            // node_list_exclude(): listed nodes keep their score (added at -INFINITY if new).
            for n in nodes where !allowedNodes.contains(n.index) || dependent.allowed[n.index] == nil {
                if allowedNodes.contains(n.index) || dependent.allowed[n.index] != nil {
                    dependent.allowed[n.index] = -Score.infinityValue
                }
            }
            return
        }
        for child in primary.children { applyColocScore(dependent: dependent, primary: child, c) }
    }
}
