// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Promotable clones: promotion scores and the choice of promoted instances.
/// Mirrors `pcmk__add_promotion_scores()`, `promotion_score()`,
/// `pcmk__set_instance_roles()` and `sort_promotable_instances()`
/// (pcmk_sched_promotable.c). Colocations with roles are not applied yet.
extension WorkingSet {
    private func allowedNonNegative(_ rsc: Resource, _ node: Node) -> Bool {
        if let w = rsc.allowed[node.index], w >= 0 { return true }
        return false
    }

    /// The instance of `clone` whose member `base` is active on `node`.
    private func activeAnonymousInstance(_ clone: Resource, _ base: String, _ node: Node) -> Resource? {
        for child in clone.children {
            if let m = instanceMember(child, base: base), m.runningOn.contains(where: { $0 === node }) { return m }
        }
        return nil
    }

    private func anonymousKnownOn(_ clone: Resource, _ base: String, _ node: Node) -> Bool {
        clone.children.contains { child in instanceMember(child, base: base)?.knownOn.contains(node.index) ?? false }
    }

    /// Mirrors `promotion_score_applies()`.
    private func promotionScoreApplies(_ rsc: Resource, _ node: Node) -> Bool {
        let base = cloneStrip(rsc.id)
        let parent = rsc.top
        if !rsc.unique {
            let active = activeAnonymousInstance(parent, base, node)
            if active === rsc { return allowedNonNegative(rsc, node) }
            if active == nil && anonymousKnownOn(parent, base, node) { return allowedNonNegative(rsc, node) }
        }
        if rsc.runningOn.isEmpty && rsc.knownOn.isEmpty { return allowedNonNegative(rsc, node) }
        if rsc.knownOn.contains(node.index) || rsc.runningOn.contains(where: { $0 === node }) {
            return allowedNonNegative(rsc, node)
        }
        return false
    }

    /// Mirrors `promotion_score()`: the `master-NAME` node attribute; nil when unset.
    func promotionScore(_ rsc: Resource, _ node: Node) -> Int? {
        if !rsc.children.isEmpty {
            var total = 0, any = false
            for c in rsc.children { if let s = promotionScore(c, node) { total += s; any = true } }
            return any ? total : nil
        }
        if !promotionScoreApplies(rsc, node) { return nil }
        let name = rsc.cloneName ?? rsc.id
        var value = node.attributes["master-\(name)"]
        if value == nil && !rsc.unique {
            let base = cloneStrip(rsc.id)
            if base != rsc.id { value = node.attributes["master-\(base)"] }
        }
        guard let value else { return nil }
        return Score(parsing: value).value
    }

    /// Mirrors `pcmk__add_promotion_scores()`.
    func addPromotionScores(_ clone: Resource) {
        for child in clone.children {
            for node in nodes where child.allowed[node.index] != nil && node.available {
                let score = promotionScore(child, node) ?? 0
                if score > 0 { child.allowed[node.index] = Score.add(child.allowed[node.index]!, score) }
                if score > child.priority { child.priority = score }
            }
        }
    }

    /// The role a resource is in now (`current`) or will be in.
    func roleState(_ rsc: Resource, current: Bool) -> Role {
        if rsc.children.isEmpty { return current ? rsc.role : rsc.nextRole }
        return rsc.children.map { roleState($0, current: current) }.max() ?? .unknown
    }

    private func setCurrentUnpromoted(_ rsc: Resource) {
        if rsc.role == .started { rsc.role = .unpromoted }
        rsc.children.forEach(setCurrentUnpromoted)
    }

    private func setNextUnpromoted(_ rsc: Resource) {
        rsc.nextRole = assignedNode(rsc) == nil ? .stopped : .unpromoted
        rsc.children.forEach(setNextUnpromoted)
    }

    private func setNextPromoted(_ rsc: Resource) {
        if rsc.nextRole == .unknown { rsc.nextRole = .promoted }
        rsc.children.forEach(setNextPromoted)
    }

    /// Mirrors `pcmk__update_dependent_with_promotable()`: a dependent placed with
    /// the instances in a given role.
    func updateDependentWithPromotable(_ primary: Resource, _ dependent: Resource, _ c: Colocation) {
        var affected: [(Node, Int)] = []
        for instance in primary.children {
            guard let node = assignedNode(instance) else { continue }
            if roleState(instance, current: false) == c.primaryRole {
                if c.score < Score.infinityValue {
                    let attr = c.nodeAttribute ?? "#uname"
                    let value = node.attributes[attr]
                    for n in nodes where dependent.allowed[n.index] != nil && n.attributes[attr]?.lowercased() == value?.lowercased() {
                        dependent.allowed[n.index] = Score.add(dependent.allowed[n.index]!, c.score)
                    }
                }
                affected.append((node, instance.allowed[node.index] ?? 0))
            }
        }
        if c.score >= Score.infinityValue && (c.dependentRole != .promoted || c.primaryRole != .promoted) {
            // node_list_exclude(..., TRUE)
            for n in nodes {
                let listed = affected.first { $0.0 === n }
                if let w = dependent.allowed[n.index] {
                    dependent.allowed[n.index] = listed.map { Score.add(w, $0.1) } ?? -Score.infinityValue
                } else if listed != nil {
                    dependent.allowed[n.index] = -Score.infinityValue
                }
            }
        }
    }

    /// Mirrors `pcmk__update_promotable_dependent_priority()`.
    func updatePromotableDependentPriority(_ primary: Resource, _ dependent: Resource, _ c: Colocation) {
        if compatibleInstance(dependent, primary, current: false, role: c.primaryRole) != nil {
            dependent.priority = Score.add(dependent.priority, c.score)
        } else if c.score >= Score.infinityValue {
            dependent.priority = -Score.infinityValue
        }
    }

    /// Mirrors `pcmk__apply_coloc_to_priority()`.
    private func applyColocToPriority(_ dependent: Resource, _ primary: Resource, _ c: Colocation) {
        guard let pn = primary.allocatedTo, let dn = dependent.allocatedTo else { return }
        let attr = c.nodeAttribute ?? "#id"
        if dn.attributes[attr]?.lowercased() != pn.attributes[attr]?.lowercased() {
            if c.score == Score.infinityValue && c.dependentRole == .promoted { dependent.priority = -Score.infinityValue }
            return
        }
        if c.primaryRole != .unknown && c.primaryRole != primary.nextRole { return }
        let multiplier = c.dependentRole == .unpromoted ? -1 : 1
        dependent.priority = Score.add(multiplier * c.score, dependent.priority)
    }

    /// A role colocation of an assigned instance, applied to its promotion priority.
    private func applyRoleColocation(_ instance: Resource, _ primary: Resource, _ c: Colocation) {
        switch primary.variant {
        case .primitive:
            if primary.provisional { return }
            if c.dependentRole >= .unpromoted && !instance.provisional { applyColocToPriority(instance, primary, c) }
        case .group:
            if primary.provisional { return }
            if let member = c.score >= Score.infinityValue ? primary.children.last : primary.children.first {
                applyRoleColocation(instance, member, c)
            }
        case .clone:
            if primary.clone!.promotable && !primary.provisional && c.primaryRole != .unknown && c.dependentRole == .promoted {
                updatePromotableDependentPriority(primary, instance, c)
            }
        }
    }

    /// Mirrors `set_instance_priority()`.
    private func setInstancePriority(_ instance: Resource, _ clone: Resource) {
        if roleState(instance, current: true) == .started { setCurrentUnpromoted(instance) }
        guard let chosen = assignedNode(instance) else { return }
        let next = roleState(instance, current: false)
        switch next {
        case .started, .unknown:
            instance.priority = promotionScore(instance, chosen) ?? -1
        case .unpromoted, .stopped:
            instance.priority = -Score.infinityValue
        case .promoted:
            break
        }
        for (index, score) in clone.clone!.promotedLocations where index == chosen.index {
            instance.priority = Score.add(instance.priority, score)
        }
        for c in instance.thisWith where c.dependentRole >= .unpromoted {
            applyRoleColocation(instance.variant == .group ? (instance.children.first ?? instance) : instance, c.primary, c)
        }
        instance.sortIndex = next == .promoted ? Score.infinityValue : instance.priority
    }

    /// Mirrors `node_to_be_promoted_on()`.
    private func nodeToBePromotedOn(_ rsc: Resource) -> Node? {
        for child in rsc.children where nodeToBePromotedOn(child) == nil { return nil }
        let parent = rsc.top
        guard let node = assignedNode(rsc) else { return nil }
        if !rsc.managed {
            if roleState(rsc, current: true) != .promoted { return nil }
        } else if rsc.priority < 0 {
            return nil
        } else if !node.available {
            return nil
        }
        guard parent.allowed[node.index] != nil else { return nil }
        if parent.instanceCount[node.index] >= parent.clone!.promotedNodeMax && rsc.managed { return nil }
        return node
    }

    /// Mirrors `pcmk__set_instance_roles()`.
    func setInstanceRoles(_ clone: Resource) {
        clone.instanceCount = Array(repeating: 0, count: nodes.count)
        for child in clone.children { setInstancePriority(child, clone) }
        // sort_promotable_instances(): each instance's sort index joins its node's score.
        var weights = clone.allowed
        for child in clone.children where child.sortIndex >= 0 {
            if let n = assignedNode(child), let w = weights[n.index] { weights[n.index] = Score.add(child.sortIndex, w) }
        }
        clone.merging = true
        for c in clone.thisWith where c.dependentRole == .promoted {
            weights = addColocatedNodeScores(c.primary, weights, attr: c.nodeAttribute,
                                             factor: Double(c.score) / Double(Score.infinityValue),
                                             onlyPositive: false, active: c.score < Score.infinityValue)
        }
        for c in clone.withThis where c.primaryRole == .promoted && c.hasInfluence {
            weights = addColocatedNodeScores(c.dependent, weights, attr: c.nodeAttribute,
                                             factor: Double(c.score) / Double(Score.infinityValue),
                                             onlyPositive: true, active: true)
        }
        clone.merging = false
        // pcmk__require_promotion_tickets(): no promotion without the ticket.
        for id in clone.clone!.promotionTickets {
            let t = tickets[id] ?? Ticket()
            if !t.granted || t.standby {
                for n in nodes { weights[n.index] = Score.add(weights[n.index] ?? n.baseWeight, -Score.infinityValue) }
                for child in clone.children { for n in nodes { addLocationRecursive(child, n, -Score.infinityValue) } }
            }
        }
        for child in clone.children {
            if !child.managed && roleState(child, current: false) == .promoted {
                child.sortIndex = Score.infinityValue
            } else if let n = assignedNode(child), child.sortIndex >= 0, let w = weights[n.index] {
                child.sortIndex = w
            }
        }
        clone.allowed = weights
        clone.children = stableSorted(clone.children) { a, b in
            if a.sortIndex != b.sortIndex { return a.sortIndex > b.sortIndex }
            let ra = roleState(a, current: true), rb = roleState(b, current: true)
            if ra != rb { return ra > rb }
            return compareInstances(a, b) < 0
        }
        var promoted = 0
        for child in clone.children {
            var chosen: Node?
            if child.sortIndex >= 0 && (promoted < clone.clone!.promotedMax || !clone.managed) {
                chosen = nodeToBePromotedOn(child)
            }
            guard let node = chosen else { setNextUnpromoted(child); continue }
            if roleState(child, current: true) < .promoted && !haveQuorum && noQuorumPolicy == .freeze {
                setNextUnpromoted(child); continue
            }
            clone.instanceCount[node.index] += 1
            setNextPromoted(child)
            promoted += 1
        }
    }
}
