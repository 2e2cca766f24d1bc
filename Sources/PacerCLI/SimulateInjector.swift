// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// Edits a CIB's status the way crm_simulate's injections do
/// (lib/pacemaker/pcmk_injections.c): node state changes, operation results,
/// and the results of simulated actions.
struct SimulationInjector {
    var cib: XMLElement
    private var nextCallID: Int
    /// Built on first use: only simulated execution records digests.
    private var digestCalculator: OperationDigest.Calculator?
    private var nodeIDs: [String: String]

    /// The time recorded as `last-rc-change` of simulated results.
    var now = 0
    /// Node state changes add a configuration entry for an unknown node, as crm_simulate
    /// does once `--node-up` was given (`pcmk__simulate_node_config`).
    var createsNodeEntries = false

    init(cib: XMLElement, now: Int = 0) {
        self.cib = cib
        self.now = now
        var ids: [String: String] = [:]
        for node in cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?.elements(named: "node") ?? [] {
            if let u = node["uname"], let i = node["id"], ids[u] == nil { ids[u] = i }
        }
        nodeIDs = ids
        var maxCall = 0
        cib.forEachElement { el in
            if el.name == "lrm_rsc_op", let c = Int(el["call-id"] ?? "") { maxCall = max(maxCall, c) }
        }
        nextCallID = maxCall + 1
    }

    struct OpSpec { var rsc: String; var task: String; var intervalMs: Int; var node: String; var rc: Int }

    /// Parses `RSC_OP_INTERVAL@NODE=RC`.
    static func parseOpSpec(_ spec: String) -> OpSpec? {
        guard let at = spec.lastIndex(of: "@"), let eq = spec.lastIndex(of: "="), at < eq else { return nil }
        let key = spec[..<at], node = String(spec[spec.index(after: at)..<eq])
        guard let rc = Int(spec[spec.index(after: eq)...]) else { return nil }
        let parts = key.split(separator: "_")
        guard parts.count >= 3, let interval = Int(parts.last!) else { return nil }
        let task = String(parts[parts.count - 2])
        let rsc = parts[0..<(parts.count - 2)].joined(separator: "_")
        return OpSpec(rsc: rsc, task: task, intervalMs: interval, node: node, rc: rc)
    }

    private func nodeID(_ uname: String) -> String { nodeIDs[uname] ?? uname }

    private mutating func withNodeState<T>(_ uname: String, _ body: (inout XMLElement) -> T) -> T {
        let id = nodeID(uname)
        return StatusRecorder.withNodeState(in: &cib, uname: uname, id: id, body)
    }

    mutating func nodeState(_ uname: String, up: Bool, failed: Bool) {
        if nodeIDs[uname] == nil && createsNodeEntries {
            // crm_simulate creates a configuration entry for a node it has never seen.
            nodeIDs[uname] = uname
            _ = cib.withChild(named: "configuration") { config in
                config.withChild(named: "nodes") { $0.append(XMLElement("node", [("id", uname), ("uname", uname)])) }
            }
        }
        withNodeState(uname) { ns in
            ns["in_ccm"] = up && !failed ? "true" : "false"
            ns["crmd"] = up ? "online" : "offline"
            ns["join"] = up ? "member" : "down"
            ns["expected"] = up ? "member" : "down"
            if !up {
                ns.removeElements { $0.name == "lrm" || $0.name == "transient_attributes" }
            }
        }
    }

    struct InjectionError: Error { var message: String }

    /// Records an operation result for `-i` (and, for failures, bumps the fail count as
    /// `pcmk__inject_failcount()` does). Returns the attribute lines crm_simulate prints.
    mutating func injectOp(_ spec: OpSpec, now: Int) -> Result<[String], InjectionError> {
        var found: XMLElement?
        cib.firstElement(named: "configuration")?.forEachElement { el in
            if el.name == "primitive" && el["id"] == spec.rsc { found = el }
        }
        guard let prim = found else {
            return .failure(InjectionError(message: "invalid resource name '\(spec.rsc)' in --op-inject: no such primitive in the configuration"))
        }
        var printed: [String] = []
        recordResult(rsc: spec.rsc, cls: prim["class"] ?? "ocf", provider: prim["provider"], type: prim["type"] ?? "",
                     task: spec.task, intervalMs: spec.intervalMs, node: spec.node, rc: spec.rc, target: 0)
        flush()
        if spec.rc != 0 && !(spec.task == "monitor" && spec.intervalMs == 0 && spec.rc == 7) {
            let name = "fail-count-\(spec.rsc)#\(spec.task)_\(spec.intervalMs)"
            let nodeStateID = nodeID(spec.node)
            printed.append("Injecting attribute \(name)=value++ into /node_state '\(nodeStateID)'")
            printed.append("Injecting attribute last-failure-\(spec.rsc)#\(spec.task)_\(spec.intervalMs)=\(now) into /node_state '\(nodeStateID)'")
            withNodeState(spec.node) { ns in
                let nsID = ns["id"] ?? ""
                ns.withChild(named: "transient_attributes") { ta in
                    if ta["id"] == nil { ta["id"] = nsID }
                    ta.withChild(named: "instance_attributes") { ia in
                        if ia["id"] == nil { ia["id"] = "status-\(nsID)" }
                        var current = 0
                        if let i = ia.childIndex(where: { $0["name"] == name }) {
                            if case .element(let e) = ia.children[i] { current = Score(parsing: e["value"]).value }
                            ia.children.remove(at: i)
                        }
                        ia.append(XMLElement("nvpair", [("id", "status-\(nsID)-\(name)"), ("name", name),
                                                        ("value", Score(Score.add(current, 1)).description)]))
                        ia.removeElements { $0["name"] == "last-failure-\(spec.rsc)#\(spec.task)_\(spec.intervalMs)" }
                        ia.append(XMLElement("nvpair", [("id", "status-\(nsID)-last-failure-\(spec.rsc)"),
                                                        ("name", "last-failure-\(spec.rsc)#\(spec.task)_\(spec.intervalMs)"),
                                                        ("value", String(now))]))
                    }
                }
            }
        }
        return .success(printed)
    }

    private struct PendingEntry {
        var cls: String, provider: String?, type: String
        var ops: [XMLElement] = []
    }
    /// Results recorded by `execute` but not yet merged into the status section,
    /// by node, then resource (first-seen order), so a large transition is merged in one pass.
    private var pending: [(node: String, rscs: [(rsc: String, entry: PendingEntry)])] = []
    private var pendingIndex: [String: (Int, [String: Int])] = [:]

    /// Resources with more than one history entry on a node ("NODE\u{1}RSC"), built on first use.
    private var duplicateEntries: Set<String>?

    /// crm_simulate cannot find the one history entry of a resource that has several on
    /// the node, so it records the result in a new entry (call id 1), merged into the first.
    private mutating func hasDuplicateEntries(_ rsc: String, on node: String) -> Bool {
        if duplicateEntries == nil {
            var dups = Set<String>()
            for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
                guard let uname = state["uname"],
                      let list = state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources") else { continue }
                var seen = Set<String>()   // the ids of this node's entries (shared strings)
                for e in list.elements(named: "lrm_resource") {
                    let id = e["id"] ?? ""
                    if !seen.insert(id).inserted { dups.insert("\(uname)\u{1}\(id)") }
                }
            }
            duplicateEntries = dups
        }
        return duplicateEntries!.contains("\(node)\u{1}\(rsc)")
    }

    /// - Parameter digest: the scheduler's digest of a transition's action; an injected
    ///   operation's is computed from the configuration.
    private mutating func recordResult(rsc: String, cls: String, provider: String?, type: String, task: String,
                                       intervalMs: Int, node: String, rc: Int, target: Int, digest known: String? = nil) {
        var call = nextCallID
        nextCallID += 1
        if hasDuplicateEntries(rsc, on: node) { call = 1 }
        let digest: String
        if let known {
            digest = known
        } else {
            if digestCalculator == nil { digestCalculator = OperationDigest.Calculator(cib: cib) }
            digest = digestCalculator!.digest(resource: rsc, task: task, intervalMs: intervalMs, node: node)
        }
        // As pcmk__create_history_xml() records results: transition -1 (newer than any
        // pending op), reloads recorded as starts; a failure goes to RSC_last_failure_0
        // (without a digest), and for non-recurring ops also to RSC_last_0.
        let recordedTask = (task == "reload-agent" || task == "reload") ? "start" : task
        let transitionKey = "\(call):-1:\(target):xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
        let failed = rc != target
        func entry(_ id: String, digest: String?) -> XMLElement {
            var attrs: [(String, String)] = [
                ("id", id), ("operation_key", "\(rsc)_\(recordedTask)_\(intervalMs)"), ("operation", recordedTask),
                ("crm-debug-origin", "pacer-simulate"), ("crm_feature_set", "3.16.1"),
                ("transition-key", transitionKey), ("transition-magic", "0:\(rc);\(transitionKey)"),
                ("exit-reason", failed ? "Simulated action result" : ""), ("call-id", String(call)),
                ("rc-code", String(rc)), ("op-status", "0"), ("interval", String(intervalMs)),
                ("last-rc-change", String(now)), ("exec-time", "0"), ("queue-time", "0"),
            ]
            if let digest { attrs.append(("op-digest", digest)) }
            return XMLElement("lrm_rsc_op", attrs)
        }
        var ops: [XMLElement] = []
        if intervalMs == 0 || !failed {
            ops.append(entry(intervalMs > 0 ? "\(rsc)_\(task)_\(intervalMs)" : "\(rsc)_last_0", digest: digest))
        }
        if failed { ops.append(entry("\(rsc)_last_failure_0", digest: nil)) }
        if pendingIndex[node] == nil {
            pendingIndex[node] = (pending.count, [:])
            pending.append((node, []))
        }
        let (ni, _) = pendingIndex[node]!
        if let ri = pendingIndex[node]!.1[rsc] {
            for op in ops {
                pending[ni].rscs[ri].entry.ops.removeAll { $0["id"] == op["id"] }
                pending[ni].rscs[ri].entry.ops.append(op)
            }
        } else {
            pendingIndex[node]!.1[rsc] = pending[ni].rscs.count
            pending[ni].rscs.append((rsc, PendingEntry(cls: cls, provider: provider, type: type, ops: ops)))
        }
    }

    /// Merges recorded results into the status section.
    mutating func flush() {
        let batch = pending
        pending = []
        pendingIndex = [:]
        for (node, rscs) in batch {
            withNodeState(node) { ns in
                if ns["crmd"] == nil { ns["crmd"] = "online"; ns["in_ccm"] = "true"; ns["join"] = "member"; ns["expected"] = "member" }
                let nsID = ns["id"]
                ns.withChild(named: "lrm") { lrm in
                    if lrm["id"] == nil { lrm["id"] = nsID }
                    lrm.withChild(named: "lrm_resources") { list in
                        var index: [String: Int] = [:]
                        for (i, child) in list.children.enumerated() {
                            if case .element(let e) = child, e.name == "lrm_resource", let id = e["id"], index[id] == nil { index[id] = i }
                        }
                        for (rsc, entry) in rscs {
                            if index[rsc] == nil {
                                var attrs = [("id", rsc), ("class", entry.cls)]
                                if let provider = entry.provider { attrs.append(("provider", provider)) }
                                attrs.append(("type", entry.type))
                                list.append(XMLElement("lrm_resource", attrs))
                                index[rsc] = list.children.count - 1
                            }
                            list.modifyChild(at: index[rsc]!) { e in
                                for op in entry.ops {
                                    e.removeElements { $0["id"] == op["id"] }
                                    e.append(op)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The line crm_simulate prints for one executed action.
    func describe(_ a: TransitionAction) -> String {
        switch a.kind {
        case .pseudo:
            // A guest node's fencing is a pseudo action that names its node.
            if a.task == "stonith", let node = a.node { return "  * Pseudo action:   \(a.key) on \(node)" }
            return "  * Pseudo action:   \(a.key)"
        case .cluster:
            if a.task == "stonith", let node = a.node { return "  * Fencing \(node) (\(Self.fenceAction(a, node)))" }
            if let r = a.resource { return "  * Cluster action:  \(a.task) for \(r) on \(a.node ?? "")" }
            return "  * Cluster action:  \(a.task) on \(a.node ?? "")"
        case .resource:
            let rsc = a.resource ?? ""
            let padded = rsc.count >= 15 ? rsc : rsc + String(repeating: " ", count: 15 - rsc.count)
            let task = a.intervalMs > 0 ? "\(a.task)=\(a.intervalMs)" : a.task
            return "  * Resource action: \(padded) \(task) on \(a.node ?? "")"
        }
    }

    /// The device action of a fencing action, from its key `stonith-NODE-ACTION`.
    static func fenceAction(_ a: TransitionAction, _ node: String) -> String {
        String(a.key.dropFirst("stonith-\(node)-".count))
    }

    /// Applies the simulated result of one action to the status section.
    mutating func execute(_ a: TransitionAction) {
        guard let node = a.node else { return }
        switch a.kind {
        case .pseudo: return
        case .cluster:
            // A fenced node goes down and loses its history and transient attributes
            // (`simulate_fencing_action()`); unfencing ("on") changes nothing. Other
            // cluster actions (shutdown, clear_failcount) are only confirmed.
            if a.task == "stonith" && Self.fenceAction(a, node) != "on" {
                flush()
                nodeState(node, up: false, failed: false)
            }
            return
        case .resource:
            guard let rsc = a.resource, let operation = a.operation,
                  ["start", "stop", "monitor", "reload", "reload-agent", "migrate_to", "migrate_from", "promote", "demote"].contains(a.task)
            else { return }
            recordResult(rsc: rsc, cls: operation.agent.resourceClass, provider: operation.agent.provider, type: operation.agent.type,
                         task: a.task, intervalMs: a.intervalMs, node: node, rc: a.expectedRC, target: a.expectedRC,
                         digest: operation.digest)
        }
    }
}
