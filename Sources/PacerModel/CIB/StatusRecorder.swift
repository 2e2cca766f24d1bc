// SPDX-License-Identifier: GPL-2.0-or-later

/// Writes what happened into the CIB's `<status>` the way Pacemaker's controller and
/// attribute manager do: `node_state` per node, `lrm_rsc_op` history per resource,
/// and `fail-count-*`/`last-failure-*` transient attributes.
///
/// A CIB value like the rest of this target, so `pacer resource` and `pacer node` edit the
/// status section without the controller; recording an action's result (which needs the
/// scheduler's operation digest) is the controller's `record(_:_:now:startFailureIsFatal:)`.
public struct StatusRecorder {
    public package(set) var cib: XMLElement
    /// The controller's id in transition keys (a real cluster writes a UUID).
    package let controllerID: String
    /// The `call-id` the next recorded operation gets.
    package var nextCallID: Int

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

    /// Runs `body` on the `node_state` of `uname`, creating it (and `<status>`) when missing.
    package mutating func withNodeState<T>(_ uname: String, _ body: (inout XMLElement) -> T) -> T {
        let id = nodeID(uname)
        return Self.withNodeState(in: &cib, uname: uname, id: id, body)
    }

    /// Runs `body` on the `node_state` of `uname` in `cib`, creating it with `id` (and
    /// `<status>`) when missing; crm_simulate's injections edit the status the same way.
    package static func withNodeState<T>(in cib: inout XMLElement, uname: String, id: String,
                                         _ body: (inout XMLElement) -> T) -> T {
        cib.withChild(named: "status") { status in
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
    /// history and transient attributes (attrd forgets them when a node leaves). A node
    /// confirmed down (``confirmDown(_:)``, `pacer node clearstate`) stays expected down until it
    /// is online again.
    public mutating func setMembership(_ uname: String, online: Bool, expectedDown: Bool = false) {
        let expectedDown = expectedDown || (!online && isConfirmedDown(uname))
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

    /// A cancelled recurring operation's record goes (`RSC_TASK_INTERVAL` in the node's history).
    public mutating func removeRecurring(resource: String, task: String, intervalMs: Int, node: String) {
        withNodeState(node) { state in
            state.withChild(named: "lrm", create: false) { lrm in
                lrm.withChild(named: "lrm_resources", create: false) { list in
                    guard let index = list.childIndex(where: { $0.name == "lrm_resource" && $0["id"] == resource }) else { return }
                    list.modifyChild(at: index) { entry in
                        entry.removeElements { $0["operation"] == task && $0["interval"] == String(intervalMs) }
                    }
                }
            }
        }
    }
}
