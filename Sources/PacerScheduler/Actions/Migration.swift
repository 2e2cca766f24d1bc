// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Live migration (`allow-migrate`): migrate_to on the old node, migrate_from on
/// the new one, instead of stop and start. Mirrors `pcmk__rsc_can_migrate()`,
/// `pcmk__create_migration_actions()` and `pcmk__order_migration_equivalents()`
/// (pcmk_sched_migration.c), for migrations that start in this transition.
extension WorkingSet {
    func canMigrate(_ rsc: Resource, _ current: Node?) -> Bool {
        guard rsc.allowMigrate, rsc.managed, !rsc.failed, !rsc.startPending else { return false }
        guard let current, !current.unclean, let to = rsc.allocatedTo, !to.unclean else { return false }
        return true
    }

    func createMigrationActions(_ rsc: Resource, _ current: Node) {
        guard let target = rsc.allocatedTo else { return }
        let start = startAction(rsc, target, optional: true)
        let stop = stopAction(rsc, current, optional: true)
        let partial = rsc.partialMigrationTarget != nil
        // A partial migration continues with migrate_from: migrate_to already ran.
        let migrateTo = partial ? nil
            : customAction(rsc, key: opKey(rsc.id, "migrate_to"), task: "migrate_to", node: current, optional: true)
        let migrateFrom = customAction(rsc, key: opKey(rsc.id, "migrate_from"), task: "migrate_from", node: target, optional: true)
        start.flags.insert(.migrateRunnable)
        stop.flags.insert(.migrateRunnable)
        start.flags.insert(.pseudo)   // "easier than trying to delete it from the graph"
        migrateFrom.flags.insert(.migrateRunnable)
        if let migrateTo {
            migrateTo.flags.insert(.migrateRunnable)
            migrateTo.needs = start.needs
            updateRunnable(migrateTo)
            orderResourceActions(rsc, "monitor", rsc, "migrate_to", [.optional])
            orderResourceActions(rsc, "migrate_to", rsc, "migrate_from", [.optional, .impliesFirstMigratable])
        } else {
            migrateFrom.needs = start.needs
            updateRunnable(migrateFrom)
            orderResourceActions(rsc, "monitor", rsc, "migrate_from", [.optional])
        }
        orderResourceActions(rsc, "migrate_from", rsc, "stop", [.optional, .impliesFirstMigratable])
        orderResourceActions(rsc, "migrate_from", rsc, "start", [.optional, .impliesFirstMigratable, .pseudoLeft])
    }

    /// Extra orderings so migrations respect orderings between resources
    /// (`pcmk__order_migration_equivalents()`), added with each new ordering.
    func orderMigrationEquivalents(_ order: Ordering) {
        guard let first = order.firstRsc, let then = order.thenRsc, first !== then,
              !isAncestor(first, of: then), !isAncestor(then, of: first) else { return }
        let firstMigratable = first.allowMigrate, thenMigratable = then.allowMigrate
        guard firstMigratable || thenMigratable else { return }
        let firstTask = order.firstAction?.task ?? taskOfKey(order.firstKey, first)
        let thenTask = order.thenAction?.task ?? taskOfKey(order.thenKey, then)
        if firstTask == "start" && thenTask == "start" {
            var flags: OrderFlags = [.optional]
            if firstMigratable && thenMigratable {
                appendOrdering(first, "migrate_from", then, "migrate_to", flags)
            }
            if thenMigratable {
                if firstMigratable { flags.insert(.applyFirstNonMigratable) }
                appendOrdering(first, "start", then, "migrate_to", flags)
            }
        } else if thenMigratable && firstTask == "stop" && thenTask == "stop" {
            var flags: OrderFlags = [.optional]
            if firstMigratable { flags.insert(.applyFirstNonMigratable) }
            appendOrdering(first, "stop", then, "migrate_to", flags)
        } else if thenMigratable && firstTask == "promote" && thenTask == "start" {
            appendOrdering(first, "promote", then, "migrate_to", [.optional])
        } else if thenMigratable && firstTask == "demote" && thenTask == "stop" {
            appendOrdering(first, "demote", then, "migrate_to", [.optional])
        }
    }

    private func appendOrdering(_ first: Resource, _ ft: String, _ then: Resource, _ tt: String, _ flags: OrderFlags) {
        orderings.append(Ordering(firstRsc: first, firstKey: opKey(first.id, ft), firstAction: nil,
                                  thenRsc: then, thenKey: opKey(then.id, tt), thenAction: nil, flags: flags))
    }

    private func isAncestor(_ a: Resource, of b: Resource) -> Bool {
        var p = b.parent
        while let q = p { if q === a { return true }; p = q.parent }
        return false
    }

    private func taskOfKey(_ key: String?, _ rsc: Resource) -> String {
        guard let key else { return "" }
        var rest = Substring(key)
        if rest.hasPrefix(rsc.id + "_") { rest = rest.dropFirst(rsc.id.count + 1) }
        if let u = rest.lastIndex(of: "_") { return String(rest[..<u]) }
        return String(rest)
    }
}
