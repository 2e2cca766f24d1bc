// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// What a resource action needs to run, resolved once here so the controller and the executor
/// never read the configuration again. Mirrors `unpack_operation()` (lib/pengine/pe_actions.c:
/// timeout, start-delay, the operation's meta attributes), `pe_rsc_params()` (instance
/// attributes with rules evaluated for the node) and the operation's instance attributes
/// (`action->extra`), as the graph hands them to the controller.
extension WorkingSet {
    func resolvedOperation(_ rsc: Resource, name: String, task: String, intervalMs: Int, node: Node,
                           expectedRC: Int) -> ResourceOperation {
        var params = AttributeMap()
        var owner: Resource? = rsc
        while let current = owner {
            nvpairs(of: current.xml, setName: "instance_attributes", node: node, into: &params)
            owner = current.parent
        }
        let entry = operationEntry(rsc, task: task, intervalMs: intervalMs)
        if let entry {
            var extra = AttributeMap()
            nvpairs(of: entry, setName: "instance_attributes", node: node, into: &extra)
            for (key, value) in extra { params[key] = value }
        }
        var meta = opDefaults
        if task == "monitor" && intervalMs == 0, let timeout = minimumIntervalMonitor(rsc)?["timeout"] {
            meta["timeout"] = timeout   // a probe defaults to the most frequent monitor's timeout
        }
        if let entry {
            nvpairs(of: entry, setName: "meta_attributes", node: node, overwrite: true, into: &meta)
            for attribute in entry.attributes { meta[attribute.name] = attribute.value }
        }
        let timeoutMs = meta["timeout"].flatMap(IntervalSpec.milliseconds).flatMap { $0 >= 0 ? $0 : nil } ?? 20_000
        let startDelayMs = meta["start-delay"].flatMap(IntervalSpec.milliseconds).map { max(0, $0) } ?? 0
        for name in ["id", "timeout", "interval", "start-delay"] { meta[name] = nil }
        let digest = OperationDigest.digest(of: digestParameters(rsc, node: node, task: task, intervalMs: intervalMs))
        return ResourceOperation(
            resource: name, task: task, intervalMs: intervalMs, node: node.uname,
            agent: ResourceAgent(resourceClass: rsc.resourceClass, provider: rsc.provider, type: rsc.agentType),
            parameters: params.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) },
            meta: meta.sorted { $0.key < $1.key }.map { .init($0.key, $0.value) },
            timeoutMs: timeoutMs, startDelayMs: startDelayMs, expectedRC: Int32(expectedRC), digest: digest)
    }

    /// The `<op>` an action takes its settings from (`find_rsc_op_entry_helper()`, disabled
    /// ones included): same name and interval; migrations fall back to a `migrate` op and
    /// notifications to a `notify` op.
    private func operationEntry(_ rsc: Resource, task: String, intervalMs: Int) -> XMLElement? {
        func find(_ name: String, _ interval: Int) -> XMLElement? {
            operationElements(rsc).first { $0["name"] == name && IntervalSpec.intervalMilliseconds($0["interval"]) == interval }
        }
        if let op = find(task, intervalMs) { return op }
        if task.hasPrefix("migrate") { return find("migrate", 0) }
        if task == "notify" { return find("notify", 0) }
        return nil
    }

    /// `find_min_interval_mon()`: the enabled recurring monitor with the smallest interval.
    private func minimumIntervalMonitor(_ rsc: Resource) -> XMLElement? {
        var best: (interval: Int, op: XMLElement)?
        for op in operationElements(rsc) where op["name"] == "monitor" && op["enabled"].map(isTrue) ?? true {
            let interval = IntervalSpec.intervalMilliseconds(op["interval"])
            if interval > 0 && interval < (best?.interval ?? Int.max) { best = (interval, op) }
        }
        return best?.op
    }

    private func operationElements(_ rsc: Resource) -> [XMLElement] {
        guard var operations = rsc.xml.firstElement(named: "operations") else { return [] }
        if let ref = operations["id-ref"], let target = element(withID: ref) { operations = target }
        return operations.elements(named: "op").map { op in op["id-ref"].flatMap { element(withID: $0) } ?? op }
    }
}
