// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Stickiness and migration thresholds. Mirrors `apply_node_criteria()`,
/// `apply_stickiness()` and `check_failure_threshold()` (pcmk_sched_allocate.c).
extension WorkingSet {
    func applyNodeCriteria() {
        for rsc in resources { applyStickiness(rsc) }
        for node in nodes {
            for rsc in resources {
                checkFailureThreshold(rsc, node)
                applyExclusiveDiscovery(rsc, node)
            }
        }
    }

    /// `resource_location()` for one node: the resource and all its descendants.
    func addLocationRecursive(_ rsc: Resource, _ node: Node, _ score: Int) {
        for c in rsc.children { addLocationRecursive(c, node, score) }
        rsc.addLocation(node, score, nodes: nodes)
    }

    /// With exclusive discovery, a resource runs only where a constraint marks the node
    /// for it. Mirrors `apply_exclusive_discovery()`.
    private func applyExclusiveDiscovery(_ rsc: Resource, _ node: Node) {
        guard rsc.exclusiveDiscover || rsc.top.exclusiveDiscover else { return }
        for child in rsc.children { applyExclusiveDiscovery(child, node) }
        if rsc.allowed[node.index] != nil && rsc.discovery(on: node) != .exclusive {
            rsc.allowed[node.index] = -Score.infinityValue
        }
    }

    private func applyStickiness(_ rsc: Resource) {
        if !rsc.children.isEmpty { rsc.children.forEach(applyStickiness); return }
        guard rsc.managed, rsc.stickiness >= 1, rsc.runningOn.count == 1, let node = rsc.runningOn.first else { return }
        if !symmetric && rsc.allowed[node.index] == nil { return }
        rsc.addLocation(node, rsc.stickiness, nodes: nodes)
    }

    private func checkFailureThreshold(_ rsc: Resource, _ node: Node) {
        if !rsc.children.isEmpty { rsc.children.forEach { checkFailureThreshold($0, node) }; return }
        if hasClearFailcount(rsc, node) { return }
        if thresholdReached(rsc, node) {
            // A failed anonymous clone instance bans the whole clone from the node.
            let target = rsc.unique ? rsc : rsc.top
            addLocationRecursive(target, node, -Score.infinityValue)
        }
    }
}
