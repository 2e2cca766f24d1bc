// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// One-shot probes where a resource's state is unknown. Mirrors
/// `pcmk__schedule_probes()` and `pcmk__probe_rsc_on_node()` (pcmk_sched_probes.c).
extension WorkingSet {
    func scheduleProbes() {
        for node in nodes {
            if !node.online {
                if isFailedRemoteNode(node) { fenceNode(node, reason: "the connection is unrecoverable") }
                continue
            }
            if node.unclean || !node.rscDiscoveryEnabled { continue }
            for rsc in resources { probe(rsc, node) }
        }
    }

    private func probe(_ rsc: Resource, _ node: Node) {
        if node.isRemote {
            // Remote nodes run no fence devices, no connections, and no guests of their own.
            if rsc.resourceClass.lowercased() == "stonith" || rsc.isRemoteNode { return }
            if node.isGuest && containsGuestNode(rsc) { return }
        }
        if rsc.variant == .clone { cloneProbe(rsc, node) { probe($0, node) }; return }
        if !rsc.children.isEmpty { rsc.children.forEach { probe($0, node) }; return }
        if rsc.container != nil && !rsc.isRemoteNode { return }
        if rsc.orphan || rsc.knownOn.contains(node.index) { return }
        let allowed = rsc.allowed[node.index] != nil
        if rsc.exclusiveDiscover || rsc.top.exclusiveDiscover {
            // Only where an exclusive constraint names the node.
            if !allowed || rsc.discovery(on: node) != .exclusive { return }
        }
        if allowed && rsc.discovery(on: node) == .never { return }
        if node.isGuest, let guest = node.remoteRsc?.container {
            let top = rsc.top
            if guest.role == .stopped {
                // Nothing is active on a stopped guest: start after probing the guest.
                if let target = guest.allocatedTo, !guest.knownOn.contains(target.index) {
                    newOrdering(firstRsc: guest, firstKey: opKey(guest.id, "monitor"), firstAction: nil, thenRsc: top,
                                thenKey: opKey(top.id, "start"), thenAction: nil, flags: [.optional])
                }
                return
            }
            if guestWillStop(node, guest) {
                newOrdering(firstRsc: guest, firstKey: opKey(guest.id, "stop"), firstAction: nil, thenRsc: top,
                            thenKey: opKey(top.id, "start"), thenAction: nil, flags: [.optional])
                return
            }
        }
        let p = customAction(rsc, key: opKey(rsc.id, "monitor"), task: "monitor", node: node, optional: false)
        p.flags.remove(.optional)
        orderVsUnfence(rsc, node, p, .optional)
        p.expectedRC = 7
        var flags: OrderFlags = [.optional]
        if !p.runnable && rsc.runningOn.isEmpty { flags.insert(.runnableLeft) }
        // A cloned resource's probe comes before the clone's start (a fence device's,
        // with unfencing, before its own).
        let then = rsc.top.variant == .clone && !(rsc.isFenceDevice && enableUnfencing) ? rsc.top : rsc
        newOrdering(firstRsc: rsc, firstKey: nil, firstAction: p, thenRsc: then,
                    thenKey: opKey(then.id, "start"), thenAction: nil, flags: flags)
    }

    /// Whether `rsc` is (or contains) the guest resource of some guest node
    /// (`pe__resource_contains_guest_node()`).
    private func containsGuestNode(_ rsc: Resource) -> Bool {
        nodes.contains { n in
            guard n.isGuest, let guest = n.remoteRsc?.container else { return false }
            var r: Resource? = guest
            while let x = r { if x === rsc { return true }; r = x.parent }
            return false
        }
    }

    /// An approximation of the guest resource having to stop (`guest_resource_will_stop()`).
    private func guestWillStop(_ node: Node, _ guest: Resource) -> Bool {
        if node.remoteRequiresReset || node.unclean || guest.failed || guest.nextRole == .stopped { return true }
        if guest.role > .stopped, let target = guest.allocatedTo, !guest.runningOn.contains(where: { $0 === target }) {
            return true   // moving
        }
        return false
    }
}
