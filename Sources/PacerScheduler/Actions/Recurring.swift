// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Recurring monitors. Mirrors `pcmk__create_recurring_actions()`,
/// `recurring_op_for_active()`, `recurring_op_for_inactive()` and
/// `pcmk__new_cancel_action()` (pcmk_sched_recurring.c).
extension WorkingSet {
    /// Actions that can never recur (`op_cannot_recur()`).
    private static let neverRecurring: Set<String> = ["stop", "start", "demote", "promote", "reload-agent", "migrate_to", "migrate_from"]

    func createRecurringActions(_ rsc: Resource) {
        if rsc.block || rsc.maintenance { return }
        var start: Action?
        if let node = rsc.allocatedTo, !node.maintenance, rsc.nextRole != .stopped || !rsc.managed {
            start = startAction(rsc, node, optional: true)
        }
        var seen = Set<String>()
        for op in rsc.ops where op.intervalMs > 0 && op.enabled {
            if Self.neverRecurring.contains(op.name) { continue }
            let key = opKey(rsc.id, op.name, op.intervalMs)
            if seen.contains(key) { continue }
            seen.insert(key)
            // is_op_dup(): a name+interval configured twice (different roles, say) recurs for neither.
            if rsc.ops.filter({ $0.name == op.name && $0.intervalMs == op.intervalMs }).count > 1 { continue }
            if let start { recurringForActive(rsc, start, rsc.allocatedTo, op, key) }
            recurringForInactive(rsc, rsc.allocatedTo, op, key)
        }
    }

    private func exactAction(_ rsc: Resource, _ key: String, _ node: Node?) -> Action? {
        guard let node else { return nil }
        return rsc.actions.last { $0.key == key && $0.node === node }
    }

    private func recurringForActive(_ rsc: Resource, _ start: Action, _ node: Node?, _ op: OpConfig, _ key: String) {
        if op.role == .stopped { return }
        let existing = node.map { n in rsc.actions.filter { $0.key == key && $0.node === n } } ?? []
        let isOptional = node != nil && orderingFlags(start).contains(.optional) && !existing.isEmpty
            && !existing.contains { $0.reschedule }
        if (op.role != .unknown && rsc.nextRole != op.role) || (op.role == .unknown && rsc.nextRole == .promoted) {
            if isOptional, let node {
                let cancel = newCancel(rsc, op.name, op.intervalMs, node)
                if rsc.role == .started && rsc.nextRole == .stopped {
                    newOrdering(firstRsc: rsc, firstKey: nil, firstAction: cancel, thenRsc: rsc,
                                thenKey: opKey(rsc.id, "stop"), thenAction: nil, flags: [.runnableLeft])
                }
            }
            return
        }
        let mon = customAction(rsc, key: key, task: op.name, node: node, optional: isOptional)
        if !start.runnable || node == nil || !node!.online || node!.unclean { mon.flags.remove(.runnable) }
        if rsc.nextRole == .promoted { mon.expectedRC = 8 }
        if node == nil || rsc.managed {
            newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "start"), firstAction: nil, thenRsc: nil, thenKey: nil,
                        thenAction: mon, flags: [.impliesThen, .runnableLeft])
            newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "reload-agent"), firstAction: nil, thenRsc: nil, thenKey: nil,
                        thenAction: mon, flags: [.impliesThen, .runnableLeft])
            if rsc.nextRole == .promoted {
                newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "promote"), firstAction: nil, thenRsc: rsc, thenKey: nil,
                            thenAction: mon, flags: [.optional, .runnableLeft])
            } else if rsc.role == .promoted {
                newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "demote"), firstAction: nil, thenRsc: rsc, thenKey: nil,
                            thenAction: mon, flags: [.optional, .runnableLeft])
            }
        }
    }

    private func recurringForInactive(_ rsc: Resource, _ node: Node?, _ op: OpConfig, _ key: String) {
        guard op.role == .stopped else { return }
        for stopNode in nodes {
            if let node, node === stopNode {
                if exactAction(rsc, key, node) != nil {
                    let cancel = newCancel(rsc, op.name, op.intervalMs, node)
                    if rsc.nextRole == .started || rsc.nextRole == .unpromoted {
                        newOrdering(firstRsc: rsc, firstKey: nil, firstAction: cancel, thenRsc: rsc,
                                    thenKey: opKey(rsc.id, "start"), thenAction: nil, flags: [.runnableLeft])
                    }
                }
                continue
            }
            let isOptional = exactAction(rsc, key, stopNode) != nil
            let mon = customAction(rsc, key: key, task: op.name, node: stopNode, optional: isOptional)
            mon.expectedRC = 7
            if rsc.managed {
                for probe in rsc.actions where probe.key == opKey(rsc.id, "monitor") && (probe.node == nil || probe.node === stopNode) {
                    orderActions(probe, mon, [.runnableLeft])
                }
            }
            for stop in rsc.actions where stop.key == opKey(rsc.id, "stop") && stop.node === stopNode {
                if !stop.optional && !mon.optional && !rsc.managed { mon.flags.insert(.optional) }
                if !stop.runnable { mon.flags.remove(.runnable) }
                if rsc.managed {
                    newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "stop"), firstAction: stop, thenRsc: nil, thenKey: nil,
                                thenAction: mon, flags: [.impliesThen, .runnableLeft])
                }
            }
            if !stopNode.online || stopNode.unclean { mon.flags.remove(.runnable) }
        }
    }

    /// Mirrors `pcmk__new_cancel_action()`, including its reuse of an existing action
    /// with the same key (the running monitor becomes its own cancellation).
    @discardableResult
    func newCancel(_ rsc: Resource, _ task: String, _ intervalMs: Int, _ node: Node) -> Action {
        let cancel = customAction(rsc, key: opKey(rsc.id, task, intervalMs), task: "cancel", node: node, optional: false)
        cancel.task = "cancel"
        cancel.cancelInterval = intervalMs
        cancel.needsNothing = true
        updateRunnable(cancel)
        return cancel
    }

    /// Records the recurring ops running since the last start as (optional) actions,
    /// so later steps can tell what is already running. Mirrors `process_recurring()`.
    func recordActiveRecurring(_ rsc: Resource, _ node: Node, _ ops: [HistoryOp]) {
        let (startIndex, stopIndex) = activeOpIndices(ops)
        for (i, op) in ops.enumerated() {
            if !node.online { break }
            if startIndex < stopIndex && i <= stopIndex { continue }
            if i < startIndex { continue }
            if op.intervalMs == 0 || op.status == -1 { continue }
            // An expired failure forced to look changed ("calculated-failure-timeout").
            if forcedRestartDigests.contains(historyKey(node, op)) { continue }
            customAction(rsc, key: opKey(rsc.id, op.task, op.intervalMs), task: op.task, node: node, optional: true)
        }
    }

    /// Index of the last start and last successful stop (`calculate_active_ops()`).
    func activeOpIndices(_ ops: [HistoryOp]) -> (start: Int, stop: Int) {
        var startIndex = -1, stopIndex = -1, impliedMonitor = -1, impliedClone = -1
        for (i, op) in ops.enumerated() {
            if op.task == "stop" && op.status == 0 { stopIndex = i }
            else if op.task == "start" || op.task == "migrate_from" { startIndex = i }
            else if impliedMonitor <= stopIndex && op.task == "monitor" && (op.rc == 0 || op.rc == 8) { impliedMonitor = i }
            else if op.task == "promote" || op.task == "demote" { impliedClone = i }
        }
        if startIndex == -1 { startIndex = impliedClone != -1 ? impliedClone : impliedMonitor }
        return (startIndex, stopIndex)
    }
}
