// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Clone actions, implicit orderings and probes. Mirrors `clone_create_actions()`,
/// `clone_create_pseudo_actions()`, `child_ordering_constraints()`,
/// `clone_internal_constraints()` and `clone_create_probe()` (pcmk_sched_clone.c).
extension WorkingSet {
    func sortInstancesByNumber(_ rsc: Resource) {
        rsc.children = stableSorted(rsc.children) { instanceNumber($0) < instanceNumber($1) }
    }

    /// Mirrors `clone_update_pseudo_status()`.
    private func pseudoStatus(_ rsc: Resource, stopping: inout Bool, starting: inout Bool, active: inout Bool) {
        if !rsc.children.isEmpty {
            for c in rsc.children { pseudoStatus(c, stopping: &stopping, starting: &starting, active: &active) }
            return
        }
        if !rsc.runningOn.isEmpty { active = true }
        for a in rsc.actions {
            if starting && stopping { return }
            if a.optional { continue }
            if !a.pseudo && !a.runnable { continue }
            if a.task == "stop" { stopping = true }
            else if a.task == "start" && a.runnable { starting = true }
        }
    }

    /// `pe__new_rsc_pseudo_action()`.
    @discardableResult
    func resourcePseudoAction(_ rsc: Resource, _ task: String, optional: Bool, runnable: Bool) -> Action {
        let a = customAction(rsc, key: opKey(rsc.id, task), task: task, node: nil, optional: optional)
        a.flags.insert(.pseudo)
        if runnable { a.flags.insert(.runnable) } else { a.flags.remove(.runnable) }
        return a
    }

    func createCloneActions(_ rsc: Resource) {
        var active = false, anyStarting = false, anyStopping = false, allowMigrations = true
        for child in rsc.children {
            createActions(child)
            var starting = false, stopping = false
            pseudoStatus(child, stopping: &stopping, starting: &starting, active: &active)
            if starting && stopping { allowMigrations = false }
            anyStopping = anyStopping || stopping
            anyStarting = anyStarting || starting
        }
        resourcePseudoAction(rsc, "start", optional: !anyStarting, runnable: true)
        let running = resourcePseudoAction(rsc, "running", optional: !anyStarting, runnable: false)
        if active || anyStarting { running.flags.insert(.runnable) }
        let stop = resourcePseudoAction(rsc, "stop", optional: !anyStopping, runnable: true)
        resourcePseudoAction(rsc, "stopped", optional: !anyStopping, runnable: true)
        if allowMigrations { stop.flags.insert(.migrateRunnable) }
        if rsc.clone!.ordered { orderInstanceActions(rsc) }
    }

    /// The single required action of `task` of an instance (`find_rsc_action()`).
    private func requiredAction(_ rsc: Resource, _ task: String) -> Action? {
        let list = resourceActions(rsc, node: nil, task: task).filter { !$0.optional }
        return list.count == 1 ? list[0] : nil
    }

    /// Mirrors `child_ordering_constraints()` (ordered clones).
    private func orderInstanceActions(_ rsc: Resource) {
        sortInstancesByNumber(rsc)
        var lastStop: Action?, lastStart: Action?
        for child in rsc.children {
            if let stop = requiredAction(child, "stop") {
                if let last = lastStop { orderActions(stop, last, [.optional]) }
                lastStop = stop
            }
            if let start = requiredAction(child, "start") {
                if let last = lastStart { orderActions(last, start, [.optional]) }
                lastStart = start
            }
        }
    }

    /// Mirrors `clone_internal_constraints()`; `instance` creates each instance's own.
    func cloneInternalConstraints(_ rsc: Resource, instance: (Resource) -> Void) {
        orderResourceActions(rsc, "stopped", rsc, "start", [.optional])
        orderResourceActions(rsc, "start", rsc, "running", [.runnableLeft])
        orderResourceActions(rsc, "stop", rsc, "stopped", [.runnableLeft])
        let ordered = rsc.clone!.ordered
        if ordered { sortInstancesByNumber(rsc) }
        var last: Resource?
        for child in rsc.children {
            instance(child)
            orderResourceActions(rsc, "start", child, "start", [.runnableLeft, .impliesFirstPrinted])
            orderResourceActions(child, "start", rsc, "running", [.impliesThenPrinted])
            if ordered, let last { orderResourceActions(last, "start", child, "start", [.optional]) }
            orderResourceActions(rsc, "stop", child, "stop", [.impliesFirstPrinted])
            orderResourceActions(child, "stop", rsc, "stopped", [.impliesThenPrinted])
            if ordered, let last { orderResourceActions(child, "stop", last, "stop", [.optional]) }
            last = child
        }
    }

    /// Whether any primitive of `rsc` has a known state on `node` (`rsc_known_on()`).
    private func knownOn(_ rsc: Resource, _ node: Node) -> Bool {
        if !rsc.children.isEmpty { return rsc.children.contains { knownOn($0, node) } }
        return rsc.knownOn.contains(node.index)
    }

    /// Mirrors `clone_create_probe()`: every instance of a unique clone, a single
    /// instance of an anonymous one (the one known or assigned there, else the first).
    func cloneProbe(_ rsc: Resource, _ node: Node, probe: (Resource) -> Void) {
        sortInstancesByNumber(rsc)
        guard let first = rsc.children.first else { return }
        if rsc.unique { rsc.children.forEach(probe); return }
        let child = rsc.children.first { knownOn($0, node) }
            ?? rsc.children.first { assignedNode($0) === node }
            ?? first
        probe(child)
    }
}
