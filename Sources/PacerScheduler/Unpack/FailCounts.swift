// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Fail counts from transient node attributes and failure-timeout expiry.
/// Mirrors `pe_get_failcount()` (lib/pengine/failcounts.c) and
/// `check_operation_expiry()` (lib/pengine/unpack.c).
extension WorkingSet {
    /// Per-resource fail counts and last-failure times of one node, parsed once from
    /// `fail-count-RSC[#OP_INTERVAL]` and `last-failure-RSC[#OP_INTERVAL]` attributes.
    private func failTable(_ node: Node) -> [String: (count: Int, last: Int)] {
        if let t = node.failTable { return t }
        var table: [String: (count: Int, last: Int)] = [:]
        // generate_fail_regexes(): CIBs older than feature set 3.0.13 use per-resource
        // names (`fail-count-RSC`), newer ones per-operation names (`fail-count-RSC#OP_INTERVAL`).
        let legacy = compareVersions(input["crm_feature_set"], "3.0.13") < 0
        for (name, value) in node.attributes {
            let isCount = name.hasPrefix("fail-count-"), isLast = name.hasPrefix("last-failure-")
            guard isCount || isLast else { continue }
            var rsc = Substring(name.dropFirst(isCount ? 11 : 13))
            if let hash = rsc.firstIndex(of: "#") {
                if legacy { continue }
                let op = rsc[rsc.index(after: hash)...]
                guard let u = op.lastIndex(of: "_"), u != op.startIndex, op.index(after: u) != op.endIndex,
                      op[op.index(after: u)...].allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
                rsc = rsc[..<hash]
            } else if !legacy {
                continue
            }
            var entry = table[String(rsc)] ?? (0, 0)
            if isCount { entry.count = Score.add(entry.count, Score(parsing: value).value) }
            else { entry.last = max(entry.last, Int(value) ?? 0) }
            table[String(rsc)] = entry
        }
        node.failTable = table
        return table
    }

    /// The resource's fail count on `node`: the sum of its `fail-count-*` attributes.
    /// - Parameter effective: ignore failures older than `failure-timeout`.
    func failCount(_ node: Node, _ rsc: Resource, effective: Bool) -> Int {
        guard let entry = failEntry(node, rsc) else { return 0 }
        var count = entry.count
        let last = entry.last
        if count > 0 && rsc.failureTimeout > 0 && blockFailure(node, rsc) {
            rsc.failureTimeout = 0
        }
        if effective && count > 0 && last > 0 && rsc.failureTimeout > 0 && now > last + rsc.failureTimeout {
            count = 0
        }
        return count
    }

    /// The fail-count entry of `rsc`: a unique clone instance by its own id, an
    /// anonymous one by the id without, or with any, instance number (`generate_fail_regexes()`).
    private func failEntry(_ node: Node, _ rsc: Resource) -> (count: Int, last: Int)? {
        let table = failTable(node)
        guard rsc.inClone else { return table[rsc.id] }
        // rsc_fail_name(): a globally unique instance keeps its instance number.
        if rsc.unique { return table[rsc.cloneName ?? rsc.id] }
        let base = cloneStrip(rsc.id)
        var result: (count: Int, last: Int)?
        for (name, e) in table {
            guard name.hasPrefix(base) else { continue }
            let rest = name.dropFirst(base.count)
            if !rest.isEmpty && !(rest.first == ":" && rest.count > 1 && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }) { continue }
            var r = result ?? (0, 0)
            r.count = Score.add(r.count, e.count)
            r.last = max(r.last, e.last)
            result = r
        }
        return result
    }

    /// Whether a failed operation of `rsc` on `node` has `on-fail=block` (`block_failure()`).
    private func blockFailure(_ node: Node, _ rsc: Resource) -> Bool {
        let blocking = rsc.ops.filter { $0.onFail?.lowercased() == "block" }
        if blocking.isEmpty { return false }
        guard let entry = historyEntry(node, rsc.id) else { return false }
        for op in entry.elements(named: "lrm_rsc_op") {
            let h = HistoryOp(op)
            let failed = h.rc != h.targetRC || (h.status != 0 && h.status != -1)
            if failed && blocking.contains(where: { $0.name == h.task && $0.intervalMs == h.intervalMs }) { return true }
        }
        return false
    }

    func historyEntry(_ node: Node, _ rscID: String) -> XMLElement? {
        if historyIndex == nil {
            var index: [NodeHistoryKey: XMLElement] = [:]
            if let status = input.firstElement(named: "status") {
                for state in status.elements(named: "node_state") {
                    guard let n = findNode(id: state["id"], uname: state["uname"]),
                          let list = state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources") else { continue }
                    for e in list.elements(named: "lrm_resource") {
                        let key = NodeHistoryKey(node: n.index, id: e["id"] ?? "")
                        if index[key] == nil { index[key] = e }
                    }
                }
            }
            historyIndex = index
        }
        return historyIndex?[NodeHistoryKey(node: node.index, id: rscID)]
    }

    /// Mirrors `check_operation_expiry()`: true if the entry is older than failure-timeout
    /// (and schedules a fail-count clear when all failures expired).
    func checkExpiry(_ rsc: Resource, _ node: Node, _ op: HistoryOp) -> Bool {
        var expired = false
        let isLastFailure = op.id.hasSuffix("_last_failure_0")
        if rsc.failureTimeout > 0, let lastRun = op.lastRun {
            if now >= lastRun + rsc.failureTimeout && !ignoresFailureTimeout(rsc, op) { expired = true }
        }
        var clear = false
        if expired {
            if failCount(node, rsc, effective: false) > 0 {
                if failCount(node, rsc, effective: true) == 0 {
                    clear = true
                } else {
                    expired = false
                }
            } else if isLastFailure && rsc.remoteReconnectMs > 0 {
                clear = true   // an expired connection failure is cleared even without a fail count
            }
        }
        // should_clear_for_param_change(): a failed start/monitor whose parameters changed.
        if !expired && isLastFailure && (op.task == "start" || op.task == "monitor") {
            switch digestCompare(rsc, node, op) {
            case .match, .unknown: break
            default: clear = true
            }
        }
        if clear {
            let action = clearFailcount(rsc, node)
            // A connection's failure is cleared only after its node is fenced.
            if stonithEnabled && rsc.remoteReconnectMs > 0, let remote = nodeByUname[rsc.id] {
                orderActions(fenceOp(remote, optional: true, reason: nil), action, .impliesThen)
            }
        }
        if expired && op.isProbe && [0, 7, 8, 190, 191].contains(op.rc) { expired = false }
        return expired
    }

    /// A recurring monitor failure of a connection with a reconnect interval does not
    /// expire before its remote node is fenced (`should_ignore_failure_timeout()`).
    private func ignoresFailureTimeout(_ rsc: Resource, _ op: HistoryOp) -> Bool {
        guard rsc.remoteReconnectMs > 0, stonithEnabled, op.intervalMs != 0, op.task == "monitor" else { return false }
        guard let remote = nodeByUname[rsc.id] else { return false }
        return !remote.remoteWasFenced
    }

    /// Schedules clearing the fail count (`pe__clear_failcount()`).
    @discardableResult
    func clearFailcount(_ rsc: Resource, _ node: Node) -> Action {
        let a = customAction(rsc, key: opKey(rsc.id, "clear_failcount"), task: "clear_failcount", node: node, optional: false)
        a.dcAction = true
        a.flags.insert(.runnable)
        return a
    }

    func hasClearFailcount(_ rsc: Resource, _ node: Node) -> Bool {
        findAction(rsc, key: opKey(rsc.id, "clear_failcount"), node: node) != nil
    }

    /// Mirrors `pcmk__threshold_reached()`.
    func thresholdReached(_ rsc: Resource, _ node: Node) -> Bool {
        if rsc.failureIgnored { return false }
        if rsc.migrationThreshold == 0 { return false }
        var count = failCount(node, rsc, effective: true)
        // A container's failures include those of the resources inside it (`pe_fc_fillers`).
        for filler in rsc.fillers { count = Score.add(count, failCount(node, filler, effective: true)) }
        if count <= 0 { return false }
        return max(rsc.migrationThreshold - count, 0) == 0
    }
}
