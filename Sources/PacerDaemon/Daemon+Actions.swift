// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import PacerHeartbeat
import PacerIPC
import Logging
import PacerController
import PacerTransition
import PacerWire
import PacerExecutor
import PacerModel
import PacerEventLoop

/// Running agent actions on this node.
extension Daemon {
    static func outcome(_ result: ActionResult) -> ActionOutcome {
        ActionOutcome(rc: result.rc, status: result.status, exitReason: result.exitReason, execMs: Int(result.elapsed.milliseconds))
    }

    /// Runs `request` here (after its start-delay); `completion` runs on the loop thread.
    ///
    /// As Pacemaker's controller does, a result that the scheduler compares with the
    /// configuration later (a start, a probe, a reload) carries the agent's restart list from
    /// its meta-data, fetched alongside the action the first time an agent is used; a
    /// scheduled `reload-agent` runs as the agent's own reload action (`reload` before OCF 1.1).
    func runLocal(_ request: ActionRequest, completion: @escaping @Sendable (ActionOutcome) -> Void) {
        let operation = request.operation
        if operation.task == "reload-agent" || operation.task == "reload" {
            withMetadata(operation.agent) { [unowned self] found in
                self.execute(request, as: found?.reloadAction ?? "reload-agent", completion: completion)
            }
            return
        }
        if Self.recordsRestartList(operation) { withMetadata(operation.agent) { _ in } }   // fetched while the action runs
        execute(request, as: operation.task, completion: completion)
    }

    /// Whether the result of `operation` carries the agent's restart list (`append_restart_list()`:
    /// one-shot OCF actions other than a stop).
    static func recordsRestartList(_ operation: ResourceOperation) -> Bool {
        operation.intervalMs == 0 && operation.task != "stop" && operation.agent.resourceClass == "ocf"
    }

    private func execute(_ request: ActionRequest, as name: String, completion: @escaping @Sendable (ActionOutcome) -> Void) {
        let operation = request.operation
        var configured = AgentAction(operation, name: name)
        let isStartLike = ["start", "reload-agent", "reload"].contains(operation.task)
        // A stop uses the parameters the resource was started with here: the configuration may
        // have changed since, or lost the resource (an orphan).
        if operation.task == "stop", let started = startedWith[operation.resource], started.agent == configured.agent {
            configured.parameterList = started.parameters
        }
        let action = configured
        let needsRestartList = Self.recordsRestartList(operation)
        let finish: @Sendable (ActionOutcome) -> Void = { [unowned self] result in
            var outcome = result
            let done = outcome.rc == 0 && outcome.status == .done
            if isStartLike && done {
                self.startedWith[operation.resource] = (action.agent, action.parameterList)
            } else if operation.task == "stop" && done {
                self.startedWith[operation.resource] = nil
            }
            self.alertOperation(request, outcome)
            guard needsRestartList else { return completion(outcome) }
            self.withMetadata(operation.agent) { found in
                outcome.forceRestart = found?.forceRestartParameters
                completion(outcome)
            }
        }
        let executor = self.executor
        let loop = self.loop
        logger.info("Executing", metadata: ["op": "\(request.operationKey)", "node": "\(node)"])
        let run: @Sendable () -> Void = {
            Task {
                let result = await executor.execute(action)
                loop.post { finish(Daemon.outcome(result)) }
            }
        }
        if operation.startDelayMs > 0 {
            loop.addTimer(after: .milliseconds(Int64(operation.startDelayMs))) { run() }
        } else {
            run()
        }
    }

    /// Starts a recurring operation here; its first run is one interval from now (the
    /// controller has just run it once). Results that differ from the last one are reported.
    func startRecurring(_ request: ActionRequest) {
        let action = AgentAction(request.operation)
        let loop = self.loop
        lastRecurringRC[request.operationKey] = request.expectedRC
        Task {
            let id = await executor.startRecurring(action, startDelay: action.interval) { [self] _, result in
                loop.post { self.recurringResult(request, Daemon.outcome(result)) }
            }
            loop.post { [self] in self.recurring[request.resource, default: []].append((request.intervalMs, id)) }
        }
    }

    /// Cancels a resource's recurring operations here: all of them, or the one of `intervalMs`.
    func cancelRecurring(_ resource: String, intervalMs: Int? = nil) {
        let handles = recurring[resource] ?? []
        let cancelled = handles.filter { intervalMs == nil || $0.intervalMs == intervalMs }
        let kept = handles.filter { intervalMs != nil && $0.intervalMs != intervalMs }
        recurring[resource] = kept.isEmpty ? nil : kept
        if intervalMs == nil { alertCancelled(resource) }
        for key in lastRecurringRC.keys where key.hasPrefix("\(resource)_") {
            if let intervalMs, !key.hasSuffix("_\(intervalMs)") { continue }
            lastRecurringRC[key] = nil
        }
        guard !cancelled.isEmpty else { return }
        let executor = self.executor
        Task { for handle in cancelled { await executor.cancelRecurring(handle.id) } }
    }

    func recurringResult(_ request: ActionRequest, _ outcome: ActionOutcome) {
        guard let last = lastRecurringRC[request.operationKey] else { return }   // cancelled meanwhile
        alertRecurring(request, outcome)
        guard outcome.rc != last || outcome.status != .done else { return }
        lastRecurringRC[request.operationKey] = outcome.rc
        guard !outcome.succeeded(for: request) else { return }
        logger.warning("Recurring operation failed", metadata: ["op": "\(request.operationKey)", "rc": "\(outcome.rc)",
                                                                "reason": "\(outcome.exitReason)"])
        if controller.isDC {
            noteTrigger("\(request.operationKey) failed on \(request.node)")
            apply(controller.handle(.recurringFailed(request, outcome), now: Self.epochSeconds()))
        } else {
            peerLink.send(.recurringFailed(request, outcome))
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
                if outcome.rc == 0 && outcome.status == .done {
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
