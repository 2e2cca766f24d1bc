// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
/// The actions that make it into the transition graph, in an order crm_simulate
/// could execute them. Mirrors `pcmk__create_graph()` (pcmk_graph_producer.c)
/// for which actions are included.
extension WorkingSet {
    /// Mirrors `should_add_action_to_graph()` (pcmk_graph_producer.c).
    func belongsInGraph(_ a: Action) -> Bool {
        if !a.runnable { return false }
        if a.optional && !a.flags.contains(.printAlways) { return false }
        guard let rsc = a.rsc else { return true }
        if !rsc.managed && a.task != "monitor" && a.task != "cancel" && a.task != "delete" { return false }
        if a.pseudo { return true }
        guard let node = a.node else { return false }
        return node.online || a.dcAction
    }

    /// Mirrors the migration-related parts of `should_add_input_to_graph()`.
    func isGraphInput(_ e: ActionEdge, of action: Action) -> Bool {
        if e.type.isEmpty { return false }
        let input = e.action
        if e.type.contains(.impliesFirstMigratable) && !input.runnable { return false }
        if e.type.contains(.applyFirstNonMigratable) && input.flags.contains(.migrateRunnable) { return false }
        if e.type == .optional && input.flags.contains(.migrateRunnable) && input.key.endsWithBytes("_stop_0") { return false }
        if e.type == .load {
            // Load orderings only hold between actions on one node (for migrate_to:
            // the node it migrates to), and only while the load_stopped is required.
            let target = action.task == "migrate_to" ? action.rsc?.allocatedTo : action.node
            guard let inputNode = input.node, let target, inputNode === target else { return false }
            return !input.optional
        }
        return true
    }

    /// Graph actions in the order crm_simulate executes them: synapses in the order
    /// `pcmk__create_graph()` adds them (resources in order, a group's own actions
    /// before its members', newest action first), fired pass after pass as their
    /// inputs complete, as `pcmk__execute_graph()` does with instant results.
    func graphActions(resolveOperations: Bool = true) -> [TransitionAction] {
        // Action ids are positions in `actions`: flags and positions by id are plain arrays.
        var synapses: [Action] = []
        var added = [Bool](repeating: false, count: actions.count)
        func add(_ rsc: Resource) {
            // clone_expand() adds the instances before the clone's own actions.
            if rsc.variant == .clone { for child in rsc.children { add(child) } }
            for a in rsc.actions.reversed() where !added[a.id] && belongsInGraph(a) {
                added[a.id] = true; synapses.append(a)
            }
            if rsc.variant != .clone { for child in rsc.children { add(child) } }
        }
        for rsc in resources { add(rsc) }
        for a in actions.reversed() where a.rsc == nil && !added[a.id] && belongsInGraph(a) {
            added[a.id] = true; synapses.append(a)
        }
        // Each synapse's inputs that are synapses too, found once (isGraphInput() reads flags
        // that no longer change): positions inputStart[k]..<inputStart[k + 1] of inputIDs.
        var slot = [Int32](repeating: -1, count: actions.count)
        for (k, a) in synapses.enumerated() { slot[a.id] = Int32(k) }
        var inputStart: [Int32] = []
        inputStart.reserveCapacity(synapses.count + 1)
        var inputIDs: [Int32] = []
        for a in synapses {
            inputStart.append(Int32(inputIDs.count))
            for e in a.before where added[e.action.id] && isGraphInput(e, of: a) { inputIDs.append(Int32(e.action.id)) }
        }
        inputStart.append(Int32(inputIDs.count))
        var done = [Bool](repeating: false, count: actions.count)
        var order: [Action] = []
        order.reserveCapacity(synapses.count)
        var remaining = Array(synapses.indices)
        while !remaining.isEmpty {
            var next: [Int] = []
            var fired = false
            for k in remaining {
                var ready = true
                for j in Int(inputStart[k])..<Int(inputStart[k + 1]) where !done[Int(inputIDs[j])] { ready = false; break }
                if ready { done[synapses[k].id] = true; order.append(synapses[k]); fired = true } else { next.append(k) }
            }
            if !fired { order += next.map { synapses[$0] }; break }   // a cycle: crm_simulate would stall; list the rest
            remaining = next
        }
        var position = [Int](repeating: -1, count: actions.count)
        for (index, a) in order.enumerated() { position[a.id] = index }
        return order.map { a in
            // The positions of its inputs, ascending, each once.
            let k = Int(slot[a.id])
            var inputs: [Int] = []
            for j in Int(inputStart[k])..<Int(inputStart[k + 1]) { inputs.append(position[Int(inputIDs[j])]) }
            inputs.sort()
            var distinctInputs: [Int] = []
            for input in inputs where distinctInputs.last != input { distinctInputs.append(input) }
            let kind: TransitionAction.Kind = a.pseudo ? .pseudo : (a.rsc == nil || a.task == "clear_failcount" ? .cluster : .resource)
            let prim = a.rsc?.variant == .primitive ? a.rsc : nil
            let name = a.rsc.map { $0.inClone && $0.variant == .primitive ? actionResourceName($0, cluster: kind == .cluster) : $0.id }
            // The graph names an instance's action by its history name (`clone_op_key()`);
            // crm_simulate shows that name for pseudo actions (resource actions keep the
            // instance key here; their display uses `resource`).
            var key = a.key
            if a.pseudo, let historyName = a.rsc?.cloneName, let rsc = a.rsc {
                key = a.task != "notify" ? opKey(historyName, a.task, a.intervalMs)
                    : rsc.variant == .primitive && a.key.hasPrefix(rsc.id) ? historyName + a.key.dropFirst(rsc.id.count) : a.key
            }
            var operation: ResourceOperation?
            if resolveOperations, kind == .resource, let prim, let name, let node = a.node, a.task != "cancel", a.task != "delete" {
                operation = resolvedOperation(prim, name: name, task: a.task, intervalMs: a.intervalMs, node: node,
                                              expectedRC: a.expectedRC)
            }
            return TransitionAction(kind: kind, resource: name, task: a.task,
                                    intervalMs: a.task == "cancel" ? a.cancelInterval : a.intervalMs,
                                    node: a.node?.uname, key: key, operation: operation, expectedRC: a.expectedRC,
                                    inputs: distinctInputs)
        }
    }

    /// The unpacked state as a value, for status displays.
    func clusterStatus() -> ClusterStatus {
        let ns = nodes.map { n in
            ClusterStatus.NodeState(name: n.uname, online: n.online, unclean: n.unclean, standby: n.standby,
                                    maintenance: n.maintenance, shutdown: n.shutdown, pending: n.pending,
                                    health: displayHealth(n), kind: n.kind)
        }
        func cloneState(_ r: Resource) -> ClusterStatus.CloneState? {
            guard let info = r.clone else { return nil }
            var probes: [String: String] = [:]
            func collect(_ x: Resource) {
                for (i, rc) in x.failedProbeOn where probes[nodes[i].uname] == nil { probes[nodes[i].uname] = ocfExitText(rc) }
                x.children.forEach(collect)
            }
            collect(r)
            // Without allowed nodes yet (asymmetric clusters), where instances are known.
            var allowed = nodes.filter { r.allowed[$0.index] != nil }.map(\.uname)
            if allowed.isEmpty {
                var known = NodeIndexSet()
                func walk(_ x: Resource) { known.formUnion(x.knownOn); x.children.forEach(walk) }
                walk(r)
                allowed = nodes.filter { known.contains($0.index) }.map(\.uname)
            }
            return ClusterStatus.CloneState(childID: info.template["id"] ?? "", unique: r.unique, promotable: info.promotable,
                                            configuredStopped: (r.meta["target-role"] ?? r.children.first?.meta["target-role"])?
                                                .lowercased() == "stopped",
                                            max: info.max,
                                            allowedNodes: allowed, failedProbes: probes,
                                            runningNodes: r.runningOn.map(\.uname))
        }
        func state(_ r: Resource) -> ClusterStatus.ResourceState {
            // Anonymous instances are shown under their configured id.
            let shownID = r.inClone && !r.unique && r.variant == .primitive ? cloneStrip(r.id) : r.id
            return ClusterStatus.ResourceState(id: shownID, agent: r.agentDescription, isGroup: r.variant == .group,
                                        members: r.children.map(state),
                                                   // native_displayable_role(): promotable instances run as Unpromoted
                                                   role: r.role == .started && r.inPromotable ? "Unpromoted" : r.role.text,
                                        // pe__resource_text(): a resource active nowhere shows its pending node.
                                        nodes: r.runningOn.isEmpty && r.variant == .primitive ? r.pendingNode.map { [$0.uname] } ?? [] : r.runningOn.map(\.uname), failed: r.failed, managed: r.managed,
                                        blocked: r.block, orphan: r.orphan,
                                        targetRoleStopped: r.meta["target-role"]?.lowercased() == "stopped",
                                        failureIgnored: r.failureIgnored, pendingTask: r.pendingTask,
                                        failedProbe: r.failedProbeRC.map(ocfExitText), clone: cloneState(r))
        }
        func isActive(_ r: Resource) -> Bool {
            if !r.children.isEmpty { return r.children.contains(where: isActive) }
            return r.runningOn.contains { $0.unclean || $0.online || !r.managed }
        }
        // Status displays ask only whether a clone is active (resource_list()).
        var states = resources.map { r in
            var s = state(r)
            if r.variant == .clone { s.active = isActive(r) }
            return s
        }
        for (i, r) in resources.enumerated() where r.isInternal { states[i].implicit = true }
        return ClusterStatus(nodes: ns, resources: states, maintenanceMode: maintenanceMode,
                             stopAllResources: stopEverything)
    }
}

