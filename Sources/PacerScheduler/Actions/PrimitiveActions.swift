// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Start/stop actions for primitives and pseudo actions for groups. Mirrors
/// `pcmk__primitive_create_actions()`, `stop_resource()`, `start_resource()`
/// (pcmk_sched_primitive.c) and `pcmk__group_create_actions()` (pcmk_sched_group.c).
extension WorkingSet {
    func createActions(_ rsc: Resource) {
        switch rsc.variant {
        case .group:
            for c in rsc.children { createActions(c) }
            let roles = isTrue(rsc.meta["promotable"]) ? ["demote", "demoted", "promote", "promoted"] : []
            for task in ["start", "running", "stop", "stopped"] + roles {
                let a = customAction(rsc, key: opKey(rsc.id, task), task: task, node: nil, optional: true)
                a.flags.formUnion([.pseudo, .runnable])
            }
        case .primitive:
            createPrimitiveActions(rsc)
        case .clone:
            createCloneActions(rsc)
        }
    }

    func stopAction(_ rsc: Resource, _ node: Node, optional: Bool) -> Action {
        customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: optional)
    }

    func startAction(_ rsc: Resource, _ node: Node, optional: Bool) -> Action {
        customAction(rsc, key: opKey(rsc.id, "start"), task: "start", node: node, optional: optional)
    }

    private func createPrimitiveActions(_ rsc: Resource) {
        if rsc.nextRole == .unknown { rsc.nextRole = rsc.allocatedTo == nil ? .stopped : .started }
        var needStop = false
        var isMoving = false
        let (current, countAll, countClean) = activeNode(rsc)
        // A migration that completed still has the resource to stop on its source.
        for source in rsc.danglingMigrations { _ = stopAction(rsc, source, optional: false) }
        var allowMigrate = false
        if let cur = current, let to = rsc.allocatedTo, cur !== to, rsc.nextRole >= .started {
            isMoving = true
            allowMigrate = canMigrate(rsc, cur)
            needStop = true
        }
        var multiplyActive = false
        if let source = rsc.partialMigrationSource, let target = rsc.partialMigrationTarget, allowMigrate,
           countAll == 2, current === source, rsc.allocatedTo === target {
            // Continue the partial migration.
        } else if rsc.partialMigrationSource != nil || rsc.partialMigrationTarget != nil {
            // A partial migration that cannot continue: recover.
            needStop = true
            rsc.partialMigrationSource = nil
            rsc.partialMigrationTarget = nil
            allowMigrate = false
        } else {
            multiplyActive = rsc.needsFencing ? countAll > 1 : countClean > 1
        }
        if multiplyActive {
            switch rsc.recoveryType {
            case .stopStart: needStop = true
            case .stopUnexpected: needStop = true; rsc.stopUnexpected = true
            default: break
            }
        } else {
            rsc.stopUnexpected = false
        }
        if rsc.startPending, let to = rsc.allocatedTo {
            let s = startAction(rsc, to, optional: true)
            s.flags.insert(.printAlways)
        }
        var needPromote = false
        if isMoving {
        } else if rsc.failed {
            if rsc.stopFlag { needStop = true } else if rsc.nextRole == .promoted { needPromote = true }
        } else if rsc.block {
            needStop = true
        } else if rsc.role > .started, current != nil, let to = rsc.allocatedTo {
            // Recovery of a promoted resource
            if !startAction(rsc, to, optional: true).optional { needStop = true }
        }
        scheduleRestartActions(rsc, current: current, needStop: needStop, needPromote: needPromote)
        scheduleRoleTransition(rsc)
        createRecurringActions(rsc)
        if allowMigrate, let current { createMigrationActions(rsc, current) }
    }

    /// `rsc_state_matrix`: the next role on the way from one role to another.
    private func nextRole(from: Role, to: Role) -> Role {
        switch (from, to) {
        case (_, .unknown): return from == .unknown ? .unknown : (from == .promoted ? .stopped : .stopped)
        case (.unknown, _): return .stopped
        case (.stopped, .stopped): return .stopped
        case (.stopped, .started): return .started
        case (.stopped, _): return .unpromoted
        case (.started, .stopped): return .stopped
        case (.started, .started): return .started
        case (.started, .unpromoted): return .unpromoted
        case (.started, .promoted): return .promoted
        case (.unpromoted, .stopped), (.unpromoted, .started): return .stopped
        case (.unpromoted, .unpromoted): return .unpromoted
        case (.unpromoted, .promoted): return .promoted
        case (.promoted, .promoted): return .promoted
        case (.promoted, _): return .unpromoted
        }
    }

    /// `rsc_action_matrix`: the action taking a resource from one role to the next.
    private func transition(_ rsc: Resource, from: Role, to: Role, node: Node?, optional: Bool) -> Bool {
        switch (from, to) {
        case (.unknown, .stopped), (.started, .stopped), (.unpromoted, .stopped), (.unpromoted, .started):
            stopResource(rsc, optional: optional)
        case (.stopped, .started), (.stopped, .unpromoted):
            if let node { startResource(rsc, node, optional: optional) }
        case (.started, .promoted), (.unpromoted, .promoted):
            if let node { promoteResource(rsc, node, optional: optional) }
        case (.promoted, .stopped), (.promoted, .started), (.promoted, .unpromoted):
            demoteResource(rsc, optional: optional)
        case (.stopped, .stopped), (.started, .started), (.started, .unpromoted), (.unpromoted, .unpromoted),
             (.promoted, .promoted):
            return false
        default:
            return false
        }
        return true
    }

    /// Mirrors `schedule_restart_actions()`.
    private func scheduleRestartActions(_ rsc: Resource, current: Node?, needStop: Bool, needPromote: Bool) {
        rsc.restarting = true
        var role = rsc.role
        while role != .stopped {
            let next = nextRole(from: role, to: .stopped)
            if !transition(rsc, from: role, to: next, node: current, optional: !needStop) { break }
            role = next
        }
        while rsc.role <= rsc.nextRole && role != rsc.role && !rsc.block {
            let next = nextRole(from: role, to: rsc.role)
            let required = needStop || (next == .promoted && needPromote)
            if !transition(rsc, from: role, to: next, node: rsc.allocatedTo, optional: !required) { break }
            role = next
        }
        rsc.restarting = false
    }

    /// Mirrors `schedule_role_transition_actions()`.
    private func scheduleRoleTransition(_ rsc: Resource) {
        var role = rsc.role
        while role != rsc.nextRole {
            let next = nextRole(from: role, to: rsc.nextRole)
            if !transition(rsc, from: role, to: next, node: rsc.allocatedTo, optional: false) { break }
            role = next
        }
    }

    /// Mirrors `promote_resource()`.
    private func promoteResource(_ rsc: Resource, _ node: Node, optional: Bool) {
        let starts = resourceActions(rsc, node: node, task: "start")
        if starts.allSatisfy({ $0.runnable }) {
            let promote = customAction(rsc, key: opKey(rsc.id, "promote"), task: "promote", node: node, optional: optional)
            if isExpectedNode(rsc, node) { promote.flags.insert(.pseudo) }
        } else {
            for p in resourceActions(rsc, node: node, task: "promote") { p.flags.remove(.runnable) }
        }
    }

    /// Mirrors `demote_resource()`.
    private func demoteResource(_ rsc: Resource, optional: Bool) {
        for current in rsc.runningOn where !isExpectedNode(rsc, current) {
            customAction(rsc, key: opKey(rsc.id, "demote"), task: "demote", node: current, optional: optional)
        }
    }

    private func isExpectedNode(_ rsc: Resource, _ node: Node) -> Bool {
        rsc.stopUnexpected && rsc.runningOn.count > 1 && rsc.allocatedTo === node
    }

    /// Mirrors `stop_resource()`.
    func stopResource(_ rsc: Resource, optional: Bool) {
        for current in rsc.runningOn {
            if isExpectedNode(rsc, current) { continue }
            var optional = optional
            if let target = rsc.partialMigrationTarget {
                // A partial migration continues where it was going and still is.
                if current === target && rsc.allocatedTo === target { continue }
                optional = false
            }
            let stop = stopAction(rsc, current, optional: optional)
            if rsc.allocatedTo == nil {
                stop.setReason("node availability", overwrite: true)
            } else if rsc.restarting && rsc.stopUnexpected {
                stop.setReason("being multiply active", overwrite: true)
            }
            if !rsc.managed { stop.flags.remove(.runnable) }
            if rsc.needsUnfencing {
                orderActions(stop, fenceOp(current, op: "on", optional: true, reason: nil), .impliesFirst)
            }
        }
    }

    /// Mirrors `start_resource()`.
    private func startResource(_ rsc: Resource, _ node: Node, optional: Bool) {
        let start = startAction(rsc, node, optional: true)
        if start.runnable && !optional { start.flags.remove(.optional) }
        if isExpectedNode(rsc, node) { start.flags.insert(.pseudo) }
        orderVsUnfence(rsc, node, start, .impliesThen)
    }
}
