// SPDX-License-Identifier: GPL-2.0-or-later
/// Actions on remote and guest nodes run across the node's connection: they are
/// ordered after the connection starts and before it stops, and a node whose
/// connection cannot be recovered is fenced. Mirrors
/// `pcmk__order_remote_connection_actions()`, `get_remote_node_state()`,
/// `apply_remote_ordering()` and `apply_container_ordering()` (pcmk_sched_remote.c).
extension WorkingSet {
    /// The state of a remote node's connection for this transition.
    enum RemoteConnectionState { case unknown, alive, resting, failed, stopped }

    func remoteNodeState(_ node: Node) -> RemoteConnectionState {
        guard let remote = node.remoteRsc else { return .unknown }
        let clusterNode = remote.currentNode
        if remote.nextRole == .stopped || remote.allocatedTo == nil {
            // The connection is not going to run anywhere.
            if let c = clusterNode, c.unclean { return .failed }
            if !remote.failed { return .stopped }
            if remote.nextRole == .stopped && remote.remoteReconnectMs > 0 && node.remoteWasFenced
                && !shutdownRequested(node) {
                return .unknown   // known only once the reconnect interval expires
            }
            return .failed
        }
        guard let c = clusterNode else { return .unknown }
        if c.unclean || !c.online { return .resting }
        // Mid-migration: wait until the migration completes.
        if remote.runningOn.count > 1 && remote.partialMigrationSource != nil && remote.partialMigrationTarget != nil {
            return .resting
        }
        return .alive
    }

    /// `pe__shutdown_requested()`: the node's `shutdown` attribute is set and not 0.
    func shutdownRequested(_ node: Node) -> Bool {
        guard let s = node.attributes["shutdown"], !s.isEmpty else { return false }
        return s != "0"
    }

    /// Whether `node` is a remote node whose connection is lost for good
    /// (`pcmk__is_failed_remote_node()`).
    func isFailedRemoteNode(_ node: Node) -> Bool {
        node.kind == .remote && node.remoteRsc != nil && remoteNodeState(node) == .failed
    }

    func orderRemoteConnectionActions() {
        guard haveRemoteNodes else { return }
        // data_set->actions lists the newest first.
        for action in actions.reversed() {
            guard let rsc = action.rsc else { continue }
            // A connection's fail count is cleared before it starts again.
            if rsc.isRemoteNode && action.task == "clear_failcount" {
                newOrdering(firstRsc: rsc, firstKey: nil, firstAction: action, thenRsc: rsc,
                            thenKey: opKey(rsc.id, "start"), thenAction: nil, flags: [.optional])
                continue
            }
            guard let node = action.node, node.isRemote, !action.pseudo, let remote = node.remoteRsc else { continue }
            // A resource moving to a remote node stays where it is until the connection is up.
            if action.task == "start" {
                for other in rsc.actions where other.node !== node && other.task == "stop" {
                    newOrdering(firstRsc: remote, firstKey: opKey(remote.id, "start"), firstAction: nil,
                                thenRsc: rsc, thenKey: nil, thenAction: other, flags: [.optional])
                }
            }
            if remote.container != nil {
                applyContainerOrdering(action, node, remote)
            } else {
                applyRemoteOrdering(action, node, remote)
            }
        }
    }

    private func startThen(_ first: Resource, _ then: Action, _ extra: OrderFlags) {
        newOrdering(firstRsc: first, firstKey: opKey(first.id, "start"), firstAction: nil,
                    thenRsc: then.rsc, thenKey: nil, thenAction: then, flags: OrderFlags([.preserve, .runnableLeft]).union(extra))
    }

    private func thenStop(_ first: Action, _ then: Resource, _ extra: OrderFlags) {
        newOrdering(firstRsc: first.rsc, firstKey: nil, firstAction: first,
                    thenRsc: then, thenKey: opKey(then.id, "stop"), thenAction: nil, flags: OrderFlags.preserve.union(extra))
    }

    /// The task an action counts as for connection ordering (`text2task()`; migrations as stops).
    private func remoteTask(_ action: Action) -> String {
        action.task == "migrate_to" || action.task == "migrate_from" ? "stop" : action.task
    }

    private func applyRemoteOrdering(_ action: Action, _ node: Node, _ remote: Resource) {
        let state = remoteNodeState(node)
        switch remoteTask(action) {
        case "start", "promote":
            // A failed connection forces recovery.
            startThen(remote, action, state == .failed ? [.impliesThen] : [])
        case "stop":
            if state == .alive {
                thenStop(action, remote, [.impliesFirst])
            } else if state == .failed {
                // Only fencing the node can stop the resource: the stop is implied by it.
                fenceNode(node, reason: "resources are active but connection is unrecoverable")
            } else if remote.nextRole == .stopped {
                thenStop(action, remote, [.impliesFirst])
            } else {
                startThen(remote, action, [])
            }
        case "demote":
            if state == .resting || state == .unknown { startThen(remote, action, []) }
        default:
            if action.intervalMs > 0 {
                startThen(remote, action, [.impliesThen])
            } else {
                if action.task == "monitor" && state == .failed {
                    fenceNode(node, reason: "resources are in unknown state and connection is unrecoverable")
                }
                if remote.currentNode != nil && state == .stopped {
                    // Check resources are stopped before the connection closes for good.
                    thenStop(action, remote, [.runnableLeft])
                } else {
                    startThen(remote, action, [])
                }
            }
        }
    }

    private func applyContainerOrdering(_ action: Action, _ node: Node, _ remote: Resource) {
        guard let container = remote.container else { return }
        if container.failed { fenceNode(node, reason: "container failed") }
        switch remoteTask(action) {
        case "start", "promote":
            startThen(container, action, [.impliesThen])
            startThen(remote, action, [])
        case "stop", "demote":
            // With a failed guest resource, its stop implies these.
            if !container.failed { thenStop(action, remote, []) }
        default:
            if action.intervalMs > 0 {
                startThen(remote, action, [.impliesThen])
            } else {
                startThen(remote, action, [])
            }
        }
    }
}
