// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerWire
import PacerScheduler

/// crm_mon's text sections, in the order `pcmk__cluster_status_text()`
/// (lib/pacemaker/pcmk_output.c) prints them.
struct TextWriter {
    let state: MonState
    let options: MonOptions
    let clock: MonClock
    var out = TextOutput()

    init(state: MonState, options: MonOptions, clock: MonClock) {
        self.state = state
        self.options = options
        self.clock = clock
    }

    mutating func render(extras: DaemonStatus?) -> String {
        summary()
        if let extras { PacerSection(state: state, extras: extras).text(into: &out) }
        if !state.nodes.isEmpty { nodeList() }
        resourceList()
        if options.nodeAttributes { nodeAttributes() }
        if options.operations || options.failcounts { nodeSummary() }
        if !state.failures.isEmpty { failedActions() }
        return out.text
    }

    // MARK: Cluster Summary

    /// `cluster_summary()` (lib/pengine/pe_output.c).
    mutating func summary() {
        out.beginList("Cluster Summary")
        out.item("Stack: \(state.stack)")
        if let dc = state.dc {
            out.item("Current DC: \(dc.name) (version \(state.dcVersion ?? "unknown")) - \(mixedVersion ? "MIXED-VERSION " : "")partition \(state.haveQuorum ? "with" : "WITHOUT") quorum")
        } else {
            out.item("Current DC: NONE")
        }
        out.item("Last updated: \(clock.ctime(state.now))")
        out.item("Last change:  \(state.lastChange.text)")
        let n = state.nodes.count
        out.item("\(n) node\(n == 1 ? "" : "s") configured")
        let (instances, disabled, blocked) = counts
        var line = "\(instances) resource instance\(instances == 1 ? "" : "s") configured"
        if disabled > 0 && blocked > 0 {
            line += " (\(disabled) DISABLED, \(blocked) BLOCKED from further action due to failure)"
        } else if disabled > 0 {
            line += " (\(disabled) DISABLED)"
        } else if blocked > 0 {
            line += " (\(blocked) BLOCKED from further action due to failure)"
        }
        out.item(line)
        out.endList()
        if state.options.maintenanceMode {
            out.raw("\n              *** Resource management is DISABLED ***\n")
            out.raw("  The cluster will not attempt to start, stop or recover services\n")
        } else if state.options.stopAll {
            out.raw("\n    *** Resource management is DISABLED ***\n")
            out.raw("  The cluster will keep all resources stopped\n")
        }
    }

    /// `is_mixed_version()`: online nodes report different feature sets.
    var mixedVersion: Bool { MonState.mixedVersion(state.nodes) }

    /// `pe__count_common()`: instances, disabled and blocked primitives.
    var counts: (Int, Int, Int) { state.counts }

    // MARK: Node List

    /// `node_list_text()`.
    mutating func nodeList() {
        out.spacer()
        out.beginList("Node List")
        var online: [String] = [], offline: [String] = []
        for node in state.nodes {
            let individual = node.unclean || node.pending || node.standby || node.maintenance || options.groupByNode
            if !individual {
                if node.online { online.append(node.name) } else { offline.append(node.name) }
                continue
            }
            let line = "Node \(node.name): \(nodeStatus(node))"
            if options.groupByNode {
                out.beginList(line)
                out.beginList("Resources")
                for id in node.runningResources {
                    if let rsc = state.historyResource(id), !rsc.isInternal {
                        out.item(primitiveText(rsc, rscOnly: true))
                    }
                }
                out.endList()
                out.endList()
            } else {
                out.item(line)
            }
        }
        if !online.isEmpty { out.item("Online: [ \(online.joined(separator: " ")) ]") }
        if !offline.isEmpty { out.item("OFFLINE: [ \(offline.joined(separator: " ")) ]") }
        out.endList()
    }

    /// `node_text_status()`.
    func nodeStatus(_ node: MonNode) -> String {
        if node.unclean {
            return node.online ? "UNCLEAN (online)" : node.pending ? "UNCLEAN (pending)" : "UNCLEAN (offline)"
        }
        if node.pending { return "pending" }
        if node.standby {
            if node.online { return node.runningResources.isEmpty ? "standby" : "standby (with active resources)" }
            return "OFFLINE (standby)"
        }
        if node.maintenance { return node.online ? "maintenance" : "OFFLINE (maintenance)" }
        return node.online ? "online" : "OFFLINE"
    }

    // MARK: Resources

    /// `resource_list()`.
    mutating func resourceList() {
        if options.groupByNode && !options.inactive { return }
        let title = options.groupByNode ? "Inactive Resources" : options.inactive ? "Full List of Resources" : "Active Resources"
        var section = Section()
        var printed = false
        for rsc in state.resources {
            let active = isActive(rsc, all: true)
            let partiallyActive = isActive(rsc, all: false)
            if rsc.orphan && !active { continue }
            if options.groupByNode {
                if active { continue }
            } else if !partiallyActive && !options.inactive {
                continue
            }
            section.open(&out, title, spacer: true)
            if printResource(rsc) { printed = true }
        }
        if !printed {
            section.open(&out, title, spacer: true)
            out.item(options.groupByNode ? "No inactive resources" : options.inactive ? "No resources" : "No active resources")
        }
        section.close(&out)
    }

    /// Prints a top-level resource; false when nothing was printed.
    mutating func printResource(_ rsc: MonResource) -> Bool {
        if rsc.isGroup { return printGroup(rsc) }
        if rsc.isInternal { return false }
        out.item(primitiveText(rsc, rscOnly: false))
        return true
    }

    // MARK: Node Attributes

    /// `node_attribute_list()`.
    mutating func nodeAttributes() {
        var section = Section()
        for node in state.nodes where node.online {
            let names = MonState.displayedAttributeNames(node)
            if names.isEmpty { continue }
            section.open(&out, "Node Attributes", spacer: true)
            out.beginList("Node: \(node.name)")
            for name in names {
                let value = node.attributes[name] ?? "(null)"
                var line = padded(name, 32) + "\t: " + padded(value, 10)
                if let expected = state.pingExpectation(node: node, attribute: name) {
                    let v = leadingInteger(value) ?? Int(Int32.min)
                    if v <= 0 {
                        line += "\t: Connectivity is lost"
                    } else if v < expected {
                        line += "\t: Connectivity is degraded (Expected=\(expected))"
                    }
                }
                out.item(line)
            }
            out.endList()
        }
        section.close(&out)
    }

    /// `%-Ns`: left-justified, padded with spaces to `width` bytes, never truncated.
    func padded(_ s: String, _ width: Int) -> String {
        let n = s.utf8.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    // MARK: Migration Summary / Operations

    /// `node_summary()` and `node_history_list()`.
    mutating func nodeSummary() {
        var section = Section()
        let title = options.operations ? "Operations" : "Migration Summary"
        for state in state.cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            guard let id = state["id"],
                  let node = self.state.nodes.first(where: { $0.id.lowercased() == id.lowercased() }), node.online else { continue }
            section.open(&out, title, spacer: true)
            var nodeOpened = false
            for entry in MonState.historyEntries(state) {
                guard let rscID = entry["id"] else { continue }
                let rsc = self.state.historyResource(rscID) ?? self.state.resource(rscID)
                if options.operations {
                    let ops = MonState.displayedOperations(entry)
                    if ops.isEmpty { continue }
                    if !nodeOpened { out.beginList("Node: \(node.name)"); nodeOpened = true }
                    out.beginList(resourceHistory(rsc, id: rscID, node: node, all: true))
                    for op in ops { out.item(operationText(op)) }
                    out.endList()
                } else {
                    guard let rsc else { continue }
                    let (count, _) = self.state.displayedFailCount(node: node, rsc: rsc)
                    if count <= 0 { continue }
                    if !nodeOpened { out.beginList("Node: \(node.name)"); nodeOpened = true }
                    out.item(resourceHistory(rsc, id: rscID, node: node, all: false))
                }
            }
            if nodeOpened { out.endList() }
        }
        section.close(&out)
    }

    /// `resource_history_string()`.
    func resourceHistory(_ rsc: MonResource?, id: String, node: MonNode, all: Bool) -> String {
        guard let rsc else { return "\(id): orphan" }
        let (count, last) = state.displayedFailCount(node: node, rsc: rsc)
        let name = all ? rsc.id : id
        guard all || count != 0 || last != nil else { return "\(name):" }
        var s = "\(name): migration-threshold=\(rsc.migrationThreshold)"
        if count > 0 { s += " fail-count=\(count)" }
        if let last { s += " last-failure='\(clock.ctime(last))'" }
        return s
    }

    /// `op_history_string()` without timings.
    func operationText(_ op: HistoryOp) -> String {
        let task = op.operation.map { actionText($0, intervalMs: op.intervalMs) } ?? "(null)"
        let call = op.xml["call-id"] ?? "(null)"
        if let interval = op.xml["interval"], interval != "0" {
            return "(\(call)) \(task): interval=\"\(interval)ms\""
        }
        return "(\(call)) \(task)"
    }

    // MARK: Failed Resource Actions

    /// `failed_action_list()` and `failed_action_friendly()`.
    mutating func failedActions() {
        var section = Section()
        for failure in state.failures {
            let op = failure.op
            if op.maskableProbeFailure { continue }
            let key = (op.operationKey?.isEmpty == false ? op.operationKey : nil) ?? op.id
            guard let parsed = parseOpKey(key) else { continue }
            section.open(&out, "Failed Resource Actions", spacer: true)
            out.item(friendlyFailure(op, parsed: parsed, node: failure.node))
        }
        section.close(&out)
    }

    func friendlyFailure(_ op: HistoryOp, parsed: (rsc: String, task: String, intervalMs: Int), node: String) -> String {
        var s = parsed.rsc + " "
        if parsed.intervalMs != 0 { s += readableInterval(parsed.intervalMs) + "-interval " }
        s += actionText(parsed.task, intervalMs: parsed.intervalMs) + " on " + node
        let reason = op.xml["exit-reason"] ?? ""
        if max(op.status, 0) == 0 {
            s += " returned '\(ocfExitText(max(op.rc, 0)))'"
            if !reason.isEmpty { s += " (\(reason))" }
        } else {
            s += " could not be executed (\(execStatusText(op.status))"
            if !reason.isEmpty { s += ": \(reason)" }
            s += ")"
        }
        if let change = op.lastRCChange { s += " at " + clock.ctime(change) }
        if let exec = op.xml["exec-time"].flatMap({ leadingInteger($0) }), exec > 0 {
            s += " after " + readableInterval(exec)
        }
        return s
    }
}
