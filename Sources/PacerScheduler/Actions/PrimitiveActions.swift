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
            for task in ["start", "running", "stop", "stopped"] {
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
        // pe__find_active_on()
        var current: Node?
        var countAll = 0, countClean = 0
        for n in rsc.runningOn {
            let happy = n.online && !n.unclean
            countAll += 1
            if happy { countClean += 1 }
            if rsc.needsFencing {
                if current == nil { current = n }
            } else if happy && (current == nil || !current!.online || current!.unclean) {
                current = n
            } else if current == nil {
                current = n
            }
        }
        var allowMigrate = false
        if let cur = current, let to = rsc.allocatedTo, cur !== to, rsc.nextRole >= .started {
            isMoving = true
            allowMigrate = canMigrate(rsc, cur)
            needStop = true
        }
        let multiplyActive = rsc.needsFencing ? countAll > 1 : countClean > 1
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
        if isMoving {
        } else if rsc.failed {
            if rsc.stopFlag { needStop = true }
        } else if rsc.block {
            needStop = true
        }
        scheduleRestartActions(rsc, current: current, needStop: needStop)
        scheduleRoleTransition(rsc)
        createRecurringActions(rsc)
        if allowMigrate, let current { createMigrationActions(rsc, current) }
    }

    /// Mirrors `schedule_restart_actions()` for the Started/Stopped roles.
    private func scheduleRestartActions(_ rsc: Resource, current: Node?, needStop: Bool) {
        rsc.restarting = true
        var role = rsc.role
        if role != .stopped {
            stopResource(rsc, optional: !needStop)
            role = .stopped
        }
        if rsc.role <= rsc.nextRole && role != rsc.role && !rsc.block {
            if rsc.role >= .started, let to = rsc.allocatedTo { startResource(rsc, to, optional: !needStop) }
        }
        rsc.restarting = false
    }

    /// Mirrors `schedule_role_transition_actions()`.
    private func scheduleRoleTransition(_ rsc: Resource) {
        var role = rsc.role
        while role != rsc.nextRole {
            if role == .stopped && rsc.nextRole >= .started {
                if let to = rsc.allocatedTo { startResource(rsc, to, optional: false) }
                role = .started
                if rsc.nextRole == .started { break }
                break
            } else if role >= .started && rsc.nextRole == .stopped {
                stopResource(rsc, optional: false)
                role = .stopped
            } else if role == .unknown {
                stopResource(rsc, optional: false)
                role = .stopped
            } else {
                break
            }
        }
    }

    private func isExpectedNode(_ rsc: Resource, _ node: Node) -> Bool {
        rsc.stopUnexpected && rsc.runningOn.count > 1 && rsc.allocatedTo === node
    }

    /// Mirrors `stop_resource()`.
    func stopResource(_ rsc: Resource, optional: Bool) {
        for current in rsc.runningOn {
            if isExpectedNode(rsc, current) { continue }
            let stop = stopAction(rsc, current, optional: optional)
            if rsc.allocatedTo == nil {
                stop.setReason("node availability", overwrite: true)
            } else if rsc.restarting && rsc.stopUnexpected {
                stop.setReason("being multiply active", overwrite: true)
            }
            if !rsc.managed { stop.flags.remove(.runnable) }
        }
    }

    /// Mirrors `start_resource()`.
    private func startResource(_ rsc: Resource, _ node: Node, optional: Bool) {
        let start = startAction(rsc, node, optional: true)
        if start.runnable && !optional { start.flags.remove(.optional) }
        if isExpectedNode(rsc, node) { start.flags.insert(.pseudo) }
    }
}
