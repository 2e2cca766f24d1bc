public import PacerModel
import PacerScheduler

/// The cluster controller of one node as a value doing no I/O (STYLE §2).
///
/// The node that is DC (the lower node name among the members; alone, itself) keeps
/// the authoritative CIB: it records membership and results in the status section,
/// runs the scheduler, and asks for one action at a time (in the transition's order)
/// until the scheduler has nothing left to do. Every change of the CIB is persisted
/// and sent to the peer. The other node only executes what it is asked to.
///
/// Guarantees: at most one action is in flight; an unexpected result is recorded
/// (fail counts included) before the next scheduling, so recovery follows Pacemaker's
/// policy; recurring monitors are started after their first successful run and
/// cancelled before a stop.
public struct ControllerInstance: Sendable {
    public let localNode: String
    public let peerNode: String
    /// The CIB as this node knows it.
    public private(set) var cib: XMLElement
    public private(set) var peerMember = false
    public private(set) var hasQuorum = false
    /// The action being executed, if any.
    public private(set) var inFlight: ActionRequest?
    /// Set when the scheduler last had nothing to do.
    public private(set) var idle = false
    /// Recurring operations started, by node.
    public private(set) var recurring: [String: [ActionRequest]] = [:]
    /// Node ids for `<nodes>` (e.g. "1" and "2"), by name.
    let nodeIDs: [String: String]
    var nextRequestID: UInt64 = 1
    /// Whether this node has told the cluster it is shutting down.
    public private(set) var shuttingDown = false
    /// Nothing is decided before membership has spoken once (peer seen, or initdead passed):
    /// a node starting alone must not start resources its peer may be running.
    public private(set) var membershipKnown = false

    public enum Event: Sendable {
        /// The CIB read from disk at start-up.
        case started
        case membership(peerMember: Bool, hasQuorum: Bool)
        /// The peer's copy of the CIB (when it joins or replicates to us).
        case peerCIB(XMLElement)
        /// An operator's edit, already applied to a copy of `cib` (DC only).
        case edited(XMLElement)
        case actionFinished(ActionRequest, ActionOutcome)
        /// The request could not be delivered (the peer connection broke): nothing ran.
        case actionLost(ActionRequest)
        /// A recurring operation whose result differs from the expected one.
        case recurringFailed(ActionRequest, ActionOutcome)
        /// Time passed (failure-timeout expiry, recheck).
        case recheck
        /// A node asks to leave gracefully (DC only): its resources move away first.
        case shutdown(node: String)
        /// `pacer resource cleanup`: forget a resource's failures and history (all nodes when nil).
        case cleanup(resource: String, node: String?)
    }

    public enum Directive: Sendable, Equatable {
        case execute(ActionRequest)
        case startRecurring(ActionRequest)
        case cancelRecurring(resource: String, node: String)
        /// Write the CIB to this node's disk.
        case persist(XMLElement)
        /// Send the CIB to the peer.
        case replicate(XMLElement)
        /// The transition is complete: nothing left to do (with the summary of the last decision).
        case settled
        /// Every resource of `node` is stopped or moved: it may leave now.
        case shutdownComplete(node: String)
        case log(String, [String: String])
    }

    public init(localNode: String, peerNode: String, nodeIDs: [String: String], cib: XMLElement) {
        self.localNode = localNode
        self.peerNode = peerNode
        self.nodeIDs = nodeIDs
        self.cib = cib
    }

    /// The DC: the lower name of the members.
    public var dc: String { peerMember ? min(localNode, peerNode) : localNode }
    public var isDC: Bool { dc == localNode }

    public mutating func handle(_ event: Event, now: Int) -> [Directive] {
        var directives: [Directive] = []
        switch event {
        case .started:
            var recorder = StatusRecorder(cib: cib)
            for (name, id) in nodeIDs.sorted(by: { $0.key < $1.key }) { recorder.ensureNode(name, id: id) }
            // Whatever ran here before a restart is unknown now: forget it so it is probed again.
            recorder.setMembership(localNode, online: false)
            cib = recorder.cib
        case .membership(let member, let quorum):
            let wasDC = isDC
            membershipKnown = true
            peerMember = member
            hasQuorum = quorum
            directives.append(.log("Membership changed", ["peer": peerNode, "member": String(member), "quorum": String(quorum), "dc": dc]))
            if !member, let request = inFlight, request.node == peerNode {
                // The peer died with our request: its result will never come.
                inFlight = nil
            }
            if wasDC != isDC { directives.append(.log(isDC ? "Became DC" : "Peer is DC", ["dc": dc])) }
        case .peerCIB(let theirs):
            // The higher (admin_epoch, epoch, num_updates) wins, as when Pacemaker nodes join.
            if CIBVersion(of: theirs) > CIBVersion(of: cib) {
                cib = theirs
                directives.append(.persist(cib))
            }
        case .edited(let edited):
            let before = cib
            cib = edited
            bumpVersion(from: before)
            idle = false
            directives.append(.persist(cib))
            directives.append(.replicate(cib))
        case .actionFinished(let request, let outcome):
            guard inFlight?.id == request.id else {
                directives.append(.log("Ignoring a result nobody waits for", ["op": request.operationKey, "node": request.node]))
                break
            }
            inFlight = nil
            record(request, outcome, now: now, into: &directives)
            if outcome.succeeded(for: request) && request.isRecurring {
                recurring[request.node, default: []].removeAll { $0.resource == request.resource && $0.intervalMs == request.intervalMs }
                recurring[request.node, default: []].append(request)
                directives.append(.startRecurring(request))
            }
        case .actionLost(let request):
            guard inFlight?.id == request.id else { break }
            inFlight = nil
            directives.append(.log("Request lost; retrying on the next change", ["op": request.operationKey, "node": request.node]))
            return directives   // no immediate retry: the shell rechecks after a pause or on reconnection
        case .recurringFailed(let request, let outcome):
            guard isDC else { break }
            record(request, outcome, now: now, into: &directives)
            recurring[request.node]?.removeAll { $0.resource == request.resource }
            directives.append(.cancelRecurring(resource: request.resource, node: request.node))
        case .recheck:
            idle = false
        case .shutdown(let node):
            if node == localNode { shuttingDown = true }
            let before = cib
            var recorder = StatusRecorder(cib: cib)
            recorder.setTransientAttribute(node, name: "shutdown", value: String(now))
            cib = recorder.cib
            share(from: before, into: &directives)
            idle = false
        case .cleanup(let resource, let node):
            let before = cib
            var recorder = StatusRecorder(cib: cib)
            for target in node.map({ [$0] }) ?? [localNode, peerNode] {
                recorder.cleanup(resource: resource, node: target)
                recurring[target]?.removeAll { $0.resource == resource }
                directives.append(.cancelRecurring(resource: resource, node: target))
            }
            cib = recorder.cib
            share(from: before, into: &directives)
            idle = false
        }
        step(now: now, into: &directives)
        return directives
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
        idle = false
        directives.append(.log(outcome.succeeded(for: request) ? "Operation succeeded" : "Operation failed",
                               ["op": request.operationKey, "node": request.node, "rc": String(outcome.rc), "reason": outcome.exitReason]))
    }

    var startFailureIsFatal: Bool {
        let value = cib.firstElement(named: "configuration")?.firstElement(named: "crm_config")?.elements(named: "cluster_property_set")
            .flatMap { $0.elements(named: "nvpair") }.first { $0["name"] == "start-failure-is-fatal" }?["value"]
        return !["false", "no", "0", "off"].contains(value?.lowercased() ?? "true")
    }

    /// When DC and nothing is in flight: bring the status up to date, schedule, and ask for the next action.
    mutating func step(now: Int, into directives: inout [Directive]) {
        guard isDC, inFlight == nil, membershipKnown else { return }
        let before = cib
        var recorder = StatusRecorder(cib: cib)
        recorder.setMembership(localNode, online: true)
        recorder.setMembership(peerNode, online: peerMember)
        if cib.firstElement(named: "status")?.elements(named: "node_state").contains(where: { $0["uname"] == localNode && $0.firstElement(named: "lrm") == nil }) == true {
            // Pacemaker writes an empty lrm section for a node that joined: probes then run.
        }
        recorder.cib["have-quorum"] = hasQuorum ? "1" : "0"
        recorder.cib["dc-uuid"] = nodeIDs[localNode] ?? localNode
        cib = recorder.cib
        let transition = Scheduler.schedule(SchedulerInput(cib: cib, now: now))
        // Pseudo actions need no executor; cluster actions are bookkeeping done here.
        for action in transition.actions {
            switch action.kind {
            case .pseudo:
                continue
            case .cluster:
                if action.task == "clear_failcount", let resource = action.resource, let node = action.node {
                    var recorder = StatusRecorder(cib: cib)
                    recorder.clearFailCounts(resource: resource, node: node)
                    cib = recorder.cib
                    continue
                }
                if action.task == "do_shutdown", let node = action.node {
                    directives.append(.shutdownComplete(node: node))
                }
                continue
            case .resource:
                guard let resource = action.resource, let node = action.node,
                      ["start", "stop", "monitor"].contains(action.task) else { continue }
                let definitions = ResourceDefinitions(cib: cib)
                guard let request = definitions.request(id: nextRequestID, resource: resource, task: action.task,
                                                        intervalMs: action.intervalMs, node: node) else {
                    directives.append(.log("Scheduled action for an unknown resource", ["rsc": resource, "op": action.task]))
                    continue
                }
                nextRequestID += 1
                if request.task == "stop" {
                    directives.append(.cancelRecurring(resource: resource, node: node))
                    recurring[node]?.removeAll { $0.resource == resource }
                }
                if request.isRecurring, recurring[node]?.contains(where: { $0.resource == resource && $0.intervalMs == request.intervalMs }) == true {
                    // Already running: the scheduler asks again only after a change; keep the running one.
                    continue
                }
                inFlight = request
                idle = false
                share(from: before, into: &directives)
                directives.append(.execute(request))
                return
            }
        }
        share(from: before, into: &directives)
        if !idle {
            idle = true
            directives.append(.settled)
        }
    }
}
