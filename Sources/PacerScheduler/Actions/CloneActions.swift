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
        let start = resourcePseudoAction(rsc, "start", optional: !anyStarting, runnable: true)
        let running = resourcePseudoAction(rsc, "running", optional: !anyStarting, runnable: false)
        if active || anyStarting { running.flags.insert(.runnable) }
        let startNotify = notifyPseudoActions(rsc, "start", start, running)
        let stop = resourcePseudoAction(rsc, "stop", optional: !anyStopping, runnable: true)
        let stopped = resourcePseudoAction(rsc, "stopped", optional: !anyStopping, runnable: true)
        if allowMigrations { stop.flags.insert(.migrateRunnable) }
        let stopNotify = notifyPseudoActions(rsc, "stop", stop, stopped)
        if let done = stopNotify?.postDone, let pre = startNotify?.pre { orderActions(done, pre, [.optional]) }
        rsc.clone!.startNotify = startNotify
        rsc.clone!.stopNotify = stopNotify
        if rsc.clone!.ordered { orderInstanceActions(rsc) }
        if rsc.clone!.promotable { createPromotablePseudoActions(rsc) }
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
        if rsc.clone!.promotable {
            orderResourceActions(rsc, "demoted", rsc, "stop", [.optional])
            orderResourceActions(rsc, "running", rsc, "promote", [.runnableLeft])
        }
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
        if rsc.clone!.promotable { orderPromotableInstances(rsc) }
    }

    /// Mirrors `pcmk__order_promotable_instances()`.
    private func orderPromotableInstances(_ rsc: Resource) {
        promotableRestartOrdering(rsc)
        var previous: Resource?
        let ordered = rsc.clone!.ordered
        for child in rsc.children {
            orderResourceActions(child, "demote", child, "promote", [.optional])
            orderResourceActions(rsc, "promote", child, "promote", [.optional])
            orderResourceActions(child, "promote", rsc, "promoted", [.optional])
            if ordered, let previous { orderResourceActions(previous, "promote", child, "promote", [.optional]) }
            orderResourceActions(rsc, "demote", child, "demote", [.impliesFirstPrinted])
            orderResourceActions(child, "demote", rsc, "demoted", [.impliesThenPrinted])
            if ordered, let previous { orderResourceActions(child, "demote", previous, "demote", [.optional]) }
            previous = child
        }
    }

    /// Starts and promotes after every instance stopped and demoted, promotes after the
    /// starts, the clone's demote before its demoted. Mirrors `pcmk__promotable_restart_ordering()`.
    private func promotableRestartOrdering(_ rsc: Resource) {
        orderResourceActions(rsc, "stopped", rsc, "start", [.optional])
        orderResourceActions(rsc, "stopped", rsc, "promote", [.optional])
        orderResourceActions(rsc, "demoted", rsc, "stop", [.optional])
        orderResourceActions(rsc, "demoted", rsc, "start", [.optional])
        orderResourceActions(rsc, "demoted", rsc, "promote", [.optional])
        orderResourceActions(rsc, "running", rsc, "promote", [.optional])
        orderResourceActions(rsc, "demote", rsc, "demoted", [.optional])
    }

    /// Whether any instance has a required promote or demote (`check_for_role_change()`).
    private func roleChanges(_ rsc: Resource, _ promoting: inout Bool, _ demoting: inout Bool) {
        if !rsc.children.isEmpty { for c in rsc.children { roleChanges(c, &promoting, &demoting) }; return }
        for a in rsc.actions where !a.optional {
            if a.task == "demote" { demoting = true } else if a.task == "promote" { promoting = true }
        }
    }

    /// Mirrors `pe__create_promotable_pseudo_ops()`.
    private func createPromotablePseudoActions(_ rsc: Resource) {
        var promoting = false, demoting = false
        roleChanges(rsc, &promoting, &demoting)
        let promote = resourcePseudoAction(rsc, "promote", optional: !promoting, runnable: true)
        let promoted = resourcePseudoAction(rsc, "promoted", optional: !promoting, runnable: true)
        let promoteNotify = notifyPseudoActions(rsc, "promote", promote, promoted)
        let demote = resourcePseudoAction(rsc, "demote", optional: !demoting, runnable: true)
        let demoted = resourcePseudoAction(rsc, "demoted", optional: !demoting, runnable: true)
        let demoteNotify = notifyPseudoActions(rsc, "demote", demote, demoted)
        if let pn = promoteNotify, let dn = demoteNotify {
            let stopN = rsc.clone!.stopNotify, startN = rsc.clone!.startNotify
            if let a = stopN?.postDone, let b = pn.pre { orderActions(a, b, [.optional]) }
            if let a = startN?.postDone, let b = pn.pre { orderActions(a, b, [.optional]) }
            if let a = dn.postDone, let b = pn.pre { orderActions(a, b, [.optional]) }
            if let a = dn.postDone, let b = startN?.pre { orderActions(a, b, [.optional]) }
            if let a = dn.postDone, let b = stopN?.pre { orderActions(a, b, [.optional]) }
        }
        rsc.clone!.promoteNotify = promoteNotify
        rsc.clone!.demoteNotify = demoteNotify
        for child in rsc.children { child.priority = rsc.priority }
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
        if rsc.exclusiveDiscover && rsc.allowed[node.index] != nil && rsc.discovery(on: node) != .exclusive {
            // Not a node to discover it on: it may never run there either.
            rsc.allowed[node.index] = nil
            return
        }
        if rsc.unique { rsc.children.forEach(probe); return }
        let child = rsc.children.first { knownOn($0, node) }
            ?? rsc.children.first { assignedNode($0) === node }
            ?? first
        probe(child)
    }

    // MARK: notifications

    /// A notification pseudo action of the clone (`new_notify_pseudo_action()`).
    private func notifyPseudoAction(_ rsc: Resource, _ action: Action, task: String, type: String) -> Action {
        let a = customAction(rsc, key: "\(rsc.id)_\(type)_notify_\(action.task)_0", task: task, node: nil,
                             optional: action.optional)
        a.flags.formUnion([.pseudo, .runnable])
        return a
    }

    /// Mirrors `pe__clone_notif_pseudo_ops()`.
    private func notifyPseudoActions(_ rsc: Resource, _ task: String, _ action: Action, _ complete: Action) -> NotifyData? {
        guard rsc.clone!.notify else { return nil }
        var n = NotifyData(task: task)
        let pre = notifyPseudoAction(rsc, action, task: "notify", type: "pre")
        let preDone = notifyPseudoAction(rsc, action, task: "notified", type: "confirmed-pre")
        orderActions(pre, preDone, [.optional])
        orderActions(preDone, action, [.optional])
        let post = notifyPseudoAction(rsc, complete, task: "notify", type: "post")
        let postDone = notifyPseudoAction(rsc, complete, task: "notified", type: "confirmed-post")
        for a in [post, postDone] where !complete.runnable { a.flags.remove(.runnable) }
        orderActions(complete, post, [.impliesThen])
        orderActions(post, postDone, [.impliesThen])
        orderActions(preDone, post, [.optional])
        n.pre = pre; n.preDone = preDone; n.post = post; n.postDone = postDone
        return n
    }

    /// The notifications of every clone with `notify=true`, made when the graph is
    /// built (`clone_expand()` / `pe__create_notifications()`).
    func createNotifications() {
        for rsc in resources where rsc.variant == .clone {
            guard let info = rsc.clone, info.notify else { continue }
            for a in rsc.actions { _ = orderingFlags(a) }   // clone_action_flags() on each
            for n in [info.startNotify, info.stopNotify, info.promoteNotify, info.demoteNotify].compactMap({ $0 }) {
                var activity: Set<String> = []
                collectNotifyActivity(rsc, &activity)
                createNotifyActions(rsc, n, activity: activity)
            }
        }
    }

    /// A stop implied by fencing: the clone's instances elsewhere are told (post-stop
    /// notifications) once the fencing is done. Mirrors `pe__order_notifs_after_fencing()`.
    func orderNotificationsAfterFencing(_ stop: Action, _ rsc: Resource, _ stonith: Action) {
        guard isTrue(rsc.meta["notify"]) else { return }
        var n = NotifyData(task: "stop")
        // The graph names these by the notified operation (`clone_op_key()`).
        let post = customAction(rsc, key: "\(rsc.id)_post_notify_stop_0", task: "notify", node: nil,
                                optional: stonith.optional)
        let postDone = customAction(rsc, key: "\(rsc.id)_confirmed-post_notify_stonith_0", task: "notified", node: nil,
                                    optional: stonith.optional)
        for a in [post, postDone] {
            a.flags.insert(.pseudo)
            if stonith.runnable { a.flags.insert(.runnable) } else { a.flags.remove(.runnable) }
        }
        orderActions(stonith, post, [.impliesThen])
        orderActions(post, postDone, [.impliesThen])
        n.post = post; n.postDone = postDone
        createNotifyActions(rsc.top, n, activity: [])
    }

    /// Whether any instance has a required, runnable start or stop (`collect_resource_data()`).
    private func collectNotifyActivity(_ rsc: Resource, _ activity: inout Set<String>) {
        if !rsc.children.isEmpty {
            for c in rsc.children { collectNotifyActivity(c, &activity) }
            return
        }
        for op in rsc.actions where !op.optional && op.node != nil {
            if op.task == "stop" && op.node!.unclean {
            } else if !op.runnable {
                continue
            }
            if ["start", "stop", "promote", "demote"].contains(op.task) { activity.insert(op.task) }
        }
    }

    /// Mirrors `create_notify_actions()`.
    private func createNotifyActions(_ rsc: Resource, _ n: NotifyData, activity: Set<String>) {
        if !rsc.children.isEmpty {
            for c in rsc.children { createNotifyActions(c, n, activity: activity) }
            return
        }
        if n.task != "stop" && !activity.contains(n.task) { return }
        if rsc.role != .stopped && (n.task == "stop" || n.task == "demote") {
            let stop = rsc.actions.last { $0.task == "stop" }
            for node in rsc.runningOn {
                if let stop, stop.pseudo, node.unclean || node.remoteRequiresReset { continue }
                newNotifyAction(rsc, node, n.pre, n.preDone, type: "pre", n.task)
                if n.task == "demote" || stop == nil || stop!.optional { newPostNotifyAction(rsc, node, n) }
            }
        }
        if rsc.nextRole != .stopped && (n.task == "start" || n.task == "promote") {
            let start = rsc.actions.last { $0.task == "start" }
            guard let node = rsc.allocatedTo else { return }
            if n.task != "start" || start == nil || start!.optional {
                newNotifyAction(rsc, node, n.pre, n.preDone, type: "pre", n.task)
            }
            newPostNotifyAction(rsc, node, n)
        }
    }

    /// Mirrors `new_notify_action()`.
    @discardableResult
    private func newNotifyAction(_ rsc: Resource, _ node: Node, _ op: Action?, _ done: Action?, type: String,
                                 _ task: String) -> Action? {
        guard let op, let done, node.online, op.runnable else { return nil }
        let completed = ["start": "running", "stop": "stopped", "promote": "promoted", "demote": "demoted"]
        let notifiedTask = type == "pre" ? task : (completed[task] ?? task)
        let a = customAction(rsc, key: "\(rsc.id)_\(type)_notify_\(notifiedTask)_0", task: op.task, node: node,
                             optional: op.optional)
        orderActions(op, a, [.optional])
        orderActions(a, done, [.optional])
        return a
    }

    /// Mirrors `new_post_notify_action()`.
    private func newPostNotifyAction(_ rsc: Resource, _ node: Node, _ n: NotifyData) {
        newNotifyAction(rsc, node, n.post, n.postDone, type: "post", n.task)
        guard let done = n.postDone else { return }
        for mon in rsc.actions where mon.intervalMs > 0 && mon.task != "cancel" {
            orderActions(done, mon, [.optional])
        }
    }
}
