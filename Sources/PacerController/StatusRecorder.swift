// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
import PacerScheduler

/// Writes what happened into the CIB's `<status>` the way Pacemaker's controller and
/// attribute manager do: `node_state` per node, `lrm_rsc_op` history per resource,
/// and `fail-count-*`/`last-failure-*` transient attributes.
public struct StatusRecorder {
    public internal(set) var cib: XMLElement
    /// The controller's id in transition keys (a real cluster writes a UUID).
    let controllerID: String
    var nextCallID: Int

    public init(cib: XMLElement, controllerID: String = "00000000-0000-0000-0000-000000000000") {
        self.cib = cib
        self.controllerID = controllerID
        var maxCall = 0
        cib.firstElement(named: "status")?.forEachElement { element in
            if element.name == "lrm_rsc_op", let call = Int(element["call-id"] ?? "") { maxCall = max(maxCall, call) }
        }
        nextCallID = maxCall + 1
    }

    /// The node's id from `<nodes>` (the name when it has none).
    public func nodeID(_ uname: String) -> String {
        cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?.elements(named: "node")
            .first { $0["uname"] == uname }?["id"] ?? uname
    }

    /// Adds `<node id=… uname=…/>` to `<nodes>` if the node is not configured yet (as a joining node is).
    public mutating func ensureNode(_ uname: String, id: String) {
        cib.withChild(named: "configuration") { configuration in
            configuration.withChild(named: "nodes") { nodes in
                if !nodes.elements(named: "node").contains(where: { $0["uname"] == uname }) {
                    nodes.append(XMLElement("node", [("id", id), ("uname", uname)]))
                }
            }
        }
    }

    /// Sets a property in `cib-bootstrap-options` (as Pacemaker's DC records `dc-version`,
    /// `cluster-infrastructure` and `cluster-name`); returns whether anything changed.
    @discardableResult
    public mutating func setClusterProperty(_ name: String, _ value: String) -> Bool {
        let changed = cib.withChild(named: "configuration") { configuration in
            configuration.withChild(named: "crm_config") { config in
                let index = config.childIndex { $0.name == "cluster_property_set" && $0["id"] == "cib-bootstrap-options" }
                    ?? { config.append(XMLElement("cluster_property_set", [("id", "cib-bootstrap-options")])); return config.children.count - 1 }()
                return config.modifyChild(at: index) { set -> Bool in
                    if let pair = set.childIndex(where: { $0.name == "nvpair" && $0["name"] == name }) {
                        return set.modifyChild(at: pair) { nvpair -> Bool in
                            guard nvpair["value"] != value else { return false }
                            nvpair["value"] = value
                            return true
                        }
                    }
                    set.append(XMLElement("nvpair", [("id", "cib-bootstrap-options-\(name)"), ("name", name), ("value", value)]))
                    return true
                }
            }
        }
        return (changed ?? nil) ?? false
    }

    mutating func withNodeState<T>(_ uname: String, _ body: (inout XMLElement) -> T) -> T {
        let id = nodeID(uname)
        return cib.withChild(named: "status") { status in
            if let index = status.childIndex(where: { $0.name == "node_state" && $0["uname"] == uname }) {
                return status.modifyChild(at: index, body)
            }
            var state = XMLElement("node_state", [("id", id), ("uname", uname)])
            let result = body(&state)
            status.append(state)
            return result
        }!
    }

    /// Membership as the controller records it. A node that is down loses its resource
    /// history and transient attributes (attrd forgets them when a node leaves).
    public mutating func setMembership(_ uname: String, online: Bool, expectedDown: Bool = false) {
        withNodeState(uname) { state in
            let values = online
                ? [("in_ccm", "true"), ("crmd", "online"), ("join", "member"), ("expected", "member")]
                : [("in_ccm", "false"), ("crmd", "offline"), ("join", "down"), ("expected", expectedDown ? "down" : "member")]
            for (name, value) in values where state[name] != value { state[name] = value }
            if state["crm-debug-origin"] == nil { state["crm-debug-origin"] = "pacerd" }
            if !online { state.removeElements { $0.name == "lrm" || $0.name == "transient_attributes" } }
        }
    }

    /// Sets (or with nil removes) a transient node attribute.
    public mutating func setTransientAttribute(_ uname: String, name: String, value: String?) {
        withNodeState(uname) { state in
            let id = state["id"] ?? uname
            state.withChild(named: "transient_attributes") { attributes in
                if attributes["id"] == nil { attributes["id"] = id }
                attributes.withChild(named: "instance_attributes") { set in
                    if set["id"] == nil { set["id"] = "status-\(id)" }
                    set.removeElements { $0["name"] == name }
                    if let value {
                        let safe = String(name.map { $0 == "#" || $0 == ":" ? "." : $0 })
                        set.append(XMLElement("nvpair", [("id", "status-\(id)-\(safe)"), ("name", name), ("value", value)]))
                    }
                }
            }
        }
    }

    public func transientAttribute(_ uname: String, name: String) -> String? {
        cib.firstElement(named: "status")?.elements(named: "node_state").first { $0["uname"] == uname }?
            .firstElement(named: "transient_attributes")?.firstElement(named: "instance_attributes")?
            .elements(named: "nvpair").first { $0["name"] == name }?["value"]
    }

    /// Records the result of `request` as an `lrm_rsc_op`, and on failure bumps the fail count.
    /// - Parameters:
    ///   - now: seconds since the epoch (`last-rc-change`, `last-failure-*`).
    ///   - startFailureIsFatal: a failed start sets the fail count to INFINITY (Pacemaker's default).
    public mutating func record(_ request: ActionRequest, _ outcome: ActionOutcome, now: Int, startFailureIsFatal: Bool = true) {
        let call = nextCallID
        nextCallID += 1
        let digest = OperationDigest.Calculator(cib: cib).digest(resource: request.resource, task: request.task,
                                                                 intervalMs: request.intervalMs, node: request.node)
        let failed = !outcome.succeeded(for: request)
        let key = "\(call):1:\(request.expectedRC):\(controllerID)"
        let attributes: [(String, String)] = [
            ("operation_key", request.operationKey), ("operation", request.task), ("crm-debug-origin", "pacerd"),
            ("crm_feature_set", EmptyCIB.featureSet), ("transition-key", key),
            ("transition-magic", "\(outcome.opStatus):\(outcome.rc);\(key)"), ("exit-reason", outcome.exitReason),
            ("on_node", request.node), ("call-id", String(call)), ("rc-code", String(outcome.rc)),
            ("op-status", String(outcome.opStatus)), ("interval", String(request.intervalMs)),
            ("last-rc-change", String(now)), ("exec-time", String(outcome.execMs)), ("queue-time", "0"),
            ("op-digest", digest),
        ]
        withNodeState(request.node) { state in
            let nodeID = state["id"]
            state.withChild(named: "lrm") { lrm in
                if lrm["id"] == nil { lrm["id"] = nodeID }
                lrm.withChild(named: "lrm_resources") { list in
                    let index = list.childIndex { $0.name == "lrm_resource" && $0["id"] == request.resource } ?? {
                        var entry = [("id", request.resource), ("class", request.agentClass)]
                        if let provider = request.agentProvider { entry.append(("provider", provider)) }
                        entry.append(("type", request.agentType))
                        list.append(XMLElement("lrm_resource", entry))
                        return list.children.count - 1
                    }()
                    list.modifyChild(at: index) { entry in
                        func put(_ id: String) {
                            entry.removeElements { $0["id"] == id }
                            entry.append(XMLElement("lrm_rsc_op", [("id", id)] + attributes))
                        }
                        if request.isRecurring {
                            put("\(request.resource)_\(request.task)_\(request.intervalMs)")
                        } else {
                            put("\(request.resource)_last_0")
                            // A stop cancels the recurring operations: their records go.
                            if request.task == "stop" && !failed {
                                entry.removeElements { ($0["interval"].flatMap { Int($0) } ?? 0) > 0 }
                            }
                        }
                        if failed { put("\(request.resource)_last_failure_0") }
                    }
                }
            }
        }
        if failed && !(request.isProbe) {
            let name = "fail-count-\(request.resource)#\(request.task)_\(request.intervalMs)"
            let current = Score(parsing: transientAttribute(request.node, name: name)).value
            let value = request.task == "start" && startFailureIsFatal ? Score.infinityValue : Score.add(current, 1)
            setTransientAttribute(request.node, name: name, value: Score(value).description)
            setTransientAttribute(request.node, name: "last-failure-\(request.resource)#\(request.task)_\(request.intervalMs)", value: String(now))
        }
    }

    /// `clear_failcount`: forgets a resource's fail counts on a node.
    public mutating func clearFailCounts(resource: String, node: String) {
        withNodeState(node) { state in
            state.withChild(named: "transient_attributes", create: false) { attributes in
                attributes.withChild(named: "instance_attributes", create: false) { set in
                    set.removeElements {
                        let name = $0["name"] ?? ""
                        return name == "fail-count-\(resource)" || name.hasPrefix("fail-count-\(resource)#")
                            || name == "last-failure-\(resource)" || name.hasPrefix("last-failure-\(resource)#")
                    }
                }
            }
        }
    }

    /// `crm_resource --cleanup`: drops fail counts and the operation history, so the
    /// resource is probed again on that node.
    public mutating func cleanup(resource: String, node: String) {
        clearFailCounts(resource: resource, node: node)
        withNodeState(node) { state in
            state.withChild(named: "lrm", create: false) { lrm in
                lrm.withChild(named: "lrm_resources", create: false) { list in
                    list.removeElements { $0.name == "lrm_resource" && $0["id"] == resource }
                }
            }
        }
    }
}
