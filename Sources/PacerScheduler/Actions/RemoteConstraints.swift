// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Placement rules and implicit constraints of remote connections and containers:
/// connections and fence devices never run on remote nodes, a guest node's connection
/// runs with (and after) its guest resource, and a resource whose `container` is a
/// remote node runs on that node. Mirrors the container part of
/// `pcmk__primitive_internal_constraints()` and `rsc_avoids_remote_nodes()`
/// (pcmk_sched_primitive.c).
extension WorkingSet {
    /// Bans `rsc` from every allowed node that is a remote or guest node.
    func avoidRemoteNodes(_ rsc: Resource) {
        for node in nodes where node.remoteRsc != nil && rsc.allowed[node.index] != nil {
            rsc.allowed[node.index] = -Score.infinityValue
        }
    }

    /// The guest node connection whose guest resource is `rsc`
    /// (`pe__resource_contains_guest_node()`).
    func guestConnection(containedBy rsc: Resource) -> Resource? {
        nodes.first { $0.isGuest && $0.remoteRsc?.container === rsc }?.remoteRsc
    }

    /// The container constraints of a managed primitive.
    func containerConstraints(_ rsc: Resource) {
        if let container = rsc.container {
            var remote: Resource?
            if rsc.isRemoteNode {
                // A guest node's connection: guests do not nest in remote nodes.
                avoidRemoteNodes(container)
                // A container re-probe comes before recovering the connection.
                orderResourceActions(container, "monitor", rsc, "stop", [.optional])
            } else if container.isRemoteNode {
                remote = container
            } else {
                remote = guestConnection(containedBy: container)
            }
            if let remote {
                // container=NODE: run on that remote node only.
                for node in nodes where rsc.allowed[node.index] != nil && node.remoteRsc !== remote {
                    rsc.allowed[node.index] = -Score.infinityValue
                }
            } else {
                newOrdering(firstRsc: container, firstKey: opKey(container.id, "start"), firstAction: nil,
                            thenRsc: rsc, thenKey: opKey(rsc.id, "start"), thenAction: nil,
                            flags: [.impliesThen, .runnableLeft])
                newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "stop"), firstAction: nil,
                            thenRsc: container, thenKey: opKey(container.id, "stop"), thenAction: nil,
                            flags: [.impliesFirst])
                newColocation(id: "resource-with-container", dependent: rsc, primary: container,
                              score: Score.infinityValue, dependentRole: .unknown, primaryRole: .unknown,
                              nodeAttribute: nil, influence: true)
            }
        }
        if rsc.isRemoteNode || rsc.isFenceDevice { avoidRemoteNodes(rsc) }
    }
}
