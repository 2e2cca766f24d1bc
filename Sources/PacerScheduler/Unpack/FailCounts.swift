public import PacerModel

/// Fail counts from transient node attributes and failure-timeout expiry.
/// Mirrors `pe_get_failcount()` (lib/pengine/failcounts.c) and
/// `check_operation_expiry()` (lib/pengine/unpack.c).
extension WorkingSet {
    /// Whether an attribute name belongs to `rsc`: `PREFIX-RSC` or `PREFIX-RSC#OP_INTERVAL`.
    private func matches(_ name: String, prefix: String, rsc: String) -> Bool {
        let base = prefix + rsc
        if name == base { return true }
        return name.hasPrefix(base + "#")
    }

    /// The resource's fail count on `node`: the sum of its `fail-count-*` attributes.
    /// - Parameter effective: ignore failures older than `failure-timeout`.
    func failCount(_ node: Node, _ rsc: Resource, effective: Bool) -> Int {
        var count = 0
        var last = 0
        for (name, value) in node.attributes {
            if matches(name, prefix: "fail-count-", rsc: rsc.id) {
                count = Score.add(count, Score(parsing: value).value)
            } else if matches(name, prefix: "last-failure-", rsc: rsc.id) {
                last = max(last, Int(value) ?? 0)
            }
        }
        if count > 0 && rsc.failureTimeout > 0 && blockFailure(node, rsc) {
            rsc.failureTimeout = 0
        }
        if effective && count > 0 && last > 0 && rsc.failureTimeout > 0 && now > last + rsc.failureTimeout {
            count = 0
        }
        return count
    }

    func lastFailureTime(_ node: Node, _ rsc: Resource) -> Int {
        var last = 0
        for (name, value) in node.attributes where matches(name, prefix: "last-failure-", rsc: rsc.id) {
            last = max(last, Int(value) ?? 0)
        }
        return last
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
        guard let status = input.firstElement(named: "status") else { return nil }
        for state in status.elements(named: "node_state") where state["id"] == node.id || state["uname"] == node.uname {
            guard let list = state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources") else { continue }
            for e in list.elements(named: "lrm_resource") where e["id"] == rscID { return e }
        }
        return nil
    }

    /// Mirrors `check_operation_expiry()`: true if the entry is older than failure-timeout
    /// (and schedules a fail-count clear when all failures expired).
    func checkExpiry(_ rsc: Resource, _ node: Node, _ op: HistoryOp) -> Bool {
        var expired = false
        if rsc.failureTimeout > 0, let lastRun = op.lastChange {
            if now >= lastRun + rsc.failureTimeout { expired = true }
        }
        if expired {
            if failCount(node, rsc, effective: false) > 0 {
                if failCount(node, rsc, effective: true) == 0 {
                    clearFailcount(rsc, node)
                } else {
                    expired = false
                }
            }
        }
        if expired && op.isProbe && [0, 7, 8, 190, 191].contains(op.rc) { expired = false }
        return expired
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
        let count = failCount(node, rsc, effective: true)
        if count <= 0 { return false }
        return max(rsc.migrationThreshold - count, 0) == 0
    }
}
