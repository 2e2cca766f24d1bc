// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
/// Flag propagation across ordering edges. Mirrors
/// `pcmk__update_action_for_orderings()`, `update_action_for_ordering_flags()` and
/// `pcmk__update_ordered_actions()` (pcmk_sched_actions.c) and the group
/// variants in pcmk_sched_group.c.
extension WorkingSet {
    /// Flags of an action as seen by orderings (`pcmk__group_action_flags()` for groups).
    func orderingFlags(_ action: Action, node: Node? = nil) -> ActionFlags {
        if let rsc = action.rsc, rsc.variant == .clone {
            // action_flags_for_ordering(): runnable anywhere counts, even when checked for a node.
            let any = cloneActionFlags(action, rsc, node: nil)
            guard node != nil else { return any }
            var flags = cloneActionFlags(action, rsc, node: node)
            if any.contains(.runnable) { flags.insert(.runnable) }
            return flags
        }
        guard let rsc = action.rsc, rsc.variant == .group else { return action.flags }
        var flags: ActionFlags = [.optional, .runnable, .pseudo]
        let base = baseTask(action.task)
        for member in rsc.children {
            // As seen from `node` when given: only the members' actions there count.
            if let ma = member.actions.last(where: { $0.task == base && (node == nil || $0.node === node) }) {
                let mf = orderingFlags(ma, node: node)
                if flags.contains(.optional) && !mf.contains(.optional) {
                    flags.remove(.optional)
                    action.flags.remove(.optional)
                }
                if base != action.task && flags.contains(.runnable) && !mf.contains(.runnable) {
                    flags.remove(.runnable)
                    action.flags.remove(.runnable)
                }
            } else if base != "stop" && base != "demote" {
                flags.remove(.runnable)
            }
        }
        return flags
    }

    /// The task a clone action stands for in its instances (`clone_child_action()`).
    func instanceTask(_ task: String, _ instance: Resource) -> String {
        if instance.variant != .primitive { return task }
        if task == "notify" || task == "notified" { return task }
        return baseTask(task)
    }

    /// The task a clone action means for an instance (`clone_child_action()`): for
    /// notifications the notified operation, from the key.
    func childTask(_ action: Action, _ child: Resource) -> String {
        if action.task == "notify" || action.task == "notified" {
            let parts = action.key.split(separator: "_")
            if parts.count >= 2 { return instanceTask(String(parts[parts.count - 2]), child) }
        }
        return instanceTask(action.task, child)
    }

    /// Mirrors `summary_action_flags()` for a clone's action.
    private func cloneActionFlags(_ action: Action, _ rsc: Resource, node: Node?) -> ActionFlags {
        var flags: ActionFlags = [.optional, .runnable, .pseudo]
        var anyRunnable = false
        for child in rsc.children {
            let task = childTask(action, child)
            let onNode = child.children.isEmpty ? node : nil
            guard let ca = child.actions.last(where: { $0.task == task && (onNode == nil || $0.node === onNode) }) else { continue }
            let cf = orderingFlags(ca, node: node)
            if flags.contains(.optional) && !cf.contains(.optional) {
                flags.remove(.optional)
                action.flags.remove(.optional)
            }
            if cf.contains(.runnable) { anyRunnable = true }
        }
        if !anyRunnable {
            flags.remove(.runnable)
            if node == nil { action.flags.remove(.runnable) }
        }
        return flags
    }

    private func baseTask(_ task: String) -> String {
        switch task {
        case "running": return "start"
        case "stopped": return "stop"
        case "promoted": return "promote"
        case "demoted": return "demote"
        default: return task
        }
    }

    /// Remaps a group's start/stop to running/stopped (`action_for_ordering()`).
    private func actionForOrdering(_ action: Action) -> Action {
        guard let rsc = action.rsc, rsc.variant != .primitive, action.intervalMs == 0 else { return action }
        let mapped: String
        switch action.task {
        case "start": mapped = "running"
        case "stop": mapped = "stopped"
        case "promote": mapped = "promoted"
        case "demote": mapped = "demoted"
        case "running", "stopped", "promoted", "demoted": mapped = action.task
        default: return action
        }
        // A clone with notifications: after the notifications of the remapped task.
        if rsc.parent == nil, isTrue(rsc.meta["notify"]) {
            return findAction(rsc, key: "\(rsc.id)_confirmed-post_notify_\(mapped)_0", node: nil) ?? action
        }
        return findAction(rsc, key: opKey(rsc.id, mapped), node: nil) ?? action
    }

    private func isParent(_ child: Resource?, _ parent: Resource?) -> Bool {
        guard let parent else { return false }
        var p = child?.parent
        while let q = p { if q === parent { return true }; p = q.parent }
        return false
    }

    func updateActionForOrderings(_ then: Action) {
        var changedThen = false
        let lastFlags = then.flags
        if then.requiresAny {
            // Counted again below: runnable once enough 'first' actions are.
            then.runnableBefore = 0
            if then.requiredRunnableBefore == 0 { then.requiredRunnableBefore = 1 }
            then.flags.remove(.runnable)
        }
        // The list only grows at the front while we walk it (as the C list does), so
        // an entry's live index is its snapshot index plus the growth so far.
        let snapshotCount = then.before.count
        func disable(_ i: Int) { then.before[i + then.before.count - snapshotCount].type = [] }
        for i in 0..<snapshotCount {
            let other = then.before[i + then.before.count - snapshotCount]
            var first = other.action
            if other.type.contains(.sameNode), let fn = first.node, let tn = then.node, fn !== tn {
                disable(i)
                continue
            }
            var changedFirst = false
            if first.rsc != nil && other.type.contains(.thenCancelsFirst) && !then.optional {
                first.flags.insert(.optional)
                if first.task == "reload-agent" { first.rsc?.reload = false }
            }
            if let fr = first.rsc, let tr = then.rsc, fr !== tr, !isParent(tr, fr) {
                first = actionForOrdering(first)
            }
            if first === other.action {
                let firstFlags = orderingFlags(first, node: then.node)
                let thenFlags = orderingFlags(then, node: first.node)
                let (cf, ct) = updateForOrderingFlags(first, then, firstFlags, thenFlags, other)
                changedFirst = cf
                if ct { changedThen = true }
            } else if orderActions(first, then, other.type) {
                changedThen = true
                disable(i)
            } else {
                disable(i)
            }
            if changedFirst {
                for a in first.after.map(\.action) { updateActionForOrderings(a) }
                updateActionForOrderings(first)
            }
        }
        // A requires-any action changed only if its flags differ from before.
        if then.requiresAny { changedThen = lastFlags != then.flags }
        // Only a reported change cascades (flags the group-flags computation cleared
        // on the way do not), as in pcmk__update_action_for_orderings().
        if changedThen {
            if lastFlags.contains(.runnable) && !then.runnable { blockColocationDependents(then) }
            updateActionForOrderings(then)
            for a in then.after.map(\.action) { updateActionForOrderings(a) }
        }
    }

    /// Returns (first changed, then changed).
    private func updateForOrderingFlags(_ first: Action, _ then: Action, _ firstFlags: ActionFlags,
                                        _ thenFlags: ActionFlags, _ order: ActionEdge) -> (Bool, Bool) {
        var cf = false, ct = false
        func merge(_ r: (Bool, Bool)) { if r.0 { cf = true }; if r.1 { ct = true } }
        var type = order.type
        var impliesNode = then.node
        if type.contains(.impliesThenOnNode) {
            // Unfencing restarts only the instances on the unfenced node.
            type.remove(.impliesThenOnNode)
            type.insert(.impliesThen)
            impliesNode = first.node
        }
        if type.contains(.impliesThen) {
            if then.rsc != nil {
                merge(updateOrdered(first, then, firstFlags.intersection(.optional), filter: .optional, type: .impliesThen,
                                    node: impliesNode))
            } else if !firstFlags.contains(.optional) && then.optional {
                then.flags.remove(.optional); ct = true
            }
        }
        if type.contains(.restart), then.rsc != nil {
            merge(updateOrdered(first, then, firstFlags, filter: [.optional, .runnable], type: .restart))
        }
        if type.contains(.impliesFirst) {
            if let fr = first.rsc {
                // Dispatched on the first resource: a primitive's update leaves the
                // instances of a `then` clone alone.
                if fr.variant == .primitive {
                    merge(updateOrderedPrimitive(first, then, firstFlags, filter: .optional, type: .impliesFirst))
                } else {
                    merge(updateOrdered(first, then, firstFlags, filter: .optional, type: .impliesFirst))
                }
            } else if !firstFlags.contains(.optional) && first.runnable {
                first.flags.remove(.runnable); cf = true
            }
        }
        if type.contains(.promotedImpliesFirst), then.rsc != nil {
            merge(updateOrdered(first, then, firstFlags.intersection(.optional), filter: .optional, type: .promotedImpliesFirst))
        }
        if type.contains(.impliesFirstMigratable), then.rsc != nil {
            merge(updateOrdered(first, then, firstFlags, filter: .optional, type: .impliesFirstMigratable))
        }
        if type.contains(.pseudoLeft), then.rsc != nil {
            merge(updateOrdered(first, then, firstFlags, filter: .optional, type: .pseudoLeft))
        }
        if type.contains(.runnableLeft) {
            if then.rsc != nil {
                merge(updateOrdered(first, then, firstFlags, filter: .runnable, type: .runnableLeft))
            } else if !firstFlags.contains(.runnable) && then.runnable {
                then.flags.remove(.runnable); ct = true
            }
        }
        if type.contains(.oneOrMore) {
            if then.rsc != nil {
                merge(updateOrdered(first, then, firstFlags, filter: .runnable, type: .oneOrMore))
            } else if firstFlags.contains(.runnable) {
                then.runnableBefore += 1
                if then.runnableBefore >= then.requiredRunnableBefore && !then.runnable {
                    then.flags.insert(.runnable); ct = true
                }
            }
        }
        if type.contains(.optional), then.rsc != nil {
            merge(updateOrdered(first, then, firstFlags, filter: .runnable, type: .optional))
        }
        if type.contains(.asymmetrical), then.rsc != nil {
            merge(updateOrdered(first, then, firstFlags, filter: .runnable, type: .asymmetrical))
        }
        if first.runnable && type.contains(.impliesThenPrinted) && !firstFlags.contains(.optional) {
            then.flags.insert(.printAlways)
        }
        if type.contains(.impliesFirstPrinted) && !thenFlags.contains(.optional) {
            first.flags.insert(.printAlways)
        }
        if !type.intersection([.impliesThen, .impliesFirst, .restart]).isEmpty, let fr = first.rsc,
           !fr.managed, fr.block, !first.runnable, first.task == "stop" {
            if then.runnable { then.flags.remove(.runnable); ct = true }
        }
        return (cf, ct)
    }

    /// Dispatches on the `then` resource's variant (`update_ordered_actions`).
    private func updateOrdered(_ first: Action, _ then: Action, _ flags: ActionFlags, filter: ActionFlags,
                               type: OrderFlags, node: Node?? = nil) -> (Bool, Bool) {
        if let rsc = then.rsc, rsc.variant == .clone {
            return updateOrderedClone(first, then, rsc, node: node ?? then.node, flags, filter: filter, type: type)
        }
        var r = updateOrderedPrimitive(first, then, flags, filter: filter, type: type)
        if let rsc = then.rsc, rsc.variant == .group {
            for member in rsc.children {
                if let ma = member.actions.last(where: { $0.task == then.task }) {
                    let m = updateOrderedPrimitive(first, ma, flags, filter: filter, type: type)
                    if m.0 { r.0 = true }
                    if m.1 { r.1 = true }
                }
            }
        }
        return r
    }

    /// Mirrors `pcmk__multi_update_actions()`: interleaved instances pairwise,
    /// otherwise the clone's action and each instance's runnable one.
    private func updateOrderedClone(_ first: Action, _ then: Action, _ rsc: Resource, node: Node?, _ flags: ActionFlags,
                                    filter: ActionFlags, type: OrderFlags) -> (Bool, Bool) {
        if canInterleave(first, then) {
            return updateInterleaved(first, then, rsc, node: node, filter: filter, type: type)
        }
        var r = updateOrderedPrimitive(first, then, flags, filter: filter, type: type)
        for child in rsc.children {
            guard let ca = child.actions.last(where: { $0.task == then.task && (node == nil || $0.node === node) }) else { continue }
            guard orderingFlags(ca, node: node).contains(.runnable) else { continue }
            let m = child.variant == .primitive ? updateOrderedPrimitive(first, ca, flags, filter: filter, type: type)
                                                : updateOrdered(first, ca, flags, filter: filter, type: type)
            if m.0 { r.0 = true }
            if m.1 {
                r.1 = true
                for a in ca.after.map(\.action) { updateActionForOrderings(a) }
            }
        }
        return r
    }

    /// Mirrors `can_interleave_actions()`.
    private func canInterleave(_ first: Action, _ then: Action) -> Bool {
        guard let fr = first.rsc, let tr = then.rsc, fr !== tr, fr.variant == .clone, tr.variant == .clone else { return false }
        let rsc = then.key.endsWithBytes("_stop_0") || then.key.endsWithBytes("_demote_0") ? fr : tr
        return isTrue(rsc.meta["interleave"])
    }

    /// Mirrors `multi_update_interleave_actions()`.
    private func updateInterleaved(_ first: Action, _ then: Action, _ rsc: Resource, node: Node?,
                                   filter: ActionFlags, type: OrderFlags) -> (Bool, Bool) {
        guard let firstRsc = first.rsc else { return (false, false) }
        var r = (false, false)
        let current = first.key.hasSuffix("_stopped_0") || first.key.hasSuffix("_demoted_0")
        for thenChild in rsc.children {
            guard let firstChild = compatibleInstance(thenChild, firstRsc, current: current) else {
                if !current && !type.intersection([.runnableLeft, .impliesThen]).isEmpty {
                    unassignInstance(thenChild)
                }
                continue
            }
            let task = childTask(first, firstChild)
            guard let fa = firstChild.actions.last(where: { $0.task == task && (node == nil || $0.node === node) }),
                  let ta = thenChild.actions.last(where: { $0.task == then.task && (node == nil || $0.node === node) })
            else { continue }
            if orderActions(fa, ta, type) { r = (true, true) }
            let m = thenChild.variant == .primitive
                ? updateOrderedPrimitive(fa, ta, orderingFlags(fa, node: node), filter: filter, type: type)
                : updateOrdered(fa, ta, orderingFlags(fa, node: node), filter: filter, type: type)
            if m.0 { r.0 = true }
            if m.1 { r.1 = true }
        }
        return r
    }

    /// `pcmk__assign_resource(rsc, NULL, true)` on an instance (each primitive of it).
    private func unassignInstance(_ rsc: Resource) {
        if rsc.variant == .primitive { finalizeAssignment(rsc, nil, force: true); return }
        rsc.children.forEach(unassignInstance)
    }

    private func clearFlag(_ action: Action, _ flag: ActionFlags, because reason: Action) {
        guard action.flags.contains(flag) else { return }
        action.flags.remove(flag)
        if action.rsc !== reason.rsc {
            let change = flag == .optional ? "required" : "unrunnable"   // runnable and migrate-runnable
            let text = "\(change)\(reason.rsc == nil ? "" : " ")\(reason.rsc?.id ?? "") \(reason.task)"
            action.setReason(text, overwrite: flag == .migrateRunnable)
        }
    }

    /// Mirrors `pcmk__update_ordered_actions()`.
    private func updateOrderedPrimitive(_ first: Action, _ then: Action, _ flags: ActionFlags, filter: ActionFlags,
                                        type: OrderFlags) -> (Bool, Bool) {
        let thenBefore = then.flags, firstBefore = first.flags
        if type.contains(.asymmetrical) { handleAsymmetric(first, then) }
        if type.contains(.impliesFirst) && !thenBefore.contains(.optional) {
            if filter.contains(.optional) && !flags.contains(.optional) && firstBefore.contains(.optional) {
                clearFlag(first, .optional, because: then)
            }
            if flags.contains(.migrateRunnable) && !then.flags.contains(.migrateRunnable) {
                clearFlag(first, .migrateRunnable, because: then)
            }
        }
        if type.contains(.promotedImpliesFirst) && filter.contains(.optional) && !then.optional,
           let tr = then.rsc, tr.role == .promoted {
            clearFlag(first, .optional, because: then)
            if first.flags.contains(.migrateRunnable) && !then.flags.contains(.migrateRunnable) {
                clearFlag(first, .migrateRunnable, because: then)
            }
        }
        if type.contains(.impliesFirstMigratable) && filter.contains(.optional) {
            if !then.flags.contains(.migrateRunnable) || !then.runnable { clearFlag(first, .runnable, because: then) }
            if !then.optional { clearFlag(first, .optional, because: then) }
        }
        if type.contains(.pseudoLeft) && filter.contains(.optional) && !first.runnable {
            clearFlag(then, .migrateRunnable, because: first)
            then.flags.remove(.pseudo)
        }
        if type.contains(.runnableLeft) && filter.contains(.runnable) && then.runnable && !flags.contains(.runnable) {
            clearFlag(then, .runnable, because: first)
            clearFlag(then, .migrateRunnable, because: first)
        }
        if type.contains(.impliesThen) && filter.contains(.optional) && then.optional && !flags.contains(.optional)
            && !first.flags.contains(.migrateRunnable) {
            clearFlag(then, .optional, because: first)
        }
        if type.contains(.restart) { handleRestart(first, then, filter: filter) }
        let ct = thenBefore != then.flags
        let cf = firstBefore != first.flags
        if ct, let r = then.rsc, r.parent != nil { updateActionForOrderings(then) }
        return (cf, ct)
    }

    /// Mirrors `handle_asymmetric_ordering()`.
    private func handleAsymmetric(_ first: Action, _ then: Action) {
        guard let rsc = then.rsc else { return }
        let running = !rsc.runningOn.isEmpty
        if !running && then.task == "stop" { return }
        if running && then.optional, let n = then.node, rsc.runningOn.count == 1, rsc.runningOn[0] === n,
           then.task == "start" { return }
        if !first.runnable {
            clearFlag(then, .optional, because: first)
            clearFlag(then, .runnable, because: first)
        }
    }

    /// Mirrors `handle_restart_ordering()`.
    private func handleRestart(_ first: Action, _ then: Action, filter: ActionFlags) {
        guard let tr = then.rsc, tr.variant == .primitive, first.rsc?.variant == .primitive else { return }
        var reason = false
        if filter.contains(.optional) && !then.optional { reason = true }
        if filter.contains(.runnable) && !then.runnable && tr.managed && first.rsc === tr { reason = true }
        guard reason else { return }
        if first.runnable { clearFlag(first, .optional, because: then) }
        if !then.optional { clearFlag(first, .optional, because: then) }
        if !then.flags.contains(.migrateRunnable) { clearFlag(first, .migrateRunnable, because: then) }
        if !first.optional && !first.runnable { clearFlag(then, .runnable, because: first) }
    }
}
