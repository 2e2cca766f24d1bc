// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
import PacerScheduler
import PacerTransition

/// The DC's side of a transition: when to schedule, and what the runner's directives mean
/// for the CIB and the shell.
extension ControllerInstance {
    /// When DC and free: bring the status up to date, schedule, and hand the transition to the runner.
    mutating func step(now: Int, into directives: inout [Directive]) {
        guard isDC, membershipKnown, needsSchedule, !runner.isActive else { return }
        if let since = awaitingPeerCIBSince {
            guard now - since >= Self.joinTimeout else { return }
            directives.append(.log("The joining peer's CIB did not arrive; scheduling on ours", ["peer": peerNode]))
            awaitingPeerCIBSince = nil
        }
        needsSchedule = false
        let before = cib
        var recorder = StatusRecorder(cib: cib)
        recorder.setMembership(localNode, online: true)
        recorder.setMembership(peerNode, online: peerMember)
        recorder.cib["have-quorum"] = hasQuorum ? "1" : "0"
        recorder.cib["dc-uuid"] = nodeIDs[localNode] ?? localNode
        for (name, value) in identity { recorder.setClusterProperty(name, value) }
        cib = recorder.cib
        share(from: before, into: &directives)
        let transition = Scheduler.schedule(SchedulerInput(cib: cib, now: now))
        askedUnsupported.removeAll()
        guard transition.actions.contains(where: { $0.kind != .pseudo }) else {
            settle(into: &directives)
            return
        }
        idle = false
        schedulesWithoutAction += 1
        guard schedulesWithoutAction <= Self.maxSchedulesWithoutAction else {
            // Transitions that complete without running anything, again and again: the
            // scheduler keeps asking for what bookkeeping cannot settle. Wait for a change.
            directives.append(.log("Transitions keep completing without running anything; waiting for a change",
                                   ["actions": String(transition.actions.count)]))
            settle(into: &directives)
            return
        }
        drive(.run(transition.actions, now: now), now: now, into: &directives)
    }

    /// How many transitions in a row may complete at once (pseudo actions and bookkeeping only)
    /// before the DC stops scheduling until something changes.
    static let maxSchedulesWithoutAction = 4

    /// Nothing (more) to do: say so once.
    mutating func settle(into directives: inout [Directive]) {
        // An action no longer asked for may be logged again if it comes back (a new incident).
        announced.formIntersection(askedUnsupported)
        guard !idle else { return }
        idle = true
        directives.append(.settled)
    }

    /// Hands `event` to the runner and carries out what it says.
    mutating func drive(_ event: TransitionRunner.Event, now: Int, into directives: inout [Directive], scheduleAfterAbort: Bool = true) {
        let out = runner.handle(event)
        follow(out, now: now, into: &directives, scheduleAfterAbort: scheduleAfterAbort)
    }

    /// Carries out the runner's directives.
    /// - Parameter scheduleAfterAbort: whether a drained abort schedules at once (not after a
    ///   lost request: the shell retries after a pause).
    mutating func follow(_ runnerDirectives: [TransitionRunner.Directive], now: Int, into directives: inout [Directive],
                         scheduleAfterAbort: Bool = true) {
        for directive in runnerDirectives {
            switch directive {
            case .execute(let request):
                schedulesWithoutAction = 0
                directives.append(.execute(request))
            case .startRecurring(let request):
                directives.append(.startRecurring(request))
            case .cancelRecurring(let resource, let node):
                directives.append(.cancelRecurring(resource: resource, node: node, intervalMs: nil))
            case .record(let request, let outcome):
                record(request, outcome, now: now, into: &directives)
            case .bookkeeping(let action):
                bookkeeping(action, into: &directives)
            case .held(let action):
                announceUnsupported(action, into: &directives)
            case .completed(let held):
                if held > 0 {
                    settle(into: &directives)   // waits for a change (the node back, an operator)
                } else {
                    needsSchedule = true        // check with the scheduler that nothing is left
                }
            case .aborted(let reason):
                directives.append(.log("Transition aborted", ["reason": reason]))
                needsSchedule = scheduleAfterAbort || needsSchedule
                if !scheduleAfterAbort { idle = true }
            }
        }
        step(now: now, into: &directives)
    }

    /// The DC's own part of a transition, done on the CIB.
    mutating func bookkeeping(_ action: TransitionAction, into directives: inout [Directive]) {
        guard let node = action.node else { return }
        let before = cib
        var recorder = StatusRecorder(cib: cib)
        switch action.task {
        case "clear_failcount":
            if let resource = action.resource { recorder.clearFailCounts(resource: resource, node: node) }
        case "do_shutdown":
            directives.append(.shutdownComplete(node: node))
        case "delete":
            // An orphan's history goes once it is stopped (Pacemaker's lrm delete).
            if let resource = action.resource {
                recorder.cleanup(resource: resource, node: node)
                directives.append(.cancelRecurring(resource: resource, node: node, intervalMs: nil))
            }
        case "cancel":
            // A recurring operation no longer configured (or changed): stop it, forget its record.
            if let resource = action.resource {
                let task = Self.cancelledTask(key: action.key, intervalMs: action.intervalMs)
                recorder.removeRecurring(resource: resource, task: task, intervalMs: action.intervalMs, node: node)
                directives.append(.cancelRecurring(resource: resource, node: node, intervalMs: action.intervalMs))
            }
        default:
            break
        }
        cib = recorder.cib
        share(from: before, into: &directives)
    }

    /// The task a `cancel` action stops: its key is `RSC_TASK_INTERVAL`.
    static func cancelledTask(key: String, intervalMs: Int) -> String {
        let head = key.hasSuffix("_\(intervalMs)") ? key.dropLast("_\(intervalMs)".count) : Substring(key)
        return head.split(separator: "_").last.map(String.init) ?? "monitor"
    }

    /// Logs, once per action, that the scheduler asked for something this controller does not
    /// run (and so holds back everything ordered after it).
    mutating func announceUnsupported(_ action: TransitionAction, into directives: inout [Directive]) {
        let node = action.node ?? "-"
        let key = "\(action.resource ?? "")/\(action.task)/\(node)"
        askedUnsupported.insert(key)
        guard announced.insert(key).inserted else { return }
        if action.task == "stonith" {
            directives.append(.log("Node \(node) must be fenced, and Pacer cannot fence: its resources are not recovered elsewhere "
                                   + "until it comes back. Once you have made sure it is down, "
                                   + "'pacer configure property stonith-enabled=false' lets the cluster recover them",
                                   ["node": node]))
        } else {
            directives.append(.log("Scheduled action not supported live yet; actions ordered after it wait",
                                   ["op": action.task, "rsc": action.resource ?? "-", "node": node]))
        }
    }

    /// Bumps `epoch` (configuration changed) or `num_updates` (status changed) since `before`.
    mutating func bumpVersion(from before: XMLElement) {
        switch CIBVersion.classify(before: before, after: cib) {
        case .none: break
        case .configuration: CIBVersion.bumpEpoch(&cib)
        case .status: CIBVersion.bumpNumUpdates(&cib)
        }
    }

    /// Versions, persists and replicates the CIB if it changed since `before`.
    mutating func share(from before: XMLElement, into directives: inout [Directive]) {
        guard cib != before else { return }
        bumpVersion(from: before)
        directives.append(.persist(cib))
        directives.append(.replicate(cib))
    }

    /// Records `outcome` of `request` in the status section and shares the CIB.
    mutating func record(_ request: ActionRequest, _ outcome: ActionOutcome, now: Int, into directives: inout [Directive]) {
        let before = cib
        var recorder = StatusRecorder(cib: cib)
        recorder.record(request, outcome, now: now, startFailureIsFatal: startFailureIsFatal)
        cib = recorder.cib
        share(from: before, into: &directives)
        directives.append(.log(outcome.succeeded(for: request) ? "Operation succeeded" : "Operation failed",
                               ["op": request.operationKey, "node": request.node, "rc": String(outcome.rc), "reason": outcome.exitReason]))
    }

    var startFailureIsFatal: Bool {
        let value = cib.firstElement(named: "configuration")?.firstElement(named: "crm_config")?.elements(named: "cluster_property_set")
            .flatMap { $0.elements(named: "nvpair") }.first { $0["name"] == "start-failure-is-fatal" }?["value"]
        return !["false", "no", "0", "off"].contains(value?.lowercased() ?? "true")
    }
}
