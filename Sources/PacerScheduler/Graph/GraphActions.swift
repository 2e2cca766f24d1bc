/// The actions that make it into the transition graph, in an order crm_simulate
/// could execute them. Mirrors `pcmk__create_graph()` (pcmk_graph_producer.c)
/// for which actions are included.
extension WorkingSet {
    func graphActions() -> [TransitionAction] {
        let included = actions.filter { a in
            if a.optional || !a.runnable { return false }
            return a.rsc != nil || a.task == "do_shutdown"
        }
        var inGraph = Set<Int>()
        for a in included { inGraph.insert(a.id) }
        // Kahn's algorithm, ties by action id: deterministic.
        var indegree: [Int: Int] = [:]
        var succ: [Int: [Int]] = [:]
        for a in included {
            for e in a.before where !e.type.isEmpty && inGraph.contains(e.action.id) {
                indegree[a.id, default: 0] += 1
                succ[e.action.id, default: []].append(a.id)
            }
        }
        var ready = included.filter { (indegree[$0.id] ?? 0) == 0 }.map(\.id).sorted()
        var order: [Int] = []
        var seen = Set<Int>()
        while !ready.isEmpty {
            let id = ready.removeFirst()
            if seen.contains(id) { continue }
            seen.insert(id)
            order.append(id)
            var added = false
            for s in succ[id] ?? [] {
                indegree[s, default: 0] -= 1
                if indegree[s] == 0 { ready.append(s); added = true }
            }
            if added { ready.sort() }
        }
        for a in included where !seen.contains(a.id) { order.append(a.id) }
        return order.map { id in
            let a = actions[id]
            let kind: TransitionAction.Kind = a.pseudo ? .pseudo : (a.rsc == nil || a.task == "clear_failcount" ? .cluster : .resource)
            let prim = a.rsc?.variant == .primitive ? a.rsc : nil
            return TransitionAction(kind: kind, resource: a.rsc?.id, task: a.task, intervalMs: a.intervalMs,
                                    node: a.node?.uname, key: a.key, agentClass: prim?.resourceClass,
                                    agentProvider: prim?.provider, agentType: prim?.agentType)
        }
    }

    /// The unpacked state as a value, for status displays.
    func clusterStatus() -> ClusterStatus {
        let ns = nodes.map { n in
            ClusterStatus.NodeState(name: n.uname, online: n.online, unclean: n.unclean, standby: n.standby,
                                    maintenance: n.maintenance, shutdown: n.shutdown, pending: n.pending)
        }
        func state(_ r: Resource) -> ClusterStatus.ResourceState {
            ClusterStatus.ResourceState(id: r.id, agent: r.agentDescription, isGroup: r.variant == .group,
                                        members: r.children.map(state), role: r.role.text,
                                        nodes: r.runningOn.map(\.uname), failed: r.failed, managed: r.managed,
                                        blocked: r.block, orphan: r.orphan,
                                        targetRoleStopped: r.meta["target-role"]?.lowercased() == "stopped")
        }
        return ClusterStatus(nodes: ns, resources: resources.map(state))
    }
}
