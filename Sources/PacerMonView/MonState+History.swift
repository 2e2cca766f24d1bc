// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// Resource history as lib/pengine/unpack.c reads it for display: which operations
/// count as failed (`record_failed_op()`), where resources run (`running_rsc`), fail counts.
extension MonState {
    /// The `<lrm_resource>` entries of a node's state.
    static func historyEntries(_ state: XMLElement) -> [XMLElement] {
        state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources")?.elements(named: "lrm_resource") ?? []
    }

    /// A history entry's resource: a configured primitive, or the orphan made for it.
    func historyResource(_ id: String) -> MonResource? {
        if let r = resource(id), !r.isGroup { return r }
        return resources.first { $0.orphan && $0.id == id }
    }

    /// Mirrors the parts of `unpack_node_history()`/`unpack_lrm_resource()`/`unpack_rsc_op()`
    /// that decide what crm_mon lists as failed, and the order of `running_rsc`.
    mutating func unpackHistory() {
        for (index, state) in nodeStates {
            let node = nodes[index]
            for entry in Self.historyEntries(state) {
                guard let id = entry["id"] else { continue }
                let ops = entry.elements(named: "lrm_rsc_op")
                if ops.isEmpty { continue }
                guard let rsc = historyResource(id) else { continue }
                if rsc.nodes.contains(node.name) && !nodes[index].runningResources.contains(id) {
                    nodes[index].runningResources.append(id)
                }
                // Failed operations are recorded only for nodes that are online.
                guard node.online else { continue }
                // unpack_lrm_resource() prepends each entry, then sorts stably.
                for op in sortedByCallID(ops.reversed().map(HistoryOp.init)) {
                    unpackOp(op, rsc: rsc, node: node)
                }
            }
        }
    }

    /// Mirrors `unpack_rsc_op()` with `remap_operation()`, keeping only the failure bookkeeping.
    private mutating func unpackOp(_ op: HistoryOp, rsc: MonResource, node: MonNode) {
        guard let task = op.operation else { return }
        guard op.status >= -1 && op.status <= 11 else { return }
        if task == "notify" || task == "meta-data" { return }
        var rc = op.rc
        var status = op.status
        let target = op.targetRC
        let expired = status != 7 && checkExpiry(op, rsc: rsc, node: node)
        // remap_operation()
        if task == "monitor" {
            let remapped = rc == 190 ? 0 : rc == 191 ? 8 : rc
            if remapped != rc {
                record(op, node: node, rsc: rsc)
                rc = remapped
            }
        }
        let maskable = op.maskableProbeFailure
        if maskable { status = 0; rc = 7 }
        if status == 0 || status == 4 {
            status = 0
            if target < 0 || target != rc { status = 4 }
            switch rc {
            case 0:
                if op.isProbe && target == 7 { status = 0 }
            case 7:
                if op.isProbe || target == rc || !configuredManaged(rsc) { status = 0 }
            case 8:
                if op.isProbe && rc != target { status = 0 }
            case 9, 191:
                status = 4
            case 6:
                status = 6
            case 3:
                status = op.intervalMs == 0 ? 5 : 3
            case 5, 2, 4:
                status = 5
            default:
                if status == 0 { status = 4 }
            }
        }
        if expired && maskable && op.rc != target { return }
        if expired && rc != target {
            if op.intervalMs == 0 { return }
            if node.online && !node.unclean { return }
        }
        if maskable {
            record(op, node: node, rsc: rsc)
            return
        }
        switch status {
        case 1, -1, 0:
            return
        default:
            // Failures are recorded unless an asymmetric cluster expects "not installed".
            if options.symmetric || rc != 5 { record(op, node: node, rsc: rsc) }
        }
    }

    /// Whether a resource is managed before its history is replayed (the state
    /// `unpack_rsc_op()` sees): `is-managed`, `maintenance` and `maintenance-mode`.
    func configuredManaged(_ rsc: MonResource) -> Bool {
        if options.maintenanceMode || isTrue(rsc.meta["maintenance"]) { return false }
        if rsc.orphan { return rsc.managed }
        if let v = rsc.meta["is-managed"], v.lowercased() != "default" { return isTrue(v) }
        return true
    }

    /// `record_failed_op()`: one entry per operation key and node.
    private mutating func record(_ op: HistoryOp, node: MonNode, rsc: MonResource) {
        guard node.online else { return }
        let key = op.operationKey?.lowercased()
        if failures.contains(where: { $0.op.operationKey?.lowercased() == key && $0.node.lowercased() == node.name.lowercased() }) {
            return
        }
        failures.append(FailedOp(op: op, node: node.name, rsc: rsc.id))
    }

    /// Mirrors `check_operation_expiry()`: whether a failure is older than the
    /// resource's `failure-timeout` (and no newer failure keeps its fail count alive).
    private mutating func checkExpiry(_ op: HistoryOp, rsc: MonResource, node: MonNode) -> Bool {
        var expired = false
        var unexpired = 0
        if failureTimeout(rsc) > 0, let lastRun = op.lastRCChange {
            if now >= lastRun + failureTimeout(rsc) { expired = true }
            unexpired = failCount(node: node, rsc: rsc, effective: true, op: op).count
        }
        if expired && failCount(node: node, rsc: rsc, effective: false, op: op).count > 0 && unexpired != 0 {
            expired = false
        }
        if expired && op.intervalMs == 0 && op.operation?.lowercased() == "monitor" && [0, 7, 8, 190, 191].contains(op.rc) {
            expired = false
        }
        return expired
    }

    func failureTimeout(_ rsc: MonResource) -> Int {
        ignoredFailureTimeouts.contains(rsc.id) ? 0 : rsc.failureTimeout
    }

    /// Mirrors `pe_get_failcount()`: the sum of the node's `fail-count-RSC#op_interval`
    /// attributes and the latest `last-failure-RSC#…`; `effective` drops expired counts.
    mutating func failCount(node: MonNode, rsc: MonResource, effective: Bool, op: HistoryOp?) -> (count: Int, lastFailure: Int?) {
        let (count, last) = rawFailCount(node: node, rsc: rsc)
        if count > 0 && failureTimeout(rsc) > 0 && blockFailure(node: node, rsc: rsc, op: op) {
            ignoredFailureTimeouts.insert(rsc.id)
        }
        var result = count
        if effective && count > 0 && last > 0 && failureTimeout(rsc) > 0 && now > last + failureTimeout(rsc) {
            result = 0
        }
        return (result, count > 0 && last > 0 ? last : nil)
    }

    /// Fail count and last failure as printed (`pe_fc_default`: no expiry).
    func displayedFailCount(node: MonNode, rsc: MonResource) -> (count: Int, lastFailure: Int?) {
        let (count, last) = rawFailCount(node: node, rsc: rsc)
        return (count, count > 0 && last > 0 ? last : nil)
    }

    private func rawFailCount(node: MonNode, rsc: MonResource) -> (Int, Int) {
        var name = rsc.id
        if let colon = name.lastIndex(of: ":"), name[name.index(after: colon)...].allSatisfy(\.isNumber) {
            name = String(name[..<colon])
        }
        var count = 0, last = 0
        // Sum and maximum do not depend on the order attributes are visited in.
        for (key, value) in node.attributes {
            if Self.matchesFailAttribute(key, prefix: "fail-count-", rsc: name, legacy: legacyFailCounts) {
                count = addScores(count, scoreValue(value))
            } else if Self.matchesFailAttribute(key, prefix: "last-failure-", rsc: name, legacy: legacyFailCounts),
                      let v = leadingInteger(value) {
                last = max(last, v)
            }
        }
        return (count, last)
    }

    /// `^PREFIX-RSC(:[0-9]+)?#.+_[0-9]+$` (or without the operation part for legacy CIBs),
    /// as `generate_fail_regex()` builds it.
    static func matchesFailAttribute(_ key: String, prefix: String, rsc: String, legacy: Bool) -> Bool {
        guard key.hasPrefix(prefix + rsc) else { return false }
        let rest = key.dropFirst(prefix.count + rsc.count)
        func tail(_ t: Substring) -> Bool {
            if legacy { return t.isEmpty }
            guard t.first == "#", let underscore = t.lastIndex(of: "_") else { return false }
            let digits = t[t.index(after: underscore)...]
            return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
                && t.distance(from: t.startIndex, to: underscore) >= 2
        }
        if tail(rest) { return true }
        if rest.first == ":" {
            let afterColon = rest.dropFirst()
            let digits = afterColon.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty && tail(afterColon.dropFirst(digits.count)) { return true }
        }
        return false
    }

    /// Mirrors `block_failure()`: a configured `on-fail=block` operation matching the failure.
    private func blockFailure(node: MonNode, rsc: MonResource, op: HistoryOp?) -> Bool {
        for conf in rsc.blockingOps {
            if let op {
                if Self.isMatchedFailure(rsc: rsc.id, conf: conf, op: op) { return true }
            } else if let state = nodeStates.first(where: { nodes[$0.node].name == node.name })?.state {
                for entry in Self.historyEntries(state) where entry["id"] == rsc.id {
                    for el in entry.elements(named: "lrm_rsc_op") where el["operation"] == conf.name
                        && (Int(el["interval"] ?? "") ?? 0) == conf.intervalMs {
                        if Self.isMatchedFailure(rsc: rsc.id, conf: conf, op: HistoryOp(el)) { return true }
                    }
                }
            }
        }
        return false
    }

    /// `is_matched_failure()`.
    private static func isMatchedFailure(rsc: String, conf: (name: String, intervalMs: Int), op: HistoryOp) -> Bool {
        guard conf.intervalMs == op.intervalMs, conf.name.lowercased() == op.operation?.lowercased() else { return false }
        if op.id.lowercased() == "\(rsc)_last_failure_0".lowercased() { return true }
        return op.id.lowercased() == "\(rsc)_\(conf.name)_\(conf.intervalMs)".lowercased() && op.rc != op.targetRC
    }

    /// A failed probe that is shown as the resource's stopped state (`pe__failed_probe_for_rsc()`).
    func failedProbe(for rsc: MonResource, node: String?) -> HistoryOp? {
        for f in failures where f.op.maskableProbeFailure {
            guard let onNode = f.op.xml["on_node"] else { continue }
            if let node, onNode.lowercased() != node.lowercased() { continue }
            guard let parsed = parseOpKey(f.op.opKey), parsed.rsc == rsc.id else { continue }
            return f.op
        }
        return nil
    }

    /// `get_operation_list()`: a history entry's operations for display, oldest first,
    /// without notifications and "not running" probes.
    static func displayedOperations(_ entry: XMLElement) -> [HistoryOp] {
        let ops = entry.elements(named: "lrm_rsc_op").map(HistoryOp.init).filter { op in
            let task = op.operation.map { actionText($0, intervalMs: op.intervalMs) }
            if task?.lowercased() == "notify" { return false }
            if task?.lowercased() == "probe" && op.rc == 7 { return false }
            return true
        }
        return sortedByCallID(ops)
    }
}
