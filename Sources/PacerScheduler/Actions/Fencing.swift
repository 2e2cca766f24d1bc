// SPDX-License-Identifier: GPL-2.0-or-later
/// Fencing decisions: which nodes are fenced, and how resource actions are ordered
/// against (or implied by) the fencing. Mirrors lib/pacemaker/pcmk_sched_fencing.c,
/// `schedule_fencing_and_shutdowns()` (pcmk_sched_allocate.c), and `pe_fence_op()`,
/// `pe_fence_node()`, `pe_can_fence()` (lib/pengine).
extension WorkingSet {
    /// Whether fencing `node` is possible now. Mirrors `pe_can_fence()` (cluster nodes).
    func canFence(_ node: Node?) -> Bool {
        if let node, node.isGuest, let container = node.remoteRsc?.container {
            // Fenced by stopping its guest resource: possible where that runs.
            return container.runningOn.allSatisfy { $0.online || canFence($0) }
        }
        if !stonithEnabled || !haveStonithResource { return false }
        if haveQuorum || noQuorumPolicy == .ignore { return true }
        // Without quorum, only nodes in our own membership.
        return node?.online ?? false
    }

    /// The fencing action for `node` (`stonith-NODE-OP`), created on first use and made
    /// required when `optional` is false and the node can be fenced. Mirrors `pe_fence_op()`.
    @discardableResult
    func fenceOp(_ node: Node, op: String? = nil, optional: Bool, reason: String?) -> Action {
        let op = op ?? stonithAction
        let action = customAction(nil, key: "stonith-\(node.uname)-\(op)", task: "stonith", node: node, optional: true)
        if !optional && canFence(node) {
            action.flags.remove(.optional)
            action.setReason(reason, overwrite: false)
        } else if let reason, action.reason == nil {
            action.reason = reason
        }
        return action
    }

    /// Marks `node` unclean and creates its (optional) fencing action with the first
    /// reason found. Mirrors `pe_fence_node()` for cluster nodes.
    func fenceNode(_ node: Node, reason: String) {
        if node.isGuest {
            // A guest node is fenced by recovering its guest resource; it stays clean
            // so it may run resources again once that succeeds.
            guard let container = node.remoteRsc?.container, !container.failed, container.managed else { return }
            node.remoteRequiresReset = true
            container.failed = true
            container.stopFlag = true
            return
        }
        if node.isRemote {
            if let rsc = node.remoteRsc, !rsc.managed {
                // Not fenced: the connection is unmanaged.
            } else if !node.remoteRequiresReset {
                node.remoteRequiresReset = true
            }
            node.unclean = true
            fenceOp(node, optional: true, reason: reason)
            return
        }
        if node.unclean { return }
        node.unclean = true
        fenceOp(node, optional: true, reason: reason)
    }

    /// Fences the unclean nodes that can be fenced and shuts down the nodes leaving,
    /// the DC last. Mirrors `schedule_fencing_and_shutdowns()`.
    func scheduleFencingAndShutdowns() {
        let haveManaged = resources.contains(where: isManaged)
        var dcDown: Action?
        var fencingOps: [Action] = []    // newest first, as the g_list_prepend()ed list
        var shutdownOps: [Action] = []
        for node in nodes {
            if node.isGuest {
                // Guest nodes are "fenced" by recovering their guest resource.
                if node.remoteRequiresReset && haveManaged && canFence(node) { fenceGuest(node) }
                continue
            }
            if haveManaged && node.unclean && canFence(node) {
                let fencing = fenceOp(node, optional: false, reason: "node is unclean")
                orderVsFence(fencing)
                if node.isDC {
                    dcDown = fencing
                } else {
                    // Without concurrent fencing, non-DC fencing runs one at a time.
                    if !concurrentFencing, let previous = fencingOps.first { orderActions(previous, fencing, .optional) }
                    fencingOps.insert(fencing, at: 0)
                }
            } else if node.online && node.shutdown && !node.isRemote {
                let down = newShutdownAction(node)
                if node.isDC { dcDown = down } else { shutdownOps.insert(down, at: 0) }
            }
        }
        guard let dcDown else { return }
        // Non-DC shutdowns before the DC's (fewer elections); never before a DC fencing,
        // which could loop through a clone stop ordered before the shutdowns.
        if dcDown.task == "do_shutdown" {
            for down in shutdownOps { orderActions(down, dcDown, .optional) }
        }
        if concurrentFencing {
            for fencing in fencingOps { orderActions(fencing, dcDown, .optional) }
        } else if let last = fencingOps.first {
            orderActions(last, dcDown, .optional)
        }
    }

    /// A pseudo fencing of a guest node, after its guest resource stops (or its host's
    /// fencing implies that), ordered against resources like real fencing.
    /// Mirrors `pcmk__fence_guest()`.
    private func fenceGuest(_ node: Node) {
        guard let connection = node.remoteRsc else { return }
        let container = connection.container
        // find_first_action() on lists kept newest first.
        var stop = container?.actions.last { $0.task == "stop" }
        let restarts = container?.actions.contains { $0.task == "start" } ?? false
        let fencing = fenceOp(node, op: restarts ? "reboot" : "off", optional: false, reason: "guest is unclean")
        fencing.flags.formUnion([.pseudo, .runnable])
        if let s = stop, s.pseudo, let host = s.node {
            let hostFencing = fenceOp(host, optional: true, reason: nil)
            orderActions(hostFencing, fencing, [.runnableLeft, .impliesThen])
        } else if let s = stop {
            orderActions(s, fencing, [.runnableLeft, .impliesThen])
        } else {
            stop = connection.actions.last { $0.task == "stop" }
            if let s = stop { orderActions(s, fencing, .optional) }
        }
        orderVsFence(fencing)
    }

    /// Mirrors `is_managed()` (pcmk_sched_allocate.c).
    private func isManaged(_ rsc: Resource) -> Bool {
        rsc.managed || rsc.children.contains(where: isManaged)
    }

    /// The shutdown action of `node`, after every stop there.
    /// Mirrors `pcmk__new_shutdown_action()`.
    private func newShutdownAction(_ node: Node) -> Action {
        let shutdown = customAction(nil, key: "do_shutdown-\(node.uname)", task: "do_shutdown", node: node, optional: false)
        shutdown.flags.insert(.runnable)
        for a in actions where a.task == "stop" && a.node === node {
            guard let rsc = a.rsc else { continue }
            if rsc.maintenance || node.maintenance { continue }
            if !rsc.managed && !rsc.block { continue }
            a.flags.remove(.optional)
            newOrdering(firstRsc: rsc, firstKey: nil, firstAction: a, thenRsc: nil, thenKey: nil,
                        thenAction: shutdown, flags: [.optional, .runnableLeft])
        }
        return shutdown
    }

    /// Orders starts after the fencing and turns stops and demotes on the fenced node
    /// into pseudo actions implied by it. Mirrors `pcmk__order_vs_fence()`.
    func orderVsFence(_ stonith: Action) {
        for rsc in resources { stonithOrdering(rsc, stonith) }
    }

    private func stonithOrdering(_ rsc: Resource, _ stonith: Action) {
        if !rsc.children.isEmpty {
            for child in rsc.children { stonithOrdering(child, stonith) }
        } else if rsc.managed {
            orderStartVsFencing(rsc, stonith)
            orderStopVsFencing(rsc, stonith)
        }
    }

    /// Mirrors `rsc_is_known_on()`: the resource, or the anonymous clone it is an
    /// instance of, has history on `node`.
    private func isKnown(_ rsc: Resource, on node: Node) -> Bool {
        if rsc.knownOn.contains(node.index) { return true }
        guard rsc.variant == .primitive, let parent = rsc.parent, parent.variant == .clone, !parent.unique else { return false }
        func known(_ r: Resource) -> Bool { r.knownOn.contains(node.index) || r.children.contains(where: known) }
        return parent.children.contains(where: known)
    }

    /// Mirrors `order_start_vs_fencing()`.
    private func orderStartVsFencing(_ rsc: Resource, _ stonith: Action) {
        guard let target = stonith.node else { return }
        for action in rsc.actions {
            switch action.needs {
            case .nothing:
                break
            case .fencing:
                orderActions(stonith, action, .optional)
            case .quorum:
                // Where its state is unknown, the resource may be active on the node
                // being fenced: start it only after the fencing.
                if action.task == "start" && rsc.allowed[target.index] != nil && !isKnown(rsc, on: target) {
                    orderActions(stonith, action, [.optional, .runnableLeft])
                }
            }
        }
    }

    /// Mirrors `order_stop_vs_fencing()`.
    private func orderStopVsFencing(_ rsc: Resource, _ stonith: Action) {
        guard let target = stonith.node else { return }
        let stops = resourceActions(rsc, node: target, task: "stop")
        // Stops on a guest node are implied by its guest resource stopping: always after it.
        let orderImplicit = rsc.needsFencing || target.isGuest
        var parentStop: Action?
        if !stops.isEmpty && orderImplicit {
            parentStop = rsc.top.actions.first { $0.task == "stop" }
        }
        for stop in stops {
            // The stop would never complete: the fencing implies it.
            stop.flags.formUnion([.pseudo, .runnable])
            if orderImplicit {
                orderActions(stonith, stop, .preserve)
                if let parentStop { orderActions(stonith, parentStop, .preserve) }
            }
            orderNotificationsAfterFencing(stop, rsc, stonith)
        }
        for demote in resourceActions(rsc, node: target, task: "demote") {
            guard let node = demote.node, !node.online || node.unclean || rsc.failed else { continue }
            demote.flags.formUnion([.pseudo, .runnable])
            if orderImplicit { orderActions(stonith, demote, [.preserve, .optional]) }
        }
    }
}

// MARK: unfencing

extension WorkingSet {
    /// Mirrors `pcmk__node_unfenced()`: `#node-unfenced` is set and not 0.
    func nodeUnfenced(_ node: Node) -> Bool {
        guard let value = node.attributes["#node-unfenced"] else { return false }
        return value != "0"
    }

    /// Requires unfencing `node` when it is up and clean, or, for a fence device whose
    /// definition changed, every such node the device may run on. Mirrors `trigger_unfencing()`.
    func triggerUnfencing(_ node: Node?, device: Resource? = nil, reason: String) {
        guard enableUnfencing else { return }
        if let device, !device.isFenceDevice { return }
        if let node, node.online, !node.unclean, !node.shutdown {
            fenceOp(node, op: "on", optional: false, reason: reason)
        } else if let device {
            for n in nodes where device.allowed[n.index] != nil && n.online && !n.unclean && !n.shutdown {
                triggerUnfencing(n, device: device, reason: reason)
            }
        }
    }

    /// Orders `action` (a probe or start) after unfencing `node`, which becomes required
    /// if the node has never been unfenced. Mirrors `pcmk__order_vs_unfence()`.
    func orderVsUnfence(_ rsc: Resource, _ node: Node, _ action: Action, _ flags: OrderFlags) {
        guard (rsc.isFenceDevice && enableUnfencing) || rsc.needsUnfencing else { return }
        let unfence = fenceOp(node, op: "on", optional: true, reason: nil)
        orderActions(unfence, action, flags)
        if !nodeUnfenced(node) { triggerUnfencing(node, reason: "required by \(rsc.id) \(action.task)") }
    }

    /// Stops before and starts after unfencing each allowed node, on that node.
    /// Mirrors `pcmk__order_restart_vs_unfence()`.
    func orderRestartVsUnfence(_ rsc: Resource) {
        guard !rsc.isFenceDevice, enableUnfencing, rsc.needsUnfencing else { return }
        for node in nodes.filter({ rsc.allowed[$0.index] != nil }).sorted(by: { $0.uname < $1.uname }) {
            let unfence = fenceOp(node, op: "on", optional: true, reason: nil)
            newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "stop"), firstAction: nil, thenRsc: nil, thenKey: nil,
                        thenAction: unfence, flags: [.optional, .sameNode])
            newOrdering(firstRsc: nil, firstKey: nil, firstAction: unfence, thenRsc: rsc, thenKey: opKey(rsc.id, "start"),
                        thenAction: nil, flags: [.impliesThenOnNode, .sameNode])
        }
    }
}
