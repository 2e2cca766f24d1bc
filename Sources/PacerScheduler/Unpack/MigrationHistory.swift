// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// What a live migration's history says: where the resource is active after a
/// migrate_to or migrate_from, whether a migration is half done (partial) or left a
/// copy on its source (dangling), and when it failed. Mirrors
/// `unpack_migrate_to_success()`, `unpack_migrate_to_failure()`,
/// `unpack_migrate_from_failure()` and their helpers (lib/pengine/unpack.c).
extension WorkingSet {
    /// The history entries of `rscID` on the node named `nodeName`.
    private func historyOps(_ rscID: String, _ nodeName: String) -> [XMLElement]? {
        guard let node = nodeByUname[nodeName], let entry = historyEntry(node, rscID) else { return nil }
        return entry.elements(named: "lrm_rsc_op")
    }

    /// The first `task` entry on the node (for migrations: from or to `peer`),
    /// with result `rc` when given (`find_lrm_op()`).
    private func findOp(_ rscID: String, _ task: String, on nodeName: String, peer: String?, rc: Int?) -> HistoryOp? {
        guard let ops = historyOps(rscID, nodeName) else { return nil }
        let found = ops.first { op in
            guard op["operation"] == task else { return false }
            guard let peer else { return true }
            if task == "migrate_to" { return op["migrate_target"] == peer }
            if task == "migrate_from" { return op["migrate_source"] == peer }
            return true
        }
        guard let found else { return nil }
        let op = HistoryOp(found)
        if let rc, op.rc != rc || op.status != 0 { return nil }
        return op
    }

    /// No history of the resource on the node (`unknown_on_node()`).
    private func unknownOn(_ rscID: String, _ nodeName: String) -> Bool {
        historyOps(rscID, nodeName)?.isEmpty ?? true
    }

    /// `pe__is_newer_op()` with a default for entries without `on_node`.
    private func isNewer(_ a: HistoryOp, than b: HistoryOp, sameNode: Bool) -> Bool {
        var a = a, b = b
        if a.onNode == nil || b.onNode == nil {
            // compareOps() treats entries without a node as on the same node.
            if !sameNode { a.onNode = "\u{1}a"; b.onNode = "\u{1}b" }
        }
        return compareOps(a, b) > 0
    }

    /// A start, stop or migration newer than `op` on the node (`non_monitor_after()`).
    private func nonMonitorAfter(_ rscID: String, _ nodeName: String, _ op: HistoryOp, sameNode: Bool) -> Bool {
        guard let ops = historyOps(rscID, nodeName) else { return false }
        for el in ops where el != op.xml {
            let other = HistoryOp(el)
            if ["start", "stop", "migrate_to", "migrate_from"].contains(other.task),
               isNewer(other, than: op, sameNode: sameNode) { return true }
        }
        return false
    }

    /// A newer "not running" monitor on the node (`monitor_not_running_after()`).
    private func monitorNotRunningAfter(_ rscID: String, _ nodeName: String, _ op: HistoryOp, sameNode: Bool) -> Bool {
        guard let monitor = findOp(rscID, "monitor", on: nodeName, peer: nil, rc: 7) else { return false }
        return isNewer(monitor, than: op, sameNode: sameNode)
    }

    /// Whether the node has newer state than the migration (`newer_state_after_migrate()`).
    private func newerStateAfterMigrate(_ rscID: String, _ nodeName: String, to migrateTo: HistoryOp?,
                                        from migrateFrom: HistoryOp?) -> Bool {
        guard var op = migrateFrom ?? migrateTo else { return false }
        var sameNode = false
        if nodeName.lowercased() == op.xml["migrate_target"]?.lowercased() {
            if let f = migrateFrom { op = f; sameNode = true } else if let t = migrateTo { op = t }
        } else if nodeName.lowercased() == op.xml["migrate_source"]?.lowercased() {
            if let t = migrateTo { op = t; sameNode = true } else if let f = migrateFrom { op = f }
        }
        return nonMonitorAfter(rscID, nodeName, op, sameNode: sameNode)
            || monitorNotRunningAfter(rscID, nodeName, op, sameNode: sameNode)
    }

    func unpackMigrateToSuccess(_ rsc: Resource, _ node: Node, _ op: HistoryOp) {
        guard let source = op.xml["migrate_source"], let target = op.xml["migrate_target"],
              source == node.uname else { return }
        let historyID = rsc.cloneName ?? rsc.id
        let sourceNewerOp = nonMonitorAfter(historyID, source, op, sameNode: true)
        let migrateFrom = findOp(historyID, "migrate_from", on: target, peer: source, rc: nil)
        if sourceNewerOp && migrateFrom != nil { return }
        let targetNewerState = newerStateAfterMigrate(historyID, target, to: op, from: migrateFrom)
        if sourceNewerOp && targetNewerState { return }
        rsc.role = .started
        let targetNode = nodeByUname[target], sourceNode = nodeByUname[source]
        if let from = migrateFrom, from.rc == 0, from.status == 0 {
            // Both halves succeeded: the source still needs a stop.
            rsc.role = .stopped
            rsc.danglingMigrations.append(node)
        } else if let from = migrateFrom, from.status != -1 {
            // migrate_from failed
            if !targetNewerState, let t = targetNode, t.online {
                rsc.addRunning(t)
            } else {
                rsc.failed = true; rsc.stopFlag = true
                rsc.allowMigrate = false
            }
        } else {
            // Pending, or complete but erased
            if !targetNewerState, let t = targetNode, t.online {
                rsc.addRunning(t)
                if let s = sourceNode, s.online {
                    rsc.partialMigrationTarget = t
                    rsc.partialMigrationSource = s
                }
            } else if !sourceNewerOp {
                rsc.failed = true; rsc.stopFlag = true
                rsc.allowMigrate = false
            }
        }
    }

    func unpackMigrateToFailure(_ rsc: Resource, _ node: Node, _ op: HistoryOp) {
        guard let source = op.xml["migrate_source"], let target = op.xml["migrate_target"],
              source == node.uname else { return }
        let historyID = rsc.cloneName ?? rsc.id
        rsc.role = .started
        let migrateFrom = findOp(historyID, "migrate_from", on: target, peer: source, rc: 0)
        if !unknownOn(historyID, target) && !newerStateAfterMigrate(historyID, target, to: op, from: migrateFrom) {
            // Assume it is still active on the target.
            if let t = nodeByUname[target], t.online { rsc.addRunning(t) }
        } else if !nonMonitorAfter(historyID, source, op, sameNode: true) {
            rsc.danglingMigrations.append(node)
        }
    }

    func unpackMigrateFromFailure(_ rsc: Resource, _ node: Node, _ op: HistoryOp) {
        guard let source = op.xml["migrate_source"], let target = op.xml["migrate_target"],
              target == node.uname else { return }
        let historyID = rsc.cloneName ?? rsc.id
        rsc.role = .started
        let migrateTo = findOp(historyID, "migrate_to", on: source, peer: target, rc: 0)
        if !unknownOn(historyID, source) && !newerStateAfterMigrate(historyID, source, to: migrateTo, from: op) {
            // Assume it is still active on the source.
            if let s = nodeByUname[source], s.online { rsc.addRunning(s) }
        }
    }
}
