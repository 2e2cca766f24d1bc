import PacerModel
import PacerScheduler

/// Edits a CIB's status the way crm_simulate's injections do
/// (lib/pacemaker/pcmk_injections.c): node state changes, operation results,
/// and the results of simulated actions.
struct SimulationInjector {
    var cib: XMLElement
    private var nextCallID: Int

    init(cib: XMLElement) {
        self.cib = cib
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

    private func nodeID(_ uname: String) -> String {
        var id = uname
        cib.forEachElement { el in if el.name == "node", el["uname"] == uname, let i = el["id"] { id = i } }
        return id
    }

    /// Path to the `<status>` element, creating it if missing.
    private mutating func withStatus<T>(_ body: (inout XMLElement) -> T) -> T {
        cib.withChild(named: "status") { body(&$0) }!
    }

    private mutating func withNodeState<T>(_ uname: String, _ body: (inout XMLElement) -> T) -> T {
        let id = nodeID(uname)
        return withStatus { status in
            if let i = status.childIndex(where: { $0.name == "node_state" && $0["uname"] == uname }) {
                return status.modifyChild(at: i, body)
            }
            var ns = XMLElement("node_state", [("id", id), ("uname", uname)])
            let r = body(&ns)
            status.append(ns)
            return r
        }
    }

    mutating func nodeState(_ uname: String, up: Bool, failed: Bool) {
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

    /// Records an operation result for `-i`; returns an error text for unknown resources.
    mutating func injectOp(_ spec: OpSpec) -> String? {
        var found: XMLElement?
        cib.firstElement(named: "configuration")?.forEachElement { el in
            if el.name == "primitive" && el["id"] == spec.rsc { found = el }
        }
        guard let prim = found else { return "resource '\(spec.rsc)' not found in the configuration" }
        recordResult(rsc: spec.rsc, cls: prim["class"] ?? "ocf", provider: prim["provider"], type: prim["type"] ?? "",
                     task: spec.task, intervalMs: spec.intervalMs, node: spec.node, rc: spec.rc, target: 0)
        if spec.rc != 0 && !(spec.task == "monitor" && spec.intervalMs == 0 && spec.rc == 7) {
            let name = "fail-count-\(spec.rsc)#\(spec.task)_\(spec.intervalMs)"
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
                                                        ("value", "1")]))
                    }
                }
            }
        }
        return nil
    }

    private mutating func recordResult(rsc: String, cls: String, provider: String?, type: String, task: String,
                                       intervalMs: Int, node: String, rc: Int, target: Int) {
        let call = nextCallID
        nextCallID += 1
        withNodeState(node) { ns in
            if ns["crmd"] == nil { ns["crmd"] = "online"; ns["in_ccm"] = "true"; ns["join"] = "member"; ns["expected"] = "member" }
            let nsID = ns["id"]
            ns.withChild(named: "lrm") { lrm in
                if lrm["id"] == nil { lrm["id"] = nsID }
                lrm.withChild(named: "lrm_resources") { list in
                    var entryIndex = list.childIndex { $0.name == "lrm_resource" && $0["id"] == rsc }
                    if entryIndex == nil {
                        var attrs = [("id", rsc), ("class", cls)]
                        if let provider { attrs.append(("provider", provider)) }
                        attrs.append(("type", type))
                        list.append(XMLElement("lrm_resource", attrs))
                        entryIndex = list.children.count - 1
                    }
                    list.modifyChild(at: entryIndex!) { entry in
                        let opID = intervalMs > 0 ? "\(rsc)_\(task)_\(intervalMs)" : "\(rsc)_last_0"
                        entry.removeElements { $0["id"] == opID }
                        entry.append(XMLElement("lrm_rsc_op", [
                            ("id", opID), ("operation_key", "\(rsc)_\(task)_\(intervalMs)"), ("operation", task),
                            ("transition-key", "0:0:\(target):00000000-0000-0000-0000-000000000000"),
                            ("transition-magic", "0:\(rc);0:0:\(target):00000000-0000-0000-0000-000000000000"),
                            ("call-id", String(call)), ("rc-code", String(rc)), ("op-status", "0"),
                            ("interval", String(intervalMs)), ("exec-time", "0"), ("queue-time", "0"),
                        ]))
                    }
                }
            }
        }
    }

    /// The line crm_simulate prints for one executed action.
    func describe(_ a: TransitionAction) -> String {
        switch a.kind {
        case .pseudo: return "  * Pseudo action:   \(a.key)"
        case .cluster:
            if let r = a.resource { return "  * Cluster action:  \(a.task) for \(r) on \(a.node ?? "")" }
            return "  * Cluster action:  \(a.task) on \(a.node ?? "")"
        case .resource:
            let rsc = a.resource ?? ""
            let padded = rsc.count >= 15 ? rsc : rsc + String(repeating: " ", count: 15 - rsc.count)
            let task = a.intervalMs > 0 ? "\(a.task)=\(a.intervalMs)" : a.task
            return "  * Resource action: \(padded) \(task) on \(a.node ?? "")"
        }
    }

    /// Applies the simulated result of one action to the status section.
    mutating func execute(_ a: TransitionAction) {
        guard let node = a.node else { return }
        switch a.kind {
        case .pseudo: return
        case .cluster:
            if a.task == "do_shutdown" { nodeState(node, up: false, failed: false); return }
            if a.task == "clear_failcount", let rsc = a.resource {
                withNodeState(node) { ns in
                    ns.withChild(named: "transient_attributes", create: false) { ta in
                        ta.withChild(named: "instance_attributes", create: false) { ia in
                            ia.removeElements {
                                let n = $0["name"] ?? ""
                                return n == "fail-count-\(rsc)" || n.hasPrefix("fail-count-\(rsc)#")
                                    || n == "last-failure-\(rsc)" || n.hasPrefix("last-failure-\(rsc)#")
                            }
                        }
                    }
                }
            }
        case .resource:
            guard let rsc = a.resource, ["start", "stop", "monitor", "reload", "reload-agent"].contains(a.task) else { return }
            let probe = a.task == "monitor" && a.intervalMs == 0
            recordResult(rsc: rsc, cls: a.agentClass ?? "ocf", provider: a.agentProvider, type: a.agentType ?? "",
                         task: a.task == "reload-agent" ? "reload" : a.task, intervalMs: a.intervalMs, node: node,
                         rc: probe ? 7 : 0, target: probe ? 7 : 0)
        }
    }
}
