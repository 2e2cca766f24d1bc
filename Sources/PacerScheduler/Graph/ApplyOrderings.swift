// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
/// Turns recorded orderings into graph edges, then propagates flags. Mirrors
/// `pcmk__apply_orderings()`, `rsc_order_first()` and
/// `order_resource_actions_after()` (pcmk_sched_ordering.c).
extension WorkingSet {
    func applyOrderings() {
        for order in orderings {
            if let rsc = order.firstRsc {
                orderFirst(rsc, order)
            } else if let rsc = order.thenRsc {
                orderAfter(order.firstAction, rsc, order)
            } else if let f = order.firstAction, let t = order.thenAction {
                orderActions(f, t, order.flags)
            }
        }
        for action in actions.reversed() { blockColocationDependents(action) }
        addProbeOrderingsForStops()
        for action in actions.reversed() { updateActionForOrderings(action) }
        disableInvalidOrderings()
    }

    /// Drops user orderings between a guest node's resource and the resources running
    /// on that guest (they would loop through its fencing). Mirrors
    /// `pcmk__disable_invalid_orderings()` for `ordering_is_invalid()`'s guest case.
    /// Also breaks the load ordering of a migration that would close a graph loop (two
    /// resources migrating past each other).
    private func disableInvalidOrderings() {
        for action in actions.reversed() {
            guard let rsc = action.rsc else { continue }
            for i in action.before.indices {
                let input = action.before[i]
                if !rsc.fillers.isEmpty && !input.type.contains(.preserve) && input.action.rsc != nil,
                   let node = input.action.node, node.isGuest, node.remoteRsc?.container === rsc {
                    action.before[i].type = []
                } else if input.type == .load && action.task == "migrate_to" {
                    var tracking = Set<Int>()
                    if graphHasLoop(action, action, input, &tracking) { action.before[i].type = [] }
                }
            }
        }
    }

    /// Whether following `input` back from `action` reaches `initial`: a loop.
    /// Mirrors `pcmk__graph_has_loop()`.
    private func graphHasLoop(_ initial: Action, _ action: Action, _ input: ActionEdge, _ tracking: inout Set<Int>) -> Bool {
        if tracking.contains(input.action.id) { return false }
        if !isGraphInput(input, of: action) || !belongsInGraph(input.action) { return false }
        if input.action === initial { return true }
        tracking.insert(input.action.id)
        defer { tracking.remove(input.action.id) }
        for edge in input.action.before where graphHasLoop(initial, input.action, edge, &tracking) { return true }
        return false
    }

    /// Calls `body` with each action of `rsc` with `key`, newest first (as the prepended C
    /// list); whether there was one. No list is made: this runs for every ordering.
    @discardableResult
    private func forEachAction(of rsc: Resource, key: String, _ body: (Action) -> Void) -> Bool {
        var found = false
        for a in rsc.actions.reversed() where a.key == key { found = true; body(a) }
        return found
    }

    private func orderFirst(_ firstRsc: Resource, _ order: Ordering) {
        let thenRsc = order.thenRsc ?? order.thenAction?.rsc
        func then(_ first: Action) {
            if let thenRsc { orderAfter(first, thenRsc, order) } else if let t = order.thenAction { orderActions(first, t, order.flags) }
        }
        if let a = order.firstAction { return then(a) }
        if let key = order.firstKey, forEachAction(of: firstRsc, key: key, then) { return }
        if firstRsc === order.thenRsc { return }
        guard let key = order.firstKey else { return }
        let task = taskOf(key: key, rsc: firstRsc)
        let state = currentState(firstRsc)
        if state == .stopped && task == "stop" { return }
        if state == .unpromoted && task == "demote" { return }
        then(customAction(firstRsc, key: key, task: task, node: nil, optional: true))
    }

    /// The resource's current role (`fns->state(rsc, TRUE)`).
    private func currentState(_ rsc: Resource) -> Role {
        switch rsc.variant {
        case .group: return rsc.children.contains { !$0.runningOn.isEmpty } ? .started : .stopped
        case .clone: return rsc.children.map(currentState).max() ?? .stopped
        case .primitive: return rsc.runningOn.isEmpty ? .stopped : rsc.role
        }
    }

    private func taskOf(key: String, rsc: Resource) -> String {
        var rest = Substring(key)
        if rest.hasPrefix(rsc.id + "_") { rest = rest.dropFirst(rsc.id.count + 1) }
        if let u = rest.lastIndex(of: "_") { return String(rest[..<u]) }
        return String(rest)
    }

    private func orderAfter(_ first: Action?, _ rsc: Resource, _ order: Ordering) {
        if first == nil && !order.flags.contains(.impliesThen) { return }
        func then(_ t: Action) {
            if let first { orderActions(first, t, order.flags) } else { t.flags.remove(.runnable) }
        }
        if let t = order.thenAction { then(t) } else if let key = order.thenKey { forEachAction(of: rsc, key: key, then) }
    }

    /// "Probe A before anything that waits for A's stop". Mirrors
    /// `add_probe_orderings_for_stops()` (pcmk_sched_probes.c).
    private func addProbeOrderingsForStops() {
        for order in orderings {
            guard !order.flags.isEmpty, let firstRsc = order.firstRsc, firstRsc !== order.thenRsc else { continue }
            if let a = order.firstAction {
                if a.task != "stop" { continue }
            } else if !(order.firstKey?.endsWithBytes("_stop_0") ?? false) {
                continue
            }
            // Not for a resource inside a stopping container: the probe could come after
            // the container starts again (a loop).
            if let thenRsc = order.thenRsc, firstRsc.container === thenRsc {
                if let t = order.thenAction { if t.task == "stop" { continue } }
                else if order.thenKey?.endsWithBytes("_stop_0") ?? false { continue }
            }
            var flags: OrderFlags = [.optional]
            if order.flags.contains(.sameNode) { flags.insert(.sameNode) }
            if order.flags == .antiColocation || order.flags == .load { flags = order.flags }
            let probeKey = opKey(firstRsc.id, "monitor")
            for probe in firstRsc.actions where probe.key == probeKey {
                func addOrdering(before then: Action) {
                    if then.task == "do_shutdown", let pn = probe.node, let tn = then.node, pn !== tn { return }
                    // Probes on a node come after unfencing it, not before.
                    if then.task == "stonith", then.fenceAction == "on", let pn = probe.node, pn === then.node { return }
                    orderActions(probe, then, flags)
                }
                if let t = order.thenAction {
                    addOrdering(before: t)
                } else if let r = order.thenRsc, let key = order.thenKey {
                    for then in r.actions where then.key == key { addOrdering(before: then) }
                }
            }
        }
    }

    /// Mirrors `pcmk__block_colocation_dependents()`.
    func blockColocationDependents(_ action: Action) {
        if action.runnable { return }
        let isStart = action.task == "start"
        guard isStart || action.task == "promote", let arsc = action.rsc else { return }
        let rsc = arsc.top
        if rsc.withThis.isEmpty { return }
        for child in rsc.children {
            let ca = child.actions.first { $0.task == action.task }
            if ca == nil || ca!.runnable { return }
        }
        for c in rsc.withThis where c.score >= 1_000_000 {
            if !isStart && c.primaryRole != .promoted { continue }
            markActionBlocked(c.dependent, task: c.dependentRole == .promoted ? "promote" : "start", reason: arsc)
        }
    }

    private func markActionBlocked(_ rsc: Resource, task: String, reason: Resource) {
        for a in rsc.actions where a.runnable && a.task == task {
            a.flags.remove(.runnable)
            a.setReason("colocation with \(reason.id)", overwrite: false)
            blockColocationDependents(a)
            updateActionForOrderings(a)
        }
        for child in rsc.children { markActionBlocked(child, task: task, reason: reason) }
    }
}
