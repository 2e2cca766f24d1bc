// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// One-shot probes where a resource's state is unknown. Mirrors
/// `pcmk__schedule_probes()` and `pcmk__probe_rsc_on_node()` (pcmk_sched_probes.c).
extension WorkingSet {
    func scheduleProbes() {
        for node in nodes where node.online && !node.unclean {
            for rsc in resources { probe(rsc, node) }
        }
    }

    private func probe(_ rsc: Resource, _ node: Node) {
        if rsc.variant == .clone { cloneProbe(rsc, node) { probe($0, node) }; return }
        if !rsc.children.isEmpty { rsc.children.forEach { probe($0, node) }; return }
        if rsc.orphan || rsc.knownOn.contains(node.index) { return }
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
}
