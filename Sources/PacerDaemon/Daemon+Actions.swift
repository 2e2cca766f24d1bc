// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import PacerHeartbeat
import PacerIPC
import Logging
import PacerController
import PacerExecutor
import PacerModel
import PacerEventLoop

/// Running agent actions on this node.
extension Daemon {
    func agentAction(_ request: ActionRequest) -> AgentAction {
        let agent = ResourceAgent(resourceClass: request.agentClass, provider: request.agentProvider, type: request.agentType)
        var meta: [AgentAction.Parameter] = [.init(name: "on_node", value: request.node)]
        if request.startDelayMs > 0 { meta.append(.init(name: "start_delay", value: String(request.startDelayMs))) }
        if request.isRecurring || !request.isProbe { meta.append(.init(name: "name", value: request.task)) }
        return AgentAction(resourceID: request.resource, agent: agent, name: request.task,
                           parameters: request.parameters.map { ($0.name, $0.value) }, meta: meta,
                           interval: .milliseconds(Int64(request.intervalMs)), timeout: .milliseconds(Int64(request.timeoutMs)),
                           checkLevel: request.checkLevel)
    }

    static func outcome(_ result: ActionResult) -> ActionOutcome {
        ActionOutcome(rc: result.rc, opStatus: result.status.rawValue, exitReason: result.exitReason,
                      execMs: Int(result.elapsed.milliseconds))
    }

    /// Runs `request` here (after its start-delay); `completion` runs on the loop thread.
    func runLocal(_ request: ActionRequest, completion: @escaping @Sendable (ActionOutcome) -> Void) {
        var configured = agentAction(request)
        // As Pacemaker's controller does, a stop uses the parameters the resource was started
        // with here: the configuration may have changed since, or lost the resource (an orphan).
        if request.task == "stop", let started = startedWith[request.resource], started.agent == configured.agent {
            configured.parameterList = started.parameters
        }
        let action = configured
        let completion: @Sendable (ActionOutcome) -> Void = { [unowned self] outcome in
            if request.task == "start" && outcome.rc == 0 && outcome.opStatus == 0 {
                self.startedWith[request.resource] = (action.agent, action.parameterList)
            } else if request.task == "stop" && outcome.rc == 0 && outcome.opStatus == 0 {
                self.startedWith[request.resource] = nil
            }
            self.alertOperation(request, outcome)
            completion(outcome)
        }
        let executor = self.executor
        let loop = self.loop
        logger.info("Executing", metadata: ["op": "\(request.operationKey)", "node": "\(node)"])
        let run: @Sendable () -> Void = {
            Task {
                let result = await executor.execute(action)
                loop.post { completion(Daemon.outcome(result)) }
            }
        }
        if request.startDelayMs > 0 {
            loop.addTimer(after: .milliseconds(Int64(request.startDelayMs))) { run() }
        } else {
            run()
        }
    }

    /// Starts a recurring operation here; its first run is one interval from now (the
    /// controller has just run it once). Results that differ from the last one are reported.
    func startRecurring(_ request: ActionRequest) {
        let action = agentAction(request)
        let loop = self.loop
        lastRecurringRC[request.operationKey] = request.expectedRC
        Task {
            let id = await executor.startRecurring(action, startDelay: action.interval) { [self] _, result in
                loop.post { self.recurringResult(request, Daemon.outcome(result)) }
            }
            loop.post { [self] in self.recurring[request.resource, default: []].append(id) }
        }
    }

    func cancelRecurring(_ resource: String) {
        alertCancelled(resource)
        let ids = recurring.removeValue(forKey: resource) ?? []
        for key in lastRecurringRC.keys where key.hasPrefix("\(resource)_") { lastRecurringRC[key] = nil }
        guard !ids.isEmpty else { return }
        let executor = self.executor
        Task { for id in ids { await executor.cancelRecurring(id) } }
    }

    func recurringResult(_ request: ActionRequest, _ outcome: ActionOutcome) {
        guard let last = lastRecurringRC[request.operationKey] else { return }   // cancelled meanwhile
        alertRecurring(request, outcome)
        guard outcome.rc != last || outcome.opStatus != 0 else { return }
        lastRecurringRC[request.operationKey] = outcome.rc
        guard !outcome.succeeded(for: request) else { return }
        logger.warning("Recurring operation failed", metadata: ["op": "\(request.operationKey)", "rc": "\(outcome.rc)",
                                                                "reason": "\(outcome.exitReason)"])
        if controller.isDC {
            noteTrigger("\(request.operationKey) failed on \(request.node)")
            apply(controller.handle(.recurringFailed(request, outcome), now: Self.epochSeconds()))
        } else {
            peerLink.send(["recurring-failed"] + RequestCodec.encode(request) + RequestCodec.encode(outcome))
        }
    }

    /// `pacer resource reload RSC`: the agent's `reload` for a resource started here, with the
    /// parameters it was started with, run by the executor between the resource's other
    /// actions (never beside its monitor). `reply(status, text)` on the loop thread: `ok`,
    /// `not-running` when it is not active on this node, `error` when the agent failed.
    func reloadHere(_ resource: String, user: String, reply: @escaping (String, String) -> Void) {
        guard let started = startedWith[resource] else {
            let elsewhere = controller.cib.firstElement(named: "configuration")?.path(toID: resource) == nil
                ? "no resource '\(resource)' is configured" : "\(resource) is not running on \(node)"
            reply("not-running", elsewhere)
            return
        }
        let action = AgentAction(resourceID: resource, agent: started.agent, name: "reload",
                                 parameters: started.parameters.map { ($0.name, $0.value) },
                                 meta: [.init(name: "on_node", value: node), .init(name: "name", value: "reload")],
                                 timeout: Self.reloadTimeout)
        logger.info("Reloading on request", metadata: ["rsc": "\(resource)", "user": "\(user)", "node": "\(node)"])
        let executor = self.executor
        let loop = self.loop
        let node = self.node
        let answer = LoopBound(reply)
        Task {
            let result = await executor.execute(action)
            loop.post { [self] in
                let outcome = Daemon.outcome(result)
                if outcome.rc == 0 && outcome.opStatus == 0 {
                    answer.value("ok", "reloaded \(resource) on \(node)")
                } else {
                    logger.warning("Reload failed", metadata: ["rsc": "\(resource)", "rc": "\(outcome.rc)", "reason": "\(outcome.exitReason)"])
                    let reason = outcome.exitReason.isEmpty ? "" : ": \(outcome.exitReason)"
                    answer.value("error", "reload of \(resource) on \(node) failed (\(result.status), rc=\(outcome.rc))\(reason)")
                }
            }
        }
    }

    /// How long a reload may take (the haproxy agent's meta-data advertises 40 s).
    static let reloadTimeout: Duration = .seconds(60)
}

/// A value that crosses to another thread only to be handed back to the event loop, and is
/// used on the loop thread alone.
struct LoopBound<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
