// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// What the scheduler is given: the CIB (configuration and status) and the time.
public struct SchedulerInput: Sendable {
    /// The `<cib>` root element.
    public var cib: XMLElement
    /// Current time in seconds since the epoch; the CIB's `execution-date` overrides it.
    public var now: Int
    /// Record allocation scores in `Transition.scores` (`crm_simulate -s`).
    public var recordScores: Bool
    /// Leave the working set allocated: for a process that exits right after the call
    /// (as clang's `-disable-free`), where freeing a large graph is wasted time.
    public var skipTeardown: Bool
    /// Resolve each resource action's `ResourceOperation` (what a node needs to run it, and
    /// the digest to record): off for a display of the decision alone (`crm_simulate -R`).
    public var resolveOperations: Bool

    public init(cib: XMLElement, now: Int, recordScores: Bool = false, skipTeardown: Bool = false, resolveOperations: Bool = true) {
        self.cib = cib
        self.now = now
        self.recordScores = recordScores
        self.skipTeardown = skipTeardown
        self.resolveOperations = resolveOperations
    }

    /// The time the scheduler uses: `execution-date` if present (as crm_simulate does).
    public var effectiveNow: Int { Int(cib["execution-date"] ?? "") ?? now }
}

/// The pure policy engine: `schedule(_:)` is the whole public surface.
public enum Scheduler {
    /// Decides what the cluster should do. Mirrors `pcmk__schedule_actions()`
    /// (lib/pacemaker/pcmk_sched_allocate.c): unpack, constraints, node criteria,
    /// internal constraints, assignment, actions, orderings, summary.
    ///
    /// Guarantees: no I/O, no clock reads; output order never depends on hashing.
    public static func schedule(_ input: SchedulerInput) -> Transition {
        let ws = WorkingSet(input: input.cib, now: input.effectiveNow)
        ws.recordScores = input.recordScores
        ws.unpackConfig()
        ws.unpackNodes()
        ws.unpackResources()
        ws.orderedHistory = [:]
        ws.unpackStatus()
        let before = ws.clusterStatus()
        ws.applyNodeHealth()
        ws.unpackConstraints()
        ws.applyNodeCriteria()
        ws.createInternalConstraints()
        ws.handleConfigChanges()
        ws.orderedHistory = nil
        ws.allocateResources()
        ws.scheduleResourceActions()
        // May fence remote nodes, so before fencing is scheduled.
        ws.orderRemoteConnectionActions()
        ws.scheduleFencingAndShutdowns()
        ws.applyOrderings()
        ws.createNotifications()
        // Every ordering is an edge between actions now: freed before the graph is made, the
        // run's largest moment (9,000 resources, simulate -S: peak 101.7 -> 97-100 MiB).
        ws.orderings = []
        if input.skipTeardown { _ = Unmanaged.passRetained(ws) }
        return Transition(summary: ws.transitionSummary(), actions: ws.graphActions(resolveOperations: input.resolveOperations),
                          warnings: ws.warnings, status: before, scores: ws.scoreLog)
    }
}

extension WorkingSet {
    /// Mirrors `schedule_resource_actions()`.
    func scheduleResourceActions() {
        scheduleProbes()
        if stopOrphanResources {
            for rsc in resources where rsc.orphan {
                for node in nodes where node.online && failCount(node, rsc, effective: true) > 0 {
                    let clear = clearFailcount(rsc, node)
                    newOrdering(firstRsc: rsc, firstKey: nil, firstAction: clear, thenRsc: rsc,
                                thenKey: opKey(rsc.id, "stop"), thenAction: nil, flags: [.optional])
                }
            }
        }
        for rsc in resources { createActions(rsc) }
    }
}

extension Scheduler {
    /// The cluster state only (no decisions): what a status display needs.
    public static func status(_ input: SchedulerInput) -> ClusterStatus {
        let ws = WorkingSet(input: input.cib, now: input.effectiveNow)
        ws.statusOnly = true
        ws.unpackConfig()
        ws.unpackNodes()
        ws.unpackResources()
        ws.unpackStatus()
        if input.skipTeardown { _ = Unmanaged.passRetained(ws) }
        return ws.clusterStatus()
    }
}

extension Scheduler {
    /// The stop of everything the status says is active on `node`, last started first (group
    /// members in reverse, resources in reverse configuration order): for a node that must give
    /// up its resources at once without a DC to decide it (it was frozen and its peer took over).
    public static func stopsOfEverything(on node: String, _ input: SchedulerInput) -> [ResourceOperation] {
        let ws = WorkingSet(input: input.cib, now: input.effectiveNow)
        ws.unpackConfig()
        ws.unpackNodes()
        ws.unpackResources()
        ws.unpackStatus()
        guard let target = ws.nodeByUname[node] else { return [] }
        func stops(_ rsc: Resource) -> [ResourceOperation] {
            guard rsc.variant == .primitive else { return rsc.children.reversed().flatMap(stops) }
            guard rsc.runningOn.contains(where: { $0 === target }) else { return [] }
            let name = rsc.inClone ? ws.actionResourceName(rsc, cluster: false) : rsc.id
            return [ws.resolvedOperation(rsc, name: name, task: "stop", intervalMs: 0, node: target, expectedRC: 0)]
        }
        return ws.resources.reversed().flatMap(stops)
    }
}
