public import PacerModel

/// Executor result codes and statuses used in `lrm_rsc_op` history.
enum ExecStatus: Int {
    case pending = -1, done = 0, cancelled = 1, timeout = 2, notSupported = 3, error = 4
    case errorHard = 5, errorFatal = 6, notInstalled = 7, notConnected = 8, invalid = 9
    case noFenceDevice = 10, noSecrets = 11
}

/// One `lrm_rsc_op` entry, parsed.
struct HistoryOp {
    var xml: XMLElement
    var id: String
    var task: String
    var intervalMs: Int
    var callID: Int
    var rc: Int
    var status: Int
    var targetRC: Int
    var lastChange: Int?
    var key: String { "\(task)_\(intervalMs)" }
    var isProbe: Bool { task == "monitor" && intervalMs == 0 }

    init(_ el: XMLElement) {
        xml = el
        id = el.id
        task = el["operation"] ?? ""
        intervalMs = Int(el["interval"] ?? "") ?? 0
        callID = Int(el["call-id"] ?? "") ?? 0
        rc = Int(el["rc-code"] ?? "") ?? 0
        status = Int(el["op-status"] ?? "") ?? 0
        // transition-key is "action:transition:target-rc:uuid".
        targetRC = -1
        if let key = el["transition-key"] {
            var field = 0, value = 0, digits = 0
            for b in key.utf8 {
                if b == UInt8(ascii: ":") {
                    if field == 2 { break }
                    field += 1; value = 0; digits = 0
                } else if field == 2, b >= 48, b <= 57 {
                    value = value * 10 + Int(b - 48); digits += 1
                }
            }
            if field == 2 && digits > 0 { targetRC = value }
        }
        lastChange = Int(el["last-rc-change"] ?? el["last-run"] ?? "")
    }

    /// `pcmk_xe_mask_probe_failure()`.
    var maskableProbeFailure: Bool { isProbe && (rc == 5 || rc == 2 || status == ExecStatus.notInstalled.rawValue) }
}

/// Replays each resource's operation history on each node. Mirrors
/// `unpack_lrm_resource()`, `unpack_rsc_op()` and `process_rsc_state()`.
extension WorkingSet {
    func unpackNodeHistory(_ node: Node, _ state: XMLElement) {
        guard let lrm = state.firstElement(named: "lrm"),
              let list = lrm.firstElement(named: "lrm_resources") else { return }
        for entry in list.elements(named: "lrm_resource") {
            unpackLRMResource(node, entry)
        }
    }

    /// Ops of one history entry sorted by call id, pending (-1) last (`sort_op_by_callid()`).
    func sortedOps(_ entry: XMLElement) -> [HistoryOp] {
        if entry.children.count == 1, case .element(let only) = entry.children[0], only.name == "lrm_rsc_op" {
            return [HistoryOp(only)]
        }
        let ops = entry.elements(named: "lrm_rsc_op").map(HistoryOp.init)
        return stableSorted(ops) { a, b in
            let x = a.callID < 0 ? Int.max : a.callID, y = b.callID < 0 ? Int.max : b.callID
            return x < y
        }
    }

    private func unpackLRMResource(_ node: Node, _ entry: XMLElement) {
        guard let rscID = entry["id"] else { warn("Ignoring malformed lrm_resource entry without id"); return }
        let ops = sortedOps(entry)
        if ops.isEmpty { return }
        var rsc = resourceByID[rscID]
        if let r = rsc, r.variant != .primitive { rsc = nil }
        let resource = rsc ?? makeOrphan(id: rscID, entry: entry)
        let savedRole = resource.role
        resource.role = .unknown
        var onFail = OnFail.ignore
        var lastFailure: HistoryOp?
        for op in ops {
            unpackOp(resource, node, op, &lastFailure, &onFail, allOps: ops)
        }
        processState(resource, node, onFail)
        if let req = targetRole(resource.meta["target-role"], rsc: resource) {
            if resource.nextRole == .unknown || req < resource.nextRole { resource.nextRole = req }
        }
        if savedRole > resource.role { resource.role = savedRole }
    }

    private func setActive(_ rsc: Resource) { rsc.role = .started }

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
            if node.online && !node.unclean { return }
        }
        if maskable {
            updateResourceState(rsc, node, op, rc: target, lastFailure: lastFailure, &onFail)
            rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
            return
        }
        switch ExecStatus(rawValue: status) ?? .error {
        case .cancelled:
            return
        case .pending:
            if op.task == "start" { rsc.startPending = true; setActive(rsc) }
            else if op.task == "promote" { rsc.role = .promoted }
            if rsc.pendingTask == nil, op.intervalMs != 0 || op.task != "monitor" { rsc.pendingTask = op.task }
            return
        case .done:
            updateResourceState(rsc, node, op, rc: rc, lastFailure: lastFailure, &onFail)
            return
        case .notInstalled:
            let strategy = onFailFor(rsc: rsc, task: op.task, value: configuredOnFail(rsc, op)).0
            if strategy == .ignore { onFail = .migrate }
            rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
            unpackFailure(rsc, node, op, rc: rc, &lastFailure, &onFail)
            return
        case .noFenceDevice, .noSecrets:
            status = ExecStatus.errorHard.rawValue
        default:
            break
        }
        let strategy = onFailFor(rsc: rsc, task: op.task, value: configuredOnFail(rsc, op)).0
        if strategy == .ignore {
            updateResourceState(rsc, node, op, rc: target, lastFailure: lastFailure, &onFail)
            rsc.failureIgnored = true
        } else {
            unpackFailure(rsc, node, op, rc: rc, &lastFailure, &onFail)
            if status == ExecStatus.errorHard.rawValue {
                rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
            } else if status == ExecStatus.errorFatal.rawValue {
                rsc.addLocation(nil, -Score.infinityValue, nodes: nodes)
            }
        }
    }

    /// The `on-fail` configured for the op matching a history entry (or op_defaults).
    func configuredOnFail(_ rsc: Resource, _ op: HistoryOp) -> String? {
        let name = op.isProbe ? "monitor" : op.task
        if let c = rsc.ops.first(where: { $0.name == name && $0.intervalMs == op.intervalMs && $0.enabled }) {
            return c.onFail
        }
        return opDefaults["on-fail"]
    }

    private func checkRecoverable(_ rsc: Resource, _ node: Node, _ task: String) {
        guard task == "stop" else { return }
        if stonithEnabled { return }
        rsc.managed = false
        rsc.block = true
    }

    /// Mirrors `unpack_rsc_op_failure()`.
    private func unpackFailure(_ rsc: Resource, _ node: Node, _ op: HistoryOp, rc: Int,
                               _ lastFailure: inout HistoryOp?, _ onFail: inout OnFail) {
        lastFailure = op
        let (actionOnFail, failRole) = onFailFor(rsc: rsc, task: op.task, value: configuredOnFail(rsc, op))
        if compareOnFail(onFail, actionOnFail) < 0 { onFail = actionOnFail }
        if op.task == "stop" {
            rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
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
            for n in nodes { rsc.allowed[n.index] = -Score.infinityValue }
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
            if let lf = lastFailure, lf.key == op.key { clear = true }
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
            // partial migrations are not modelled
        } else if rsc.role < .started {
            setActive(rsc)
        }
        if clear {
            switch onFail {
            case .block, .ignore, .demote, .recover, .restartContainer:
                onFail = .ignore
                rsc.nextRole = .unknown
            case .resetRemote:
                onFail = .ignore
                rsc.nextRole = .unknown
            default: break
            }
        }
    }

    /// Mirrors `process_rsc_state()`.
    private func processState(_ rsc: Resource, _ node: Node, _ onFailIn: OnFail) {
        var onFail = onFailIn
        if rsc.role != .unknown { rsc.knownOn.insert(node.index) }
        if rsc.role > .stopped && !node.online && !node.maintenance && rsc.managed && stonithEnabled {
            node.unclean = true
        }
        let saved = onFail
        if node.unclean { onFail = .ignore }
        switch onFail {
        case .ignore: break
        case .demote: rsc.failed = true
        case .fence: node.unclean = true
        case .standby: node.standby = true
        case .block: rsc.managed = false; rsc.block = true
        case .migrate: rsc.addLocation(node, -Score.infinityValue, nodes: nodes)
        case .stop: rsc.nextRole = .stopped
        case .recover, .restartContainer, .resetRemote:
            if rsc.role != .stopped && rsc.role != .unknown {
                rsc.failed = true; rsc.stopFlag = true
                customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: false)
            }
        }
        if rsc.role != .stopped && rsc.role != .unknown {
            rsc.addRunning(node, onFailNotIgnored: saved != .ignore)
            switch onFail {
            case .ignore: break
            case .demote, .block: rsc.failed = true
            default: rsc.failed = true; rsc.stopFlag = true
            }
        } else {
            for stop in resourceActions(rsc, node: node, task: "stop") { stop.flags.insert(.optional) }
        }
    }
}
