// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
import PacerScheduler

extension StatusRecorder {
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
}
