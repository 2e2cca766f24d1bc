// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
public import PacerTransition
import PacerScheduler

extension StatusRecorder {
    /// Records the result of `request` as an `lrm_rsc_op`, and on failure bumps the fail count.
    /// - Parameters:
    ///   - now: seconds since the epoch (`last-rc-change`, `last-failure-*`).
    ///   - startFailureIsFatal: a failed start sets the fail count to INFINITY (Pacemaker's default).
    public mutating func record(_ request: ActionRequest, _ outcome: ActionOutcome, now: Int, startFailureIsFatal: Bool = true) {
        let call = nextCallID
        nextCallID += 1
        let operation = request.operation
        let failed = !outcome.succeeded(for: request)
        // A reload is recorded as a start when it succeeded and as a monitor when it failed
        // (pcmk__create_history_xml()): the resource then runs with the new parameters, or
        // its state is unknown.
        let isReload = operation.task == "reload-agent" || operation.task == "reload"
        let task = isReload ? (outcome.status == .done ? "start" : "monitor") : operation.task
        let key = "\(call):1:\(request.expectedRC):\(controllerID)"
        var attributes: [(String, String)] = [
            ("operation_key", "\(operation.resource)_\(task)_\(operation.intervalMs)"), ("operation", task),
            ("crm-debug-origin", "pacerd"),
            ("crm_feature_set", EmptyCIB.featureSet), ("transition-key", key),
            ("transition-magic", "\(outcome.status.rawValue):\(outcome.rc);\(key)"), ("exit-reason", outcome.exitReason),
            ("on_node", request.node), ("call-id", String(call)), ("rc-code", String(outcome.rc)),
            ("op-status", String(outcome.status.rawValue)), ("interval", String(request.intervalMs)),
            ("last-rc-change", String(now)), ("exec-time", String(outcome.execMs)), ("queue-time", "0"),
            ("op-digest", operation.digest),
        ]
        // The agent can reload: which parameters force a restart, and their digest, so the
        // scheduler can tell a reloadable change from one that needs a restart (append_restart_list()).
        if let names = outcome.forceRestart, operation.intervalMs == 0 {
            let restart = Set(names)
            attributes.append(("op-force-restart", names.isEmpty ? "" : " " + names.joined(separator: " ") + " "))
            attributes.append(("op-restart-digest",
                               OperationDigest.digest(of: operation.parameters.filter { restart.contains($0.name) }.map { ($0.name, $0.value) })))
        }
        withNodeState(request.node) { state in
            let nodeID = state["id"]
            state.withChild(named: "lrm") { lrm in
                if lrm["id"] == nil { lrm["id"] = nodeID }
                lrm.withChild(named: "lrm_resources") { list in
                    let index = list.childIndex { $0.name == "lrm_resource" && $0["id"] == request.resource } ?? {
                        var entry = [("id", request.resource), ("class", operation.agent.resourceClass)]
                        if let provider = operation.agent.provider { entry.append(("provider", provider)) }
                        entry.append(("type", operation.agent.type))
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
                            if task == "stop" && !failed {
                                entry.removeElements { ($0["interval"].flatMap { Int($0) } ?? 0) > 0 }
                            }
                        }
                        if failed { put("\(request.resource)_last_failure_0") }
                    }
                }
            }
        }
        if failed && !(request.isProbe) {
            let name = "fail-count-\(request.resource)#\(task)_\(request.intervalMs)"
            let current = Score(parsing: transientAttribute(request.node, name: name)).value
            let value = task == "start" && startFailureIsFatal ? Score.infinityValue : Score.add(current, 1)
            setTransientAttribute(request.node, name: name, value: Score(value).description)
            setTransientAttribute(request.node, name: "last-failure-\(request.resource)#\(task)_\(request.intervalMs)", value: String(now))
        }
    }
}
