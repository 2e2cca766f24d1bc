// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Reads what an action needs from the configuration: agent, parameters, op timeout.
///
/// Attribute sets with rules are taken without evaluating the rules (the canonical
/// configurations have none); the first definition of a name wins, as Pacemaker
/// does for sets of equal score.
public struct ResourceDefinitions: Sendable {
    let primitives: [String: XMLElement]
    let opDefaults: [String: String]
    /// The status section: where an orphan's agent is found (its `lrm_resource` history).
    let status: XMLElement?

    public init(cib: XMLElement) {
        var primitives: [String: XMLElement] = [:]
        let configuration = cib.firstElement(named: "configuration")
        configuration?.firstElement(named: "resources")?.forEachElement { element in
            if element.name == "primitive", let id = element["id"] { primitives[id] = element }
        }
        self.primitives = primitives
        var defaults: [String: String] = [:]
        for set in configuration?.firstElement(named: "op_defaults")?.elements(named: "meta_attributes") ?? [] {
            for pair in set.elements(named: "nvpair") where defaults[pair["name"] ?? ""] == nil {
                defaults[pair["name"] ?? ""] = pair["value"] ?? ""
            }
        }
        opDefaults = defaults
        status = cib.firstElement(named: "status")
    }

    public func primitive(_ id: String) -> XMLElement? { primitives[id] }

    /// Builds the request for `task` (every `intervalMs`) of `resource` on `node`.
    public func request(id: UInt64, resource: String, task: String, intervalMs: Int, node: String) -> ActionRequest? {
        guard let primitive = primitives[resource] else {
            return task == "stop" ? orphanStop(id: id, resource: resource, node: node) : nil
        }
        var parameters: [ActionRequest.NameValue] = []
        var seen = Set<String>()
        for set in primitive.elements(named: "instance_attributes") {
            for pair in set.elements(named: "nvpair") {
                guard let name = pair["name"], seen.insert(name).inserted else { continue }
                parameters.append(.init(name, pair["value"] ?? ""))
            }
        }
        // The op definition: same name and interval (a probe uses the monitor's settings only for timeout).
        let ops = primitive.firstElement(named: "operations")?.elements(named: "op") ?? []
        let op = ops.first { $0["name"] == task && IntervalSpec.intervalMilliseconds($0["interval"] ?? "0") == intervalMs }
        var checkLevel: String?
        for set in op?.elements(named: "instance_attributes") ?? [] {
            for pair in set.elements(named: "nvpair") where pair["name"] == "OCF_CHECK_LEVEL" { checkLevel = pair["value"] }
        }
        let timeout = op?["timeout"] ?? opMeta(op, "timeout") ?? opDefaults["timeout"]
        let startDelay = op?["start-delay"] ?? opMeta(op, "start-delay")
        return ActionRequest(id: id, node: node, resource: resource, task: task, intervalMs: intervalMs,
                             timeoutMs: timeout.flatMap(IntervalSpec.milliseconds) ?? 20_000,
                             startDelayMs: startDelay.flatMap(IntervalSpec.milliseconds) ?? 0,
                             agentClass: primitive["class"] ?? "ocf", agentProvider: primitive["provider"],
                             agentType: primitive["type"] ?? "", parameters: parameters, checkLevel: checkLevel,
                             expectedRC: task == "monitor" && intervalMs == 0 ? 7 : 0)
    }

    /// The stop of a resource no longer in the configuration (Pacemaker's `stop-orphan-resources`):
    /// the agent from the node's operation history; no parameters here — the node that runs
    /// it stops it with the parameters it was started with.
    func orphanStop(id: UInt64, resource: String, node: String) -> ActionRequest? {
        var history: XMLElement?
        status?.forEachElement { state in
            guard history == nil, state.name == "node_state", state["uname"] == node else { return }
            history = state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources")?
                .elements(named: "lrm_resource").first { $0["id"] == resource }
        }
        guard let history, let type = history["type"] else { return nil }
        return ActionRequest(id: id, node: node, resource: resource, task: "stop", intervalMs: 0,
                             timeoutMs: opDefaults["timeout"].flatMap(IntervalSpec.milliseconds) ?? 20_000, startDelayMs: 0,
                             agentClass: history["class"] ?? "ocf", agentProvider: history["provider"], agentType: type,
                             parameters: [], checkLevel: nil, expectedRC: 0)
    }

    func opMeta(_ op: XMLElement?, _ name: String) -> String? {
        for set in op?.elements(named: "meta_attributes") ?? [] {
            for pair in set.elements(named: "nvpair") where pair["name"] == name { return pair["value"] }
        }
        return nil
    }
}
