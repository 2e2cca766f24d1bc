import PacerModel

/// Recurring monitors. Mirrors `pcmk__create_recurring_actions()` and
/// `recurring_op_for_active()` (pcmk_sched_recurring.c), for the Started role.
extension WorkingSet {
    func createRecurringActions(_ rsc: Resource) {
        guard let node = rsc.allocatedTo, rsc.nextRole >= .started else { return }
        if rsc.maintenance || node.maintenance { return }
        let start = findAction(rsc, key: opKey(rsc.id, "start"), node: node)
        for op in rsc.ops where op.name == "monitor" && op.intervalMs > 0 && op.enabled {
            if op.role != .unknown && op.role != .started { continue }
            let key = opKey(rsc.id, "monitor", op.intervalMs)
            var isOptional = start == nil || start!.optional
            if isOptional && !hasActiveRecurring(rsc, node, op.intervalMs) { isOptional = false }
            let mon = customAction(rsc, key: key, task: "monitor", node: node, optional: isOptional)
            if let start, !start.runnable { mon.flags.remove(.runnable) }
            if !rsc.managed { mon.flags.insert(.optional) }
            if !isOptional || start != nil {
                newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "start"), firstAction: nil,
                            thenRsc: rsc, thenKey: key, thenAction: mon, flags: [.impliesThen, .runnableLeft])
            }
        }
    }

    /// Whether the history on `node` shows this monitor active after the last start.
    private func hasActiveRecurring(_ rsc: Resource, _ node: Node, _ interval: Int) -> Bool {
        guard let entry = historyEntry(node, rsc.id) else { return false }
        let ops = sortedOps(entry)
        var lastStart = -1
        for (i, op) in ops.enumerated() where op.task == "start" || op.task == "migrate_from" { lastStart = i }
        for (i, op) in ops.enumerated() where i > lastStart && op.task == "monitor" && op.intervalMs == interval {
            if op.status == 0 || op.status == -1 { return true }
        }
        return false
    }
}
