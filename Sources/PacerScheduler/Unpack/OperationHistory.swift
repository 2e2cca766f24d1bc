// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Replays each resource's operation history on each node. Mirrors
/// `unpack_lrm_resource()`, `unpack_rsc_op()` and `process_rsc_state()`.
extension WorkingSet {
    /// - Parameter stateIndex: the position of `state` among the status section's
    ///   `node_state` entries (where ``orderedHistory`` keeps its ops).
    func unpackNodeHistory(_ node: Node, _ state: XMLElement, stateIndex: Int) {
        guard let lrm = state.firstElement(named: "lrm"),
              let list = lrm.firstElement(named: "lrm_resources") else { return }
        var foundFiller = false
        var ordered: [[HistoryOp]] = []
        list.forEachChild(named: "lrm_resource") { entry in
            let ops = sortedOps(entry)
            if orderedHistory != nil { ordered.append(ops) }
            if let rsc = unpackLRMResource(node, entry, ops), rsc.orphanContainerFiller { foundFiller = true }
        }
        if orderedHistory != nil { orderedHistory?[stateIndex] = ordered }
        if foundFiller { mapOrphanedContainerFillers(list) }
    }

    /// Ops of one history entry, oldest first (`sort_op_by_callid()`, a stable merge sort).
    func sortedOps(_ entry: XMLElement) -> [HistoryOp] {
        if entry.children.count == 1, case .element(let only) = entry.children[0], only.name == "lrm_rsc_op" {
            return [HistoryOp(only)]
        }
        // The C code builds its list by prepending (reverse document order), then sorts
        // stably, so entries that compare equal end up in reverse document order.
        var ops: [HistoryOp] = []
        ops.reserveCapacity(entry.children.count)
        for child in entry.children.reversed() {
            if case .element(let op) = child, op.name == "lrm_rsc_op" { ops.append(HistoryOp(op)) }
        }
        return mergeSorted(ops) { compareOps($0, $1) <= 0 }
    }

    /// Orphans whose history names an existing container run inside it (a guest
    /// node's orphaned connection makes its node a guest node again).
    /// Mirrors `handle_orphaned_container_fillers()`.
    private func mapOrphanedContainerFillers(_ list: XMLElement) {
        for entry in list.elements(named: "lrm_resource") {
            guard let cid = entry["container"], let id = entry["id"], let container = resourceByID[cid],
                  let rsc = resourceByID[id], rsc.orphanContainerFiller, rsc.container == nil else { continue }
            rsc.container = container
            container.fillers.append(rsc)
            if rsc.isRemoteNode, let node = nodeByUname[rsc.id], node.remoteRsc === rsc { node.kind = .guest }
        }
    }

    @discardableResult
    private func unpackLRMResource(_ node: Node, _ entry: XMLElement, _ ops: [HistoryOp]) -> Resource? {
        guard let rscID = entry["id"], !rscID.isEmpty else { warn("Ignoring malformed lrm_resource entry without id"); return nil }
        if ops.isEmpty { return nil }
        let resource: Resource
        if let known = historyResource(rscID, node), known.variant == .primitive {
            resource = known
        } else if let known = resourceByID[rscID], known.variant == .group {
            warn("Ignoring history for '\(rscID)' on \(node.uname): it is a group not a primitive")
            return nil
        } else {
            resource = makeOrphan(id: rscID, entry: entry)
        }
        let savedRole = resource.role
        resource.role = .unknown
        var onFail = OnFail.ignore
        var lastFailure: HistoryOp?
        for op in ops {
            unpackOp(resource, node, op, &lastFailure, &onFail, allOps: ops)
        }
        // Optional actions for the active monitors: only a schedule has a use for them.
        if !statusOnly { recordActiveRecurring(resource, node, ops) }
        processState(resource, node, onFail)
        if let req = targetRole(resource.meta["target-role"], rsc: resource) {
            if resource.nextRole == .unknown || req < resource.nextRole { resource.nextRole = req }
        }
        if savedRole > resource.role { resource.role = savedRole }
        return resource
    }

    private func setActive(_ rsc: Resource) { rsc.role = rsc.inPromotable ? .unpromoted : .started }

    /// What a failure bans: the resource, or for an anonymous clone instance the clone.
    private func banTarget(_ rsc: Resource) -> Resource { rsc.unique ? rsc : rsc.top }

    private func unpackOp(_ rsc: Resource, _ node: Node, _ op: HistoryOp, _ lastFailure: inout HistoryOp?,
                          _ onFail: inout OnFail, allOps: [HistoryOp]) {
        if op.task == "notify" || op.task == "meta-data" || op.task.isEmpty { return }
        var rc = op.rc
        var status = op.status
        let target = op.targetRC
        var expired = false
        if status != ExecStatus.notInstalled.rawValue && checkExpiry(rsc, node, op) { expired = true }
        let oldRC = rc
        // remap_operation()
        if op.task == "monitor" {
            if rc == 190 { rc = 0 } else if rc == 191 { rc = 8 }
        }
        let maskable = op.maskableProbeFailure
        if maskable { status = 0; rc = 7 }
        if status == ExecStatus.done.rawValue || status == ExecStatus.error.rawValue {
            status = 0
            if target < 0 || target != rc { status = ExecStatus.error.rawValue }
            switch rc {
            case 0:
                if op.isProbe && target == 7 { status = 0 }
            case 7:
                if op.isProbe || target == rc || !rsc.managed {
                    status = 0
                    rsc.role = .stopped
                    onFail = .ignore
                    rsc.nextRole = .unknown
                }
            case 8:
                if op.isProbe && rc != target { status = 0 }   // probe found it promoted
                rsc.role = .promoted
            case 9, 190:
                rsc.role = .promoted
                status = ExecStatus.error.rawValue
            case 6:
                status = ExecStatus.errorFatal.rawValue
            case 3:
                if op.intervalMs == 0 { checkRecoverable(rsc, node, op.task); status = ExecStatus.errorHard.rawValue }
                else { status = ExecStatus.notSupported.rawValue }
            case 5, 2, 4:
                checkRecoverable(rsc, node, op.task)
                status = ExecStatus.errorHard.rawValue
            default:
                if status == 0 { status = ExecStatus.error.rawValue }
            }
        }
        if expired && maskable && oldRC != target {
            if rsc.role <= .stopped { rsc.role = .unknown }
            return
        } else if expired && rc != target {
            if op.intervalMs == 0 { return }
            if node.online && !node.unclean {
                if op.xml["op-digest"] != nil { forcedRestartDigests.insert(historyKey(node, op)) }
                return
            }
        }
        if maskable {
            if node.online && op.xml["on_node"] != nil && rsc.failedProbeRC == nil { rsc.failedProbeRC = oldRC }
            if node.online && op.xml["on_node"] != nil && rsc.failedProbeOn[node.index] == nil { rsc.failedProbeOn[node.index] = oldRC }
            updateResourceState(rsc, node, op, rc: target, lastFailure: lastFailure, &onFail)
            addLocationRecursive(banTarget(rsc), node, -Score.infinityValue)
            return
        }
        switch ExecStatus(rawValue: status) ?? .error {
        case .cancelled:
            return
        case .pending:
            if op.task == "start" { rsc.startPending = true; setActive(rsc) }
            else if op.task == "promote" { rsc.role = .promoted }
            if rsc.pendingTask == nil, op.intervalMs != 0 || op.task != "monitor" { rsc.pendingTask = op.task; rsc.pendingNode = node }
            return
        case .done:
            updateResourceState(rsc, node, op, rc: rc, lastFailure: lastFailure, &onFail)
            return
        case .notInstalled:
            let strategy = onFailFor(rsc: rsc, task: op.task, intervalMs: op.intervalMs, value: configuredOnFail(rsc, op)).0
            if strategy == .ignore { onFail = .migrate }
            addLocationRecursive(banTarget(rsc), node, -Score.infinityValue)
            unpackFailure(rsc, node, op, rc: rc, &lastFailure, &onFail)
            return
        case .noFenceDevice, .noSecrets:
            status = ExecStatus.errorHard.rawValue
        default:
            break
        }
        let strategy = onFailFor(rsc: rsc, task: op.task, intervalMs: op.intervalMs, value: configuredOnFail(rsc, op)).0
        // A failed stop inside a container is ignored: restarting the container stops it.
        if strategy == .ignore || (strategy == .restartContainer && op.task == "stop") {
            updateResourceState(rsc, node, op, rc: target, lastFailure: lastFailure, &onFail)
            rsc.failureIgnored = true
            if strategy == .restartContainer && compareOnFail(onFail, .recover) <= 0 { onFail = strategy }
        } else {
            unpackFailure(rsc, node, op, rc: rc, &lastFailure, &onFail)
            if status == ExecStatus.errorHard.rawValue {
                addLocationRecursive(banTarget(rsc), node, -Score.infinityValue)
            } else if status == ExecStatus.errorFatal.rawValue {
                addLocationEverywhere(banTarget(rsc), -Score.infinityValue)
            }
        }
    }

    /// The `on-fail` configured for the op a history entry's key names, or op_defaults'.
    /// Mirrors `get_action_on_fail()`: the key is `operation_key` (or the entry's id)
    /// and must match `RSC_NAME_INTERVAL` of a configured op exactly (disabled ops count).
    func configuredOnFail(_ rsc: Resource, _ op: HistoryOp) -> String? {
        let key = (op.xml["operation_key"] ?? op.id).lowercased()
        // A clone instance's history may name it differently (find_rsc_op_entry() tries clone_name).
        let names = [rsc.id] + (rsc.cloneName.map { [$0] } ?? [])
        if let c = rsc.ops.first(where: { op in names.contains { opKey($0, op.name, op.intervalMs).lowercased() == key } }) {
            return c.onFail ?? opDefaults["on-fail"]
        }
        return opDefaults["on-fail"]
    }

    /// Mirrors `check_recoverable()`: a failed stop that fencing cannot resolve blocks the resource.
    private func checkRecoverable(_ rsc: Resource, _ node: Node, _ task: String) {
        guard task == "stop" else { return }
        if canFence(node) { return }
        rsc.managed = false
        rsc.block = true
    }


    /// Mirrors `unpack_rsc_op_failure()`.
    private func unpackFailure(_ rsc: Resource, _ node: Node, _ op: HistoryOp, rc: Int,
                               _ lastFailure: inout HistoryOp?, _ onFail: inout OnFail) {
        lastFailure = op
        let (actionOnFail, failRole) = onFailFor(rsc: rsc, task: op.task, intervalMs: op.intervalMs, value: configuredOnFail(rsc, op))
        if compareOnFail(onFail, actionOnFail) < 0 { onFail = actionOnFail }
        if op.task == "stop" {
            rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
        } else if op.task == "migrate_to" {
            unpackMigrateToFailure(rsc, node, op)
        } else if op.task == "migrate_from" {
            unpackMigrateFromFailure(rsc, node, op)
        } else if op.task == "promote" {
            rsc.role = .promoted
        } else if op.task == "demote" {
            rsc.role = actionOnFail == .block ? .promoted : (rc == 7 ? .stopped : .unpromoted)
        }
        if op.isProbe && rc == 5 {
            rsc.role = .stopped
        } else if rsc.role < .started {
            setActive(rsc)
        }
        if failRole != .started && rsc.nextRole < failRole { rsc.nextRole = failRole }
        if failRole == .stopped {
            let target = banTarget(rsc)
            for n in nodes { target.allowed[n.index] = -Score.infinityValue }
        }
    }

    /// Mirrors `cmp_on_fail()` for the responses used here.
    private func compareOnFail(_ a: OnFail, _ b: OnFail) -> Int { a.rawValue - b.rawValue }

    /// Mirrors `update_resource_state()`.
    private func updateResourceState(_ rsc: Resource, _ node: Node, _ op: HistoryOp, rc: Int,
                                     lastFailure: HistoryOp?, _ onFail: inout OnFail) {
        var clear = false
        if rc == 5 || op.maskableProbeFailure {
            rsc.role = .stopped
        } else if rc == 7 {
            clear = true
        } else if op.task == "monitor" {
            if let lf = lastFailure, lf.taskAndInterval == op.taskAndInterval { clear = true }
            if rsc.role < .started { setActive(rsc) }
        } else if op.task == "start" {
            rsc.role = .started; clear = true
        } else if op.task == "stop" {
            rsc.role = .stopped; clear = true
        } else if op.task == "promote" {
            rsc.role = .promoted; clear = true
        } else if op.task == "demote" {
            if onFail == .demote { clear = true }
            rsc.role = .unpromoted
        } else if op.task == "migrate_from" {
            rsc.role = .started; clear = true
        } else if op.task == "migrate_to" {
            unpackMigrateToSuccess(rsc, node, op)
        } else if rsc.role < .started {
            setActive(rsc)
        }
        if clear {
            switch onFail {
            case .block, .ignore, .demote, .recover, .restartContainer:
                onFail = .ignore
                rsc.nextRole = .unknown
            case .resetRemote:
                // With a reconnect interval, the connection stays failed until it expires.
                if rsc.remoteReconnectMs == 0 {
                    onFail = .ignore
                    rsc.nextRole = .unknown
                }
            default: break
            }
        }
    }

    /// Mirrors `process_rsc_state()`.
    private func processState(_ rsc: Resource, _ node: Node, _ onFailIn: OnFail) {
        var onFail = onFailIn
        if rsc.role != .unknown { rsc.knownOn.insert(node.index) }
        if rsc.role > .stopped && !node.online && !node.maintenance && rsc.managed {
            var reason = "\(rsc.id) is thought to be active there"
            var shouldFence = false
            if node.isGuest {
                // A guest node is fenced by recovering its guest resource.
                rsc.failed = true; rsc.stopFlag = true
                shouldFence = true
            } else if stonithEnabled {
                if node.isRemote, let connection = node.remoteRsc, !connection.failed {
                    // Fencing is revoked if the connection can be re-established elsewhere.
                    node.unseen = true
                    reason = "\(rsc.id) is active there (fencing will be revoked if remote connection can be re-established elsewhere)"
                }
                shouldFence = true
            }
            if shouldFence { fenceNode(node, reason: reason) }
        }
        if node.unclean { onFail = .ignore }
        switch onFail {
        case .ignore: break
        case .demote:
            rsc.failed = true
            customAction(rsc, key: opKey(rsc.id, "demote"), task: "demote", node: node, optional: false)
        case .fence: fenceNode(node, reason: "\(rsc.id) failed there")
        case .standby: node.standby = true
        case .block: rsc.managed = false; rsc.block = true
        case .migrate: rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
        case .stop: rsc.nextRole = .stopped
        case .recover:
            if rsc.role != .stopped && rsc.role != .unknown {
                rsc.failed = true; rsc.stopFlag = true
                customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: false)
            }
        case .restartContainer:
            rsc.failed = true; rsc.stopFlag = true
            if let container = rsc.container {
                customAction(container, key: opKey(container.id, "stop"), task: "stop", node: node, optional: false)
            } else if rsc.role != .stopped && rsc.role != .unknown {
                customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: false)
            }
        case .resetRemote:
            rsc.failed = true; rsc.stopFlag = true
            if stonithEnabled, rsc.isRemoteNode, let remote = nodeByUname[rsc.id], remote.kind == .remote,
               !remote.remoteWasFenced {
                fenceNode(remote, reason: "remote connection is unrecoverable")
            }
            if rsc.role > .stopped {
                customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: false)
            }
            if rsc.remoteReconnectMs > 0 { rsc.nextRole = .stopped }
        }
        // A failed connection fences its unclean remote node even if it reconnects.
        if rsc.failed && rsc.isRemoteNode, let remote = nodeByUname[rsc.id], remote.unclean {
            remote.unseen = false
        }
        if rsc.role != .stopped && rsc.role != .unknown {
            rsc.addRunning(node)
            switch onFail {
            case .ignore: break
            case .demote, .block: rsc.failed = true
            default: rsc.failed = true; rsc.stopFlag = true
            }
        } else if let name = rsc.cloneName, name.contains(":") {
            // A stopped instance found under a numbered history name forgets it.
            rsc.cloneName = nil
        } else {
            for stop in resourceActions(rsc, node: node, task: "stop") { stop.flags.insert(.optional) }
        }
    }
}
