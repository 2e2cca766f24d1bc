// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Digest results (`enum rsc_digest_cmp_val`).
enum DigestResult { case match, restart, all, unknown }

/// Reacting to changed resource definitions. Mirrors
/// `pcmk__handle_rsc_config_changes()`, `process_rsc_history()`,
/// `pcmk__check_action_config()` (pcmk_sched_actions.c) and
/// `rsc_action_digest_cmp()` (lib/pengine/pe_digest.c).
extension WorkingSet {
    func handleConfigChanges() {
        for node in nodes where node.maintenance || node.available {
            guard let (stateIndex, list) = historyList(node) else { continue }
            for (index, entry) in list.elements(named: "lrm_resource").enumerated() where !entry.children.isEmpty {
                guard let id = entry["id"] else { continue }
                let ordered = orderedHistory?[stateIndex].flatMap { index < $0.count ? $0[index] : nil }
                for rsc in resourcesMatching(id).reversed() where rsc.variant == .primitive {
                    processHistory(entry, ordered, rsc, node)
                }
            }
        }
    }

    /// The node's `lrm_resources` and the position of its `node_state`.
    private func historyList(_ node: Node) -> (Int, XMLElement)? {
        guard let status = input.firstElement(named: "status") else { return nil }
        for (index, state) in status.elements(named: "node_state").enumerated() where state["uname"] == node.uname {
            return state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources").map { (index, $0) }
        }
        return nil
    }

    private static let agentAttributes = ["type", "class", "provider"]

    /// Mirrors `pcmk__rsc_agent_changed()`: a fence device whose agent changed asks for
    /// unfencing, once per changed attribute.
    private func agentChanged(_ rsc: Resource, _ entry: XMLElement, _ node: Node) -> Bool {
        var changed = false
        for name in Self.agentAttributes where rsc.xml[name] != entry[name] {
            changed = true
            triggerUnfencing(node, device: rsc, reason: "Device definition changed")
        }
        return changed
    }

    /// - Parameter ordered: the entry's ops as `unpackStatus()` ordered them, when kept.
    private func processHistory(_ entry: XMLElement, _ ordered: [HistoryOp]?, _ rsc: Resource, _ node: Node) {
        if rsc.orphan {
            // Orphaned anonymous clone instances are not cleaned up.
            if !(rsc.inClone && !rsc.top.unique) { scheduleCleanup(rsc, node, optional: false) }
            return
        }
        if !rsc.runningOn.contains(where: { $0 === node }) {
            if agentChanged(rsc, entry, node) { scheduleCleanup(rsc, node, optional: false) }
            return
        }
        if agentChanged(rsc, entry, node) {
            // pcmk__rsc_agent_changed() forces the restart, then the history is cleaned up.
            customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: false)
            rsc.startPending = true
            scheduleCleanup(rsc, node, optional: false)
        }
        let ops = ordered ?? sortedOps(entry)
        let (startIndex, stopIndex) = activeOpIndices(ops)
        if startIndex < stopIndex { return }
        for (i, op) in ops.enumerated() where i >= startIndex {
            if op.intervalMs > 0 && (rsc.maintenance || node.maintenance) {
                scheduleCancel(rsc, node, task: op.task, intervalMs: op.intervalMs)
                continue
            }
            guard op.intervalMs > 0 || ["monitor", "start", "promote", "migrate_from"].contains(op.task) else { continue }
            if checkActionConfig(rsc, node, op) && failCount(node, rsc, effective: true) != 0 {
                clearFailcount(rsc, node)
            }
        }
    }

    /// Mirrors `rsc_action_digest_cmp()`.
    func digestCompare(_ rsc: Resource, _ node: Node, _ op: HistoryOp) -> DigestResult {
        let params = digestParameters(rsc, node: node, task: op.task, intervalMs: op.intervalMs)
        let all = OperationDigest.digest(of: params)
        if forcedRestartDigests.contains(historyKey(node, op)) { return .restart }
        if let restart = op.xml["op-restart-digest"] {
            var keep = params
            if let list = op.xml["op-force-restart"] {
                let names = Set(list.split(separator: " ").map(String.init))
                keep = params.filter { names.contains($0.0) }
            }
            if OperationDigest.digest(of: keep) != restart { return .restart }
        }
        guard let recorded = op.xml["op-digest"] else { return .unknown }
        if recorded == all { return .match }
        // A non-recurring op with its own parameters restarts rather than reloads.
        if op.intervalMs == 0 && opHasExtraParameters(rsc, task: op.task) { return .restart }
        return .all
    }

    private func opHasExtraParameters(_ rsc: Resource, task: String) -> Bool {
        let digestTask = ["monitor", "migrate_from", "promote"].contains(task) ? "start" : task
        guard let op = rsc.ops.first(where: { $0.name == digestTask && $0.intervalMs == 0 }),
              let opEl = rsc.xml.firstElement(named: "operations")?.elements(named: "op").first(where: { $0.id == op.id })
        else { return false }
        return opEl.elements(named: "instance_attributes").contains { !$0.elements(named: "nvpair").isEmpty }
    }

    /// Identifies one history entry on one node.
    func historyKey(_ node: Node, _ op: HistoryOp) -> String { "\(node.index)\u{1}\(op.id)\u{1}\(op.callID)" }

    /// Mirrors `only_sanitized_changed()` with `calculate_secure_digest()`: crm_simulate
    /// runs sanitized, so a change only in secret parameters does not count.
    func onlySecureParamsChanged(_ rsc: Resource, _ node: Node, _ op: HistoryOp) -> Bool {
        guard let recorded = op.xml["op-secure-digest"] else { return false }
        let secret = Set((op.xml["op-secure-params"] ?? "").split(separator: " ").map(String.init))
        let oldVersion = compareVersions(op.xml["crm_feature_set"], "3.16.0") < 0
        var params: [(String, String)]
        if oldVersion {
            var p: [String: String] = [:]
            var r: Resource? = rsc
            while let cur = r { nvpairs(of: cur.xml, setName: "instance_attributes", node: node, into: &p); r = cur.parent }
            params = p.map { ($0.key, $0.value) }
        } else {
            params = digestParameters(rsc, node: node, task: op.task, intervalMs: op.intervalMs)
        }
        params = params.filter { !secret.contains($0.0) }
        if oldVersion && rsc.isFenceDevice {
            params = params.filter { !($0.0.hasPrefix("pcmk_") || $0.0 == "provides") }
        }
        if oldVersion { params = params.filter { $0.0 != "CRM_meta_timeout" } }
        return OperationDigest.digest(of: params) == recorded
    }

    /// Mirrors `pcmk__check_action_config()`: true if the definition changed.
    private func checkActionConfig(_ rsc: Resource, _ node: Node, _ op: HistoryOp) -> Bool {
        if op.intervalMs > 0 && !rsc.ops.contains(where: { $0.name == op.task && $0.intervalMs == op.intervalMs && $0.enabled }) {
            if stopOrphanActions { scheduleCancel(rsc, node, task: op.task, intervalMs: op.intervalMs) }
            return true
        }
        let task = (op.intervalMs == 0 && ["monitor", "migrate_from", "promote"].contains(op.task)) ? "start" : op.task
        let result = digestCompare(rsc, node, op)
        if result != .match && onlySecureParamsChanged(rsc, node, op) { return false }
        switch result {
        case .match:
            return false
        case .restart:
            forceRestart(rsc, node, task: task, intervalMs: op.intervalMs)
            return true
        case .all, .unknown:
            if op.intervalMs > 0 {
                // pcmk__reschedule_recurring()
                let key = opKey(rsc.id, op.task, op.intervalMs)
                customAction(rsc, key: key, task: op.task, node: node, optional: true).reschedule = true
                triggerUnfencing(node, device: rsc, reason: "Device parameters changed (reschedule)")
            } else if op.xml["op-restart-digest"] != nil || forcedRestartDigests.contains(historyKey(node, op)) {
                triggerUnfencing(node, device: rsc, reason: "Device parameters changed (reload)")
                scheduleReload(rsc, node)
            } else {
                forceRestart(rsc, node, task: task, intervalMs: op.intervalMs)
            }
            return true
        }
    }

    /// Mirrors `pcmk__schedule_cancel()`: cancel a recurring op, after any stop.
    private func scheduleCancel(_ rsc: Resource, _ node: Node, task: String, intervalMs: Int) {
        let cancel = newCancel(rsc, task, intervalMs, node)
        newOrdering(firstRsc: rsc, firstKey: opKey(rsc.id, "stop"), firstAction: nil, thenRsc: rsc, thenKey: nil,
                    thenAction: cancel, flags: [.optional])
    }

    /// Mirrors `pcmk__schedule_cleanup()`: forget the resource's history on a node.
    private func scheduleCleanup(_ rsc: Resource, _ node: Node, optional: Bool) {
        if rsc.failed || node.unclean || !node.online { return }
        let delete = customAction(rsc, key: opKey(rsc.id, "delete"), task: "delete", node: node, optional: optional)
        delete.dcAction = true
        updateRunnable(delete)
        let flags: OrderFlags = optional ? [.impliesThen] : [.optional]
        orderResourceActions(rsc, "stop", rsc, "delete", flags)
        orderResourceActions(rsc, "delete", rsc, "start", flags)
    }

    private func forceRestart(_ rsc: Resource, _ node: Node, task: String, intervalMs: Int) {
        let a = customAction(rsc, key: opKey(rsc.id, task, intervalMs), task: task, node: nil, optional: false)
        a.setReason("resource definition change", overwrite: true)
        triggerUnfencing(node, device: rsc, reason: "Device parameters changed")
    }

    private func scheduleReload(_ rsc: Resource, _ node: Node) {
        if !rsc.managed || rsc.failed { return }
        if rsc.startPending {
            customAction(rsc, key: opKey(rsc.id, "stop"), task: "stop", node: node, optional: false)
            return
        }
        rsc.reload = true
        let reload = customAction(rsc, key: opKey(rsc.id, "reload-agent"), task: "reload-agent", node: node, optional: false)
        reload.setReason("resource definition change", overwrite: false)
        newOrdering(firstRsc: rsc, firstKey: nil, firstAction: reload, thenRsc: rsc, thenKey: opKey(rsc.id, "stop"),
                    thenAction: nil, flags: [.optional, .thenCancelsFirst])
    }
}
