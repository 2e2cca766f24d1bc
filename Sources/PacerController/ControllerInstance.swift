// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
import PacerScheduler

/// The cluster controller of one node as a value doing no I/O (CONVENTIONS.md §2).
///
/// The node that is DC (the lower node name among the members; alone, itself) keeps
/// the authoritative CIB: it records membership and results in the status section,
/// runs the scheduler, and asks for every action whose inputs in the transition graph
/// are done (independent actions run in parallel, ordered ones one after the other)
/// until the scheduler has nothing left to do. Every change of the CIB is persisted
/// and sent to the peer. The other node only executes what it is asked to.
///
/// Guarantees: an action starts only when the actions it is ordered after have
/// succeeded; after an unexpected result or any other change, nothing new starts until
/// the actions in flight have finished (Pacemaker aborts its transition the same way),
/// and the result is recorded (fail counts included) before the next scheduling, so
/// recovery follows Pacemaker's policy; recurring monitors are started after their
/// first successful run and cancelled before a stop.
public struct ControllerInstance: Sendable {
    public let localNode: String
    public let peerNode: String
    /// The CIB as this node knows it.
    public private(set) var cib: XMLElement
    public private(set) var peerMember = false
    public private(set) var hasQuorum = false
    /// The actions being executed, in the order they were asked for.
    public private(set) var inFlight: [ActionRequest] = []
    /// The transition was invalidated while actions were in flight: start nothing new
    /// until they have finished, then schedule afresh.
    public private(set) var draining = false
    /// Set when the scheduler last had nothing to do.
    public private(set) var idle = false
    /// Recurring operations started, by node.
    public private(set) var recurring: [String: [ActionRequest]] = [:]
    /// Node ids for `<nodes>` (e.g. "1" and "2"), by name.
    let nodeIDs: [String: String]
    /// Actions the scheduler asked for that this controller cannot run, already logged.
    var announced: Set<String> = []
    /// Those the scheduler asked for in the transition being read.
    var askedUnsupported: Set<String> = []
    var nextRequestID: UInt64 = 1
    /// Whether this node has told the cluster it is shutting down.
    public private(set) var shuttingDown = false
    /// Nothing is decided before membership has spoken once (peer seen, or initdead passed):
    /// a node starting alone must not start resources its peer may be running.
    public private(set) var membershipKnown = false
    /// When the peer (re)joined and its CIB has not arrived yet: the DC waits for it (up to
    /// `joinTimeout` seconds) so it schedules on the newer of the two, as Pacemaker's join does.
    public private(set) var awaitingPeerCIBSince: Int?
    public static let joinTimeout = 5

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
        /// `pacer node attribute … --lifetime reboot`: a transient node attribute (nil deletes it).
        case transientAttribute(node: String, name: String, value: String?)
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

    /// What the DC records in `cib-bootstrap-options` (`dc-version`, `cluster-infrastructure`,
    /// `cluster-name`), so status names the stack, the DC's version and the cluster.
    let identity: [(name: String, value: String)]

    public init(localNode: String, peerNode: String, nodeIDs: [String: String], cib: XMLElement,
                version: String? = nil, clusterName: String? = nil) {
        self.localNode = localNode
        self.peerNode = peerNode
        self.nodeIDs = nodeIDs
        self.cib = cib
        var identity: [(String, String)] = []
        if let version { identity += [("dc-version", version), ("cluster-infrastructure", "pacer")] }
        if let clusterName { identity.append(("cluster-name", clusterName)) }
        self.identity = identity
    }

    /// The DC: the lower name of the members.
    public var dc: String { peerMember ? min(localNode, peerNode) : localNode }
    public var isDC: Bool { dc == localNode }

    public mutating func handle(_ event: Event, now: Int) -> [Directive] {
        var directives: [Directive] = []
        if !inFlight.isEmpty && invalidatesTransition(event) { draining = true }
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
            if member && !peerMember { awaitingPeerCIBSince = now }
            if !member { awaitingPeerCIBSince = nil }
            peerMember = member
            hasQuorum = quorum
            idle = false   // settle again, even with nothing to do: the change is then accounted for
            directives.append(.log("Membership changed", ["peer": peerNode, "member": String(member), "quorum": String(quorum), "dc": dc]))
            if !member {
                // The peer died with our requests: their results will never come.
                inFlight.removeAll { $0.node == peerNode }
            }
            if wasDC != isDC { directives.append(.log(isDC ? "Became DC" : "Peer is DC", ["dc": dc])) }
        case .peerCIB(let theirs):
            awaitingPeerCIBSince = nil
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
            guard let position = inFlight.firstIndex(where: { $0.id == request.id }) else {
                directives.append(.log("Ignoring a result nobody waits for", ["op": request.operationKey, "node": request.node]))
                break
            }
            inFlight.remove(at: position)
            record(request, outcome, now: now, into: &directives)
            if outcome.succeeded(for: request) && request.isRecurring {
                recurring[request.node, default: []].removeAll { $0.resource == request.resource && $0.intervalMs == request.intervalMs }
                recurring[request.node, default: []].append(request)
                directives.append(.startRecurring(request))
            }
        case .actionLost(let request):
            guard let position = inFlight.firstIndex(where: { $0.id == request.id }) else { break }
            inFlight.remove(at: position)
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
        case .transientAttribute(let node, let name, let value):
            let before = cib
            var recorder = StatusRecorder(cib: cib)
            recorder.setTransientAttribute(node, name: name, value: value)
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

    /// Stop requests for everything this node's status says runs here, last started first
    /// (group members in reverse, resources in reverse configuration order): for a node that
    /// must give up its resources at once, without asking the DC (it was frozen and its peer
    /// has taken over).
    public mutating func localStops() -> [ActionRequest] {
        let status = Scheduler.status(SchedulerInput(cib: cib, now: 0))
        let definitions = ResourceDefinitions(cib: cib)
        func stops(_ resource: ClusterStatus.ResourceState) -> [String] {
            if resource.isGroup { return resource.members.reversed().flatMap(stops) }
            return resource.nodes.contains(localNode) ? [resource.id] : []
        }
        return status.resources.reversed().flatMap(stops).compactMap { resource in
            defer { nextRequestID += 1 }
            return definitions.request(id: nextRequestID, resource: resource, task: "stop", intervalMs: 0, node: localNode)
        }
    }

    /// Whether `event` may change the decision being carried out (anything but an
    /// action finishing with the result the transition expected).
    func invalidatesTransition(_ event: Event) -> Bool {
        switch event {
        case .actionFinished(let request, let outcome): return outcome.opStatus != 0 || outcome.rc != request.expectedRC
        case .started, .recheck: return false
        default: return true
        }
    }

    /// When DC: bring the status up to date, schedule, and ask for every action of the
    /// transition whose inputs are done and that is not already in flight.
    mutating func step(now: Int, into directives: inout [Directive]) {
        guard isDC, membershipKnown else { return }
        if let since = awaitingPeerCIBSince {
            guard now - since >= Self.joinTimeout else { return }
            directives.append(.log("The joining peer's CIB did not arrive; scheduling on ours", ["peer": peerNode]))
            awaitingPeerCIBSince = nil
        }
        if draining {
            guard inFlight.isEmpty else { return }
            draining = false
        }
        let before = cib
        var recorder = StatusRecorder(cib: cib)
        recorder.setMembership(localNode, online: true)
        recorder.setMembership(peerNode, online: peerMember)
        recorder.cib["have-quorum"] = hasQuorum ? "1" : "0"
        recorder.cib["dc-uuid"] = nodeIDs[localNode] ?? localNode
        for (name, value) in identity { recorder.setClusterProperty(name, value) }
        cib = recorder.cib
        let transition = Scheduler.schedule(SchedulerInput(cib: cib, now: now))
        let definitions = ResourceDefinitions(cib: cib)
        // An action is pending while it (or, through pseudo actions, an input of it) still
        // has to run; actions with a pending input wait.
        var pending = [Bool](repeating: false, count: transition.actions.count)
        var requests: [Directive] = []
        for (index, action) in transition.actions.enumerated() {
            let waiting = action.inputs.contains { $0 < index && pending[$0] }
            pending[index] = waiting
            switch action.kind {
            case .pseudo:
                continue
            case .cluster:
                // Bookkeeping done here, once the actions before it are done.
                guard !waiting, let node = action.node else { continue }
                if action.task == "clear_failcount", let resource = action.resource {
                    var recorder = StatusRecorder(cib: cib)
                    recorder.clearFailCounts(resource: resource, node: node)
                    cib = recorder.cib
                } else if action.task == "do_shutdown" {
                    requests.append(.shutdownComplete(node: node))
                } else {
                    // Fencing above all: Pacer has no fencer, so a fencing decision is never
                    // taken as done. What waits on it (the node's resources started
                    // elsewhere) waits until an operator confirms the node is down
                    // (stonith-enabled=false) or the node returns; then the scheduler no longer asks.
                    pending[index] = true
                    announceUnsupported(action.task, node: node, resource: nil, into: &directives)
                }
            case .resource:
                if action.task == "delete", let resource = action.resource, let node = action.node {
                    // An orphan's history goes once it is stopped (Pacemaker's lrm delete).
                    pending[index] = waiting
                    guard !waiting else { continue }
                    var recorder = StatusRecorder(cib: cib)
                    recorder.cleanup(resource: resource, node: node)
                    cib = recorder.cib
                    recurring[node]?.removeAll { $0.resource == resource }
                    continue
                }
                guard let resource = action.resource, let node = action.node else { continue }
                guard ["start", "stop", "monitor"].contains(action.task) else {
                    // promote, demote, notify, migrate_to/from, reload: not run live yet. Never
                    // taken as done: what is ordered after it waits.
                    pending[index] = true
                    announceUnsupported(action.task, node: node, resource: resource, into: &directives)
                    continue
                }
                guard let request = definitions.request(id: nextRequestID, resource: resource, task: action.task,
                                                        intervalMs: action.intervalMs, node: node) else {
                    directives.append(.log("Scheduled action for an unknown resource", ["rsc": resource, "op": action.task]))
                    continue
                }
                if inFlight.contains(where: { $0.sameOperation(as: request) }) {
                    pending[index] = true
                    continue
                }
                if request.isRecurring, recurring[node]?.contains(where: { $0.resource == resource && $0.intervalMs == request.intervalMs }) == true {
                    // Already running: the scheduler asks again only after a change; keep the running one.
                    continue
                }
                pending[index] = true
                if waiting { continue }
                nextRequestID += 1
                if request.task == "stop" {
                    requests.append(.cancelRecurring(resource: resource, node: node))
                    recurring[node]?.removeAll { $0.resource == resource }
                }
                inFlight.append(request)
                requests.append(.execute(request))
            }
        }
        // An action no longer asked for may be logged again if it comes back (a new incident).
        announced.formIntersection(askedUnsupported)
        askedUnsupported.removeAll()
        share(from: before, into: &directives)
        directives += requests
        if !inFlight.isEmpty {
            idle = false
        } else if !idle {
            idle = true
            directives.append(.settled)
        }
    }

    /// Logs, once per action, that the scheduler asked for something this controller does not
    /// run (and so holds back everything ordered after it).
    mutating func announceUnsupported(_ task: String, node: String, resource: String?, into directives: inout [Directive]) {
        let key = "\(resource ?? "")/\(task)/\(node)"
        askedUnsupported.insert(key)
        guard announced.insert(key).inserted else { return }
        if task == "stonith" {
            directives.append(.log("Node \(node) must be fenced, and Pacer cannot fence: its resources are not recovered elsewhere "
                                   + "until it comes back. Once you have made sure it is down, "
                                   + "'pacer configure property stonith-enabled=false' lets the cluster recover them",
                                   ["node": node]))
        } else {
            directives.append(.log("Scheduled action not supported live yet; actions ordered after it wait",
                                   ["op": task, "rsc": resource ?? "-", "node": node]))
        }
    }
}
