// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Assigning resources to nodes. Mirrors `pcmk__primitive_assign()` and
/// `assign_best_node()` (pcmk_sched_primitive.c), `pcmk__group_assign()`
/// (pcmk_sched_group.c) and `pcmk__finalize_assignment()` (pcmk_sched_resource.c).
extension WorkingSet {
    func allocateResources() {
        sortResourcesForPlacement()
        // Remote connections first: where they run decides which nodes are up.
        // A partially migrated connection prefers its migration target.
        for rsc in resources where rsc.isRemoteNode { assign(rsc, prefer: rsc.partialMigrationTarget) }
        for rsc in resources where !rsc.isRemoteNode { assign(rsc, prefer: nil) }
    }

    @discardableResult
    func assign(_ rsc: Resource, prefer: Node?) -> Node? {
        switch rsc.variant {
        case .group: return assignGroup(rsc, prefer: prefer)
        case .primitive: return assignPrimitive(rsc, prefer: prefer)
        case .clone: return assignClone(rsc, prefer: prefer)
        }
    }

    private func assignGroup(_ rsc: Resource, prefer: Node?) -> Node? {
        if !rsc.provisional { return rsc.allocatedTo }
        if rsc.allocating { return nil }
        guard let first = rsc.children.first else { rsc.provisional = false; return nil }
        rsc.allocating = true
        rsc.role = first.role
        expandGroupColocations(rsc)
        logScores(rsc, function: "pcmk__group_assign")
        var firstNode: Node?
        var haveFirst = false
        for member in rsc.children {
            let n = assign(member, prefer: prefer)
            if !haveFirst { firstNode = n; haveFirst = true }
        }
        rsc.nextRole = first.nextRole
        rsc.allocating = false
        rsc.provisional = false
        rsc.allocatedTo = firstNode
        return firstNode
    }

    /// Mirrors `expand_group_colocations()`.
    private func expandGroupColocations(_ rsc: Resource) {
        guard let first = rsc.children.first else { return }
        for c in rsc.thisWith { addThisWith(first, c) }
        var anyUnmanaged = !first.managed
        for member in rsc.children.dropFirst() {
            if anyUnmanaged {
                for c in rsc.thisWith where c.score >= Score.infinityValue { addThisWith(member, c) }
            } else if !member.managed {
                anyUnmanaged = true
            }
        }
        rsc.thisWith = []
        let last = rsc.children.last!
        for c in rsc.withThis { addWithThis(last, c) }
        rsc.withThis = []
    }

    private func assignPrimitive(_ rsc: Resource, prefer: Node?) -> Node? {
        if let parent = rsc.parent, !parent.allocating { assign(parent, prefer: prefer) }
        if !rsc.provisional { return rsc.allocatedTo }
        if rsc.allocating { return nil }
        rsc.allocating = true
        for c in rsc.thisWith { applyThisWith(rsc, c) }
        for c in rsc.withThis where c.hasInfluence {
            let factor = Double(c.score) / Double(Score.infinityValue)
            rsc.allowed = addColocatedNodeScores(c.dependent, rsc.allowed, attr: c.nodeAttribute, factor: factor, onlyPositive: false, active: true)
        }
        if rsc.nextRole == .stopped {
            rsc.addLocation(nil, -Score.infinityValue, nodes: nodes)
        } else if rsc.nextRole > rsc.role && !haveQuorum && noQuorumPolicy == .freeze {
            rsc.nextRole = rsc.role
        }
        logScores(rsc, function: "pcmk__primitive_assign")
        if stonithEnabled && !haveStonithResource { rsc.managed = false }
        if !rsc.managed {
            rsc.nextRole = rsc.role
            finalizeAssignment(rsc, rsc.currentNode, force: true)
        } else if stopEverything {
            finalizeAssignment(rsc, nil, force: true)
        } else if rsc.provisional {
            assignBestNode(rsc, prefer: prefer)
        }
        rsc.allocating = false
        if rsc.isRemoteNode { remoteConnectionAssigned(rsc) }
        return rsc.allocatedTo
    }

    /// Records allocation scores as `pe__show_node_weights()` prints them (nodes by name).
    func logScores(_ rsc: Resource, function: String) {
        if !recordScores || (rsc.orphan && rsc.runningOn.isEmpty) { return }
        for node in nodes {
            guard let w = rsc.allowed[node.index] else { continue }
            scoreLog.append("\(function): \(rsc.id) allocation score on \(node.uname): \(Score(w))")
        }
        for child in rsc.children { logScores(child, function: function) }
    }

    /// Mirrors `apply_this_with()`.
    private func applyThisWith(_ rsc: Resource, _ c: Colocation) {
        let archive: [Int?]? = (c.dependentRole >= .promoted || (c.score < 0 && c.score > -Score.infinityValue)) ? rsc.allowed : nil
        assign(c.primary, prefer: nil)
        applyColocScore(dependent: rsc, primary: c.primary, c)
        if let archive, !anyNodeAvailable(rsc.allowed) { rsc.allowed = archive }
    }

    /// The dependent side of `pcmk__primitive_apply_coloc_score()` / `colocate_with_group()`.
    func applyColocScore(dependent: Resource, primary: Resource, _ c: Colocation) {
        if primary.variant == .clone {
            applyColocWithClone(dependent: dependent, primary: primary, c)
            return
        }
        if primary.variant == .group {
            if primary.provisional { return }
            guard let member = c.score >= Score.infinityValue ? primary.children.last : primary.children.first else { return }
            applyColocScore(dependent: dependent, primary: member, c)
            return
        }
        if dependent.variant == .group {
            if let first = dependent.children.first { applyColocScore(dependent: first, primary: primary, c) }
            return
        }
        guard colocationAffectsLocation(dependent, primary, c) else { return }
        applyColocToWeights(dependent, primary, c)
    }

    /// Mirrors `pcmk__colocation_affects()` for location effects.
    private func colocationAffectsLocation(_ dep: Resource, _ primary: Resource, _ c: Colocation) -> Bool {
        if primary.provisional { return false }
        if !dep.provisional { return false }
        if c.score > 0 && c.dependentRole != .unknown && c.dependentRole != dep.nextRole { return false }
        if c.score > 0 && c.primaryRole != .unknown && c.primaryRole != primary.nextRole { return false }
        if c.score < 0 && c.dependentRole != .unknown && c.dependentRole == dep.nextRole { return false }
        if c.score < 0 && c.primaryRole != .unknown && c.primaryRole == primary.nextRole { return false }
        return true
    }

    private func attrValue(_ node: Node, _ attr: String) -> String? { node.attributes[attr] }

    /// Mirrors `pcmk__apply_coloc_to_weights()`.
    private func applyColocToWeights(_ dep: Resource, _ primary: Resource, _ c: Colocation) {
        let attr = c.nodeAttribute ?? "#id"
        var value: String?
        if let n = primary.allocatedTo { value = attrValue(n, attr) } else if c.score < 0 { return }
        var work = dep.allowed
        for node in nodes {
            guard let w = work[node.index] else { continue }
            if primary.allocatedTo == nil {
                work[node.index] = Score.add(-c.score, w)
            } else if attrValue(node, attr)?.lowercased() == value?.lowercased() && value != nil {
                if c.score < Score.infinityValue { work[node.index] = Score.add(c.score, w) }
            } else if c.score >= Score.infinityValue {
                work[node.index] = Score.add(-c.score, w)
            }
        }
        if c.score <= -Score.infinityValue || c.score >= Score.infinityValue || anyNodeAvailable(work) {
            dep.allowed = work
        }
    }

    func anyNodeAvailable(_ table: [Int?]) -> Bool {
        for node in nodes { if let w = table[node.index], w >= 0, node.available { return true } }
        return false
    }

    /// Mirrors `pcmk__add_colocated_node_scores()`.
    func addColocatedNodeScores(_ rsc: Resource, _ nodesIn: [Int?], attr: String?, factor: Double,
                                onlyPositive: Bool, active: Bool) -> [Int?] {
        if rsc.merging { return nodesIn }
        rsc.merging = true
        defer { rsc.merging = false }
        var work: [Int?]
        var source = rsc
        if rsc.variant == .group {
            guard let first = rsc.children.first else { return nodesIn }
            work = addColocatedNodeScores(first, nodesIn, attr: attr, factor: factor, onlyPositive: onlyPositive, active: active)
            source = first
            _ = source
            // group: further constraints via last member's with-this list
            if anyNodeAvailable(work), let last = rsc.children.last {
                let multiplier = factor < 0 ? -1.0 : 1.0
                for c in last.withThis where c.hasInfluence {
                    let f = multiplier * Double(c.score) / Double(Score.infinityValue)
                    work = addColocatedNodeScores(c.dependent, work, attr: c.nodeAttribute, factor: f, onlyPositive: onlyPositive, active: true)
                }
            }
            return work
        }
        work = nodesIn
        addNodeScoresMatchingAttr(&work, rsc, attr: attr, factor: factor, onlyPositive: onlyPositive)
        if anyNodeAvailable(work) {
            let multiplier = factor < 0 ? -1.0 : 1.0
            for c in rsc.withThis where c.hasInfluence {
                let f = multiplier * Double(c.score) / Double(Score.infinityValue)
                work = addColocatedNodeScores(c.dependent, work, attr: c.nodeAttribute, factor: f, onlyPositive: onlyPositive, active: true)
            }
        } else if active {
            return nodesIn
        }
        if onlyPositive {
            for i in work.indices where work[i] == infinityHack { work[i] = 1 }
        }
        return work
    }

    private var infinityHack: Int { Score.infinityValue * -100 }

    /// Mirrors `add_node_scores_matching_attr()`.
    func addNodeScoresMatchingAttr(_ work: inout [Int?], _ rsc: Resource, attr: String?, factor: Double, onlyPositive: Bool) {
        let attr = attr ?? "#uname"
        for node in nodes {
            guard let current = work[node.index] else { continue }
            // best_node_score_matching_attr()
            var best = -Score.infinityValue
            let value = attrValue(node, attr)
            for n in nodes {
                guard let w = rsc.allowed[n.index] else { continue }
                if w > best && n.available && attrValue(n, attr) == value { best = w }
            }
            if factor < 0 && best < 0 { continue }
            if current == infinityHack { continue }
            let wf = factor * Double(best)
            var weight = Int(wf < 0 ? wf - 0.5 : wf + 0.5)
            if weight == 0 && best != 0 { weight = factor > 0 ? 1 : (factor < 0 ? -1 : 0) }
            let newScore = Score.add(weight, current)
            if onlyPositive && newScore < 0 && current > 0 { work[node.index] = infinityHack; continue }
            if onlyPositive && newScore < 0 && current == 0 { continue }
            work[node.index] = newScore
        }
    }

    /// Nodes a resource may run on, best first (`pcmk__sort_nodes()` / `compare_nodes()`).
    func sortedAllowedNodes(_ rsc: Resource) -> [(node: Node, weight: Int)] {
        sortedAllowedNodes(rsc, active: rsc.currentNode)
    }

    func sortedAllowedNodes(_ rsc: Resource, active: Node?) -> [(node: Node, weight: Int)] {
        var list: [(node: Node, weight: Int)] = []
        for n in nodes { if let w = rsc.allowed[n.index] { list.append((n, w)) } }
        if usesUtilization {
            return mergeSorted(list) { compareNodes($0.node, $1.node, weightA: $0.weight, weightB: $1.weight, baseWeight: false, active: active) <= 0 }
        }
        list.sort { a, b in
            let wa = a.node.available ? a.weight : -Score.infinityValue
            let wb = b.node.available ? b.weight : -Score.infinityValue
            if wa != wb { return wa > wb }
            if a.node.numResources != b.node.numResources { return a.node.numResources < b.node.numResources }
            if let active {
                if active === a.node { return true }
                if active === b.node { return false }
            }
            return a.node.uname < b.node.uname
        }
        return list
    }

    /// Mirrors `assign_best_node()`.
    private func assignBestNode(_ rsc: Resource, prefer preferIn: Node?) {
        let prefer = preferIn ?? banInsufficientCapacity(rsc)
        let list = sortedAllowedNodes(rsc)
        guard let best = list.first else { finalizeAssignment(rsc, nil, force: false); return }
        var chosen: (node: Node, weight: Int)?
        if let prefer, let p = list.first(where: { $0.node === prefer }) {
            if p.weight >= best.weight && p.node.available && p.weight >= 0 { chosen = p }
        }
        if chosen == nil {
            chosen = best
            let uniqueInstance = rsc.isCloneInstance && rsc.parent!.unique
            if !uniqueInstance && best.weight > 0 && best.node.available, let running = rsc.currentNode, running.available {
                for item in list.dropFirst() {
                    if item.weight != best.weight { break }
                    if item.node === running { chosen = item }
                }
            }
        }
        finalizeAssignment(rsc, chosen?.node, force: false)
    }

    /// Mirrors `pcmk__finalize_assignment()`.
    func finalizeAssignment(_ rsc: Resource, _ chosenIn: Node?, force: Bool) {
        var chosen = chosenIn
        if !force, let c = chosen {
            let w = rsc.allowed[c.index] ?? -Score.infinityValue
            if w < 0 || !c.available {
                rsc.nextRole = .stopped
                chosen = nil
            }
        }
        if let old = rsc.allocatedTo { releaseCapacity(&old.utilization, rsc) }
        rsc.allocatedTo = nil
        rsc.provisional = false
        guard let node = chosen else {
            rsc.nextRole = .stopped
            for op in rsc.actions {
                if op.task == "stop" { op.flags.remove(.optional) }
                else if op.task == "start" { op.flags.remove(.runnable) }
            }
            return
        }
        rsc.allocatedTo = node
        node.numResources += 1
        consumeCapacity(node, rsc)
    }
}
