// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
public import PacerScheduler
public import PacerTransition

/// The cluster controller of one node as a value doing no I/O (CONVENTIONS.md §2).
///
/// The node that is DC (the lower node name among the members; alone, itself) keeps
/// the authoritative CIB: it records membership and results in the status section, runs
/// the scheduler when something changed, and hands each transition to a
/// `TransitionRunner`, which asks for its actions in graph order, until the scheduler has
/// nothing left to do. Every change of the CIB is persisted and sent to the peer. The
/// other node only executes what it is asked to.
///
/// Guarantees: an action starts only when the actions it is ordered after have
/// succeeded; after an unexpected result or any other change, nothing new starts until
/// the actions in flight have finished (Pacemaker aborts its transition the same way),
/// and the result is recorded (fail counts included) before the next scheduling, so
/// recovery follows Pacemaker's policy. What the runner guarantees (recurring operations,
/// timeouts, held fencing) is written on `TransitionRunner`.
public struct ControllerInstance: Sendable {
    public let localNode: String
    public let peerNode: String
    /// The CIB as this node knows it.
    public internal(set) var cib: XMLElement
    public internal(set) var peerMember = false
    public internal(set) var hasQuorum = false
    /// The transition being carried out, with the actions in flight and the recurring operations.
    public internal(set) var runner = TransitionRunner()
    /// Something changed since the last scheduling: schedule once the runner is free.
    var needsSchedule = true
    /// Transitions in a row that completed without executing anything (see `step`).
    var schedulesWithoutAction = 0
    /// Set when the scheduler last had nothing to do (or only what cannot be done).
    public internal(set) var idle = false
    /// Node ids for `<nodes>` (e.g. "1" and "2"), by name.
    let nodeIDs: [String: String]
    /// Actions the scheduler asked for that this controller cannot run, already logged.
    var announced: Set<String> = []
    /// Those asked for in the transition being carried out.
    var askedUnsupported: Set<String> = []
    /// Whether this node has told the cluster it is shutting down.
    public internal(set) var shuttingDown = false
    /// Nothing is decided before membership has spoken once (peer seen, or initdead passed):
    /// a node starting alone must not start resources its peer may be running.
    public internal(set) var membershipKnown = false
    /// When the peer (re)joined and its CIB has not arrived yet: the DC waits for it (up to
    /// `joinTimeout` seconds) so it schedules on the newer of the two, as Pacemaker's join does.
    public internal(set) var awaitingPeerCIBSince: Int?
    public static let joinTimeout = 5

    /// The actions being executed, in the order they were asked for.
    public var inFlight: [ActionRequest] { runner.inFlight.map(\.request) }
    /// The transition was voided while actions were in flight: nothing new starts until they
    /// have finished; then the DC schedules afresh.
    public var draining: Bool { runner.aborting }

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
        /// Time passed (failure-timeout expiry, recheck, overdue results).
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
        /// Stop a resource's recurring operations on a node: all of them, or the one of `intervalMs`.
        case cancelRecurring(resource: String, node: String, intervalMs: Int?)
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
        var reschedule = true
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
            // The peer died with our requests: their results will never come.
            if !member { drive(.nodeLost(peerNode), now: now, into: &directives) }
            drive(.abort("membership changed"), now: now, into: &directives)
            if wasDC != isDC { directives.append(.log(isDC ? "Became DC" : "Peer is DC", ["dc": dc])) }
        case .peerCIB(let theirs):
            awaitingPeerCIBSince = nil
            // The higher (admin_epoch, epoch, num_updates) wins, as when Pacemaker nodes join.
            if CIBVersion(of: theirs) > CIBVersion(of: cib) {
                cib = theirs
                directives.append(.persist(cib))
                drive(.abort("a newer CIB came from \(peerNode)"), now: now, into: &directives)
            } else {
                reschedule = !runner.isActive
            }
        case .edited(let edited):
            let before = cib
            cib = edited
            bumpVersion(from: before)
            idle = false
            directives.append(.persist(cib))
            directives.append(.replicate(cib))
            drive(.abort("the configuration changed"), now: now, into: &directives)
        case .actionFinished(let request, let outcome):
            guard runner.inFlight.contains(where: { $0.request.id == request.id }) else {
                directives.append(.log("Ignoring a result nobody waits for", ["op": request.operationKey, "node": request.node]))
                return directives
            }
            reschedule = false   // the runner goes on with the transition, or says it was aborted
            drive(.finished(request, outcome, now: now), now: now, into: &directives)
        case .actionLost(let request):
            directives.append(.log("Request lost; retrying on the next change", ["op": request.operationKey, "node": request.node]))
            // No immediate retry: the shell rechecks after a pause or on reconnection.
            drive(.lost(request), now: now, into: &directives, scheduleAfterAbort: false)
            return directives
        case .recurringFailed(let request, let outcome):
            guard isDC else { return directives }
            record(request, outcome, now: now, into: &directives)
            drive(.recurringFailed(request), now: now, into: &directives)
            drive(.abort("\(request.operationKey) failed on \(request.node)"), now: now, into: &directives)
        case .recheck:
            drive(.tick(now: now), now: now, into: &directives)
        case .shutdown(let node):
            if node == localNode { shuttingDown = true }
            changeStatus(into: &directives, now: now) { $0.setTransientAttribute(node, name: "shutdown", value: String(now)) }
        case .transientAttribute(let node, let name, let value):
            changeStatus(into: &directives, now: now) { $0.setTransientAttribute(node, name: name, value: value) }
        case .cleanup(let resource, let node):
            let targets = node.map { [$0] } ?? [localNode, peerNode]
            for target in targets { drive(.forget(resource: resource, node: target), now: now, into: &directives) }
            changeStatus(into: &directives, now: now) { recorder in
                for target in targets { recorder.cleanup(resource: resource, node: target) }
            }
        }
        if reschedule {
            needsSchedule = true
            schedulesWithoutAction = 0
        }
        step(now: now, into: &directives)
        return directives
    }

    /// Applies `change` to the status section, shares it, and voids the running transition.
    mutating func changeStatus(into directives: inout [Directive], now: Int, _ change: (inout StatusRecorder) -> Void) {
        let before = cib
        var recorder = StatusRecorder(cib: cib)
        change(&recorder)
        cib = recorder.cib
        share(from: before, into: &directives)
        idle = false
        drive(.abort("the status changed"), now: now, into: &directives)
    }

    /// Stop requests for everything this node's status says runs here, last started first:
    /// for a node that must give up its resources at once, without asking the DC (it was
    /// frozen and its peer has taken over).
    public func localStops() -> [ActionRequest] {
        Scheduler.stopsOfEverything(on: localNode, SchedulerInput(cib: cib, now: 0)).enumerated().map { index, operation in
            ActionRequest(id: UInt64(index + 1), operation: operation)
        }
    }
}
