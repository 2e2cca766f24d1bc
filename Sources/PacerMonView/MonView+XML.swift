// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// `crm_mon --output-as=xml`: the document `cluster_status_xml()`
/// (lib/pacemaker/pcmk_output.c) writes, every section included, with timings.
struct XMLDocumentBuilder {
    let state: MonState
    let clock: MonClock

    func document(request: String) -> XMLElement {
        var root = XMLElement("pacemaker-result", [("api-version", "2.25"), ("request", request)])
        root.append(summary())
        root.append(nodes())
        if let resources = resources() { root.append(resources) }
        if let attributes = nodeAttributes() { root.append(attributes) }
        if let history = nodeHistory() { root.append(history) }
        if let failures = failures() { root.append(failures) }
        if let bans = bans() { root.append(bans) }
        root.append(XMLElement("status", [("code", "0"), ("message", "OK")]))
        return root
    }

    func summary() -> XMLElement {
        var s = XMLElement("summary")
        s.append(XMLElement("stack", [("type", state.stack)]))
        if let dc = state.dc {
            s.append(XMLElement("current_dc", [("present", "true"), ("version", state.dcVersion ?? ""), ("name", dc.name),
                                               ("id", dc.id), ("with_quorum", bool(state.haveQuorum)),
                                               ("mixed_version", bool(MonState.mixedVersion(state.nodes)))]))
        } else {
            s.append(XMLElement("current_dc", [("present", "false")]))
        }
        s.append(XMLElement("last_update", [("time", clock.ctime(state.now))]))
        let change = state.lastChange
        s.append(XMLElement("last_change", [("time", change.time ?? ""), ("user", change.user ?? ""),
                                            ("client", change.client ?? ""), ("origin", change.origin ?? "")]))
        s.append(XMLElement("nodes_configured", [("number", "\(state.nodes.count)")]))
        let c = state.counts
        s.append(XMLElement("resources_configured", [("number", "\(c.instances)"), ("disabled", "\(c.disabled)"),
                                                     ("blocked", "\(c.blocked)")]))
        let o = state.options
        s.append(XMLElement("cluster_options", [
            ("stonith-enabled", bool(o.stonithEnabled)), ("symmetric-cluster", bool(o.symmetric)),
            ("no-quorum-policy", o.noQuorumPolicy), ("maintenance-mode", bool(o.maintenanceMode)),
            ("stop-all-resources", bool(o.stopAll)), ("stonith-timeout-ms", "\(o.stonithTimeoutMs)"),
            ("priority-fencing-delay-ms", "\(o.priorityFencingDelayMs)"),
        ]))
        return s
    }

    /// `node_xml()` for every node.
    func nodes() -> XMLElement {
        var list = XMLElement("nodes")
        for n in state.nodes {
            var attrs: [(String, String)] = [
                ("name", n.name), ("id", n.id), ("online", bool(n.online)), ("standby", bool(n.standby)),
                ("standby_onfail", "false"), ("maintenance", bool(n.maintenance)), ("pending", bool(n.pending)),
                ("unclean", bool(n.unclean)), ("health", "green"),
            ]
            if let fs = n.featureSet { attrs.append(("feature_set", fs)) }
            attrs += [("shutdown", bool(n.shutdown)), ("expected_up", bool(n.expectedUp)), ("is_dc", bool(n.isDC)),
                      ("resources_running", "\(n.runningResources.count)"), ("type", "member")]
            list.append(XMLElement("node", attrs))
        }
        return list
    }

    /// `resource_list()` with every resource shown; nil when nothing would be printed.
    func resources() -> XMLElement? {
        var list = XMLElement("resources")
        for rsc in state.resources {
            if rsc.orphan && !state.isActive(rsc, all: true) { continue }
            if rsc.isGroup {
                if rsc.members.isEmpty { continue }
                var group = XMLElement("group", [("id", rsc.id), ("number_resources", "\(rsc.members.count)"),
                                                 ("managed", bool(rsc.managed)), ("disabled", bool(rsc.disabled))])
                for m in rsc.members { group.append(primitive(m)) }
                list.append(group)
            } else if !rsc.isInternal {
                list.append(primitive(rsc))
            }
        }
        return list.children.isEmpty ? nil : list
    }

    /// `pe__resource_xml()`.
    func primitive(_ r: MonResource) -> XMLElement {
        var attrs: [(String, String)] = [("id", r.id), ("resource_agent", r.agent), ("role", r.displayedState)]
        if let target = r.targetRole { attrs.append(("target_role", target)) }
        attrs += [("active", bool(state.isActive(r, all: true))), ("orphaned", bool(r.orphan)), ("blocked", bool(r.blocked)),
                  ("managed", bool(r.managed)), ("failed", bool(r.failed)), ("failure_ignored", bool(r.failureIgnored)),
                  ("nodes_running_on", "\(r.nodes.count)")]
        if r.pendingTask?.lowercased() == "monitor" { attrs.append(("pending", "Monitoring")) }
        var element = XMLElement("resource", attrs)
        for name in r.nodes {
            let node = state.node(named: name)
            element.append(XMLElement("node", [("name", name), ("id", node?.id ?? name), ("cached", bool(node?.online ?? false))]))
        }
        return element
    }

    /// `node_attribute_list()`.
    func nodeAttributes() -> XMLElement? {
        var list = XMLElement("node_attributes")
        for node in state.nodes where node.online {
            let names = MonState.displayedAttributeNames(node)
            if names.isEmpty { continue }
            var element = XMLElement("node", [("name", node.name)])
            for name in names {
                var attrs = [("name", name), ("value", node.attributes[name] ?? "")]
                if let expected = state.pingExpectation(node: node, attribute: name) { attrs.append(("expected", "\(expected)")) }
                element.append(XMLElement("attribute", attrs))
            }
            list.append(element)
        }
        return list.children.isEmpty ? nil : list
    }

    /// `node_summary()` with operations and timings.
    func nodeHistory() -> XMLElement? {
        var list: XMLElement?
        for nodeState in state.cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            guard let id = nodeState["id"],
                  let node = state.nodes.first(where: { $0.id.lowercased() == id.lowercased() }), node.online else { continue }
            if list == nil { list = XMLElement("node_history") }
            var element: XMLElement?
            for entry in MonState.historyEntries(nodeState) {
                guard let rscID = entry["id"] else { continue }
                let ops = MonState.displayedOperations(entry)
                if ops.isEmpty { continue }
                if element == nil { element = XMLElement("node", [("name", node.name)]) }
                let rsc = state.historyResource(rscID) ?? state.resource(rscID)
                var history: XMLElement
                if let rsc {
                    history = XMLElement("resource_history", [("id", rsc.id), ("orphan", "false"),
                                                              ("migration-threshold", "\(rsc.migrationThreshold)")])
                    let (count, last) = state.displayedFailCount(node: node, rsc: rsc)
                    if count > 0 { history["fail-count"] = "\(count)" }
                    if let last { history["last-failure"] = clock.ctime(last) }
                } else {
                    history = XMLElement("resource_history", [("id", rscID), ("orphan", "true")])
                }
                for op in ops { history.append(operation(op)) }
                element!.append(history)
            }
            if let element { list!.append(element) }
        }
        return list
    }

    /// `op_history_xml()` with timings.
    func operation(_ op: HistoryOp) -> XMLElement {
        let task = op.operation.map { actionText($0, intervalMs: op.intervalMs) } ?? ""
        var e = XMLElement("operation_history", [("call", op.xml["call-id"] ?? ""), ("task", task), ("rc", "\(max(op.rc, 0))"),
                                                 ("rc_text", ocfExitText(max(op.rc, 0)))])
        if let interval = op.xml["interval"], interval != "0" { e["interval"] = "\(interval)ms" }
        if let change = op.lastRCChange, change > 0 { e["last-rc-change"] = clock.ctime(change) }
        if let exec = op.xml["exec-time"] { e["exec-time"] = "\(exec)ms" }
        if let queue = op.xml["queue-time"] { e["queue-time"] = "\(queue)ms" }
        return e
    }

    /// `failed_action_list()` / `failed_action_xml()`.
    func failures() -> XMLElement? {
        var list = XMLElement("failures")
        for failure in state.failures {
            let op = failure.op
            if op.maskableProbeFailure { continue }
            guard parseOpKey(op.opKey) != nil else { continue }
            var e = XMLElement("failure", [(op.operationKey == nil ? "id" : "op_key", op.operationKey ?? op.id),
                                           ("node", failure.node), ("exitstatus", ocfExitText(max(op.rc, 0))),
                                           ("exitreason", op.xml["exit-reason"] ?? "none"), ("exitcode", "\(max(op.rc, 0))")])
            if let call = op.xml["call-id"] { e["call"] = call }
            e["status"] = execStatusText(max(op.status, 0))
            if let change = op.lastRCChange, change > 0 {
                e["last-rc-change"] = clock.isoTime(change)
                if let q = op.xml["queue-time"] { e["queued"] = q }
                if let x = op.xml["exec-time"] { e["exec"] = x }
                e["interval"] = "\(op.intervalMs)"
                if let task = op.operation { e["task"] = task }
            }
            list.append(e)
        }
        return list.children.isEmpty ? nil : list
    }

    /// `ban_list()`: negative location constraints (newest first, as Pacemaker lists them).
    func bans() -> XMLElement? {
        var list = XMLElement("bans")
        for location in state.locationConstraints.reversed() {
            for (node, score) in location.nodes where score < 0 {
                list.append(XMLElement("ban", [("id", location.id), ("resource", location.resource), ("node", node),
                                               ("weight", "\(score)"), ("promoted-only", bool(location.promotedOnly)),
                                               ("master_only", bool(location.promotedOnly))]))
            }
        }
        return list.children.isEmpty ? nil : list
    }

    func bool(_ b: Bool) -> String { b ? "true" : "false" }
}
