// SPDX-License-Identifier: GPL-2.0-or-later
public import Logging
public import PacerConfig
import PacerCIB
import PacerController
import PacerTransition
import PacerExecutor
import PacerHeartbeat
import PacerCrypto
import PacerIPC
import PacerMembership
import PacerModel
import PacerWire
import PacerXML
import CPacerSys
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// One node's daemon: membership, the controller, the executor, CIB storage and IPC,
/// all driven from one event loop (CONVENTIONS.md §2's Shell around the pure instances).
/// Threads: everything but `run()`'s setup happens on the event loop thread; work done elsewhere
/// (agent runs) comes back through `EventLoop.post`. Hence `@unchecked Sendable`.
public final class Daemon: @unchecked Sendable {
    let config: ClusterConfig
    let node: String
    let peer: String
    let logger: Logger
    let loop: EventLoop
    let key: AuthKey
    let store: CIBFile
    let executor: Executor
    var controller: ControllerInstance
    var heartbeat: HeartbeatShell!
    var peerLink: PeerLink!
    var ipc: IPCServer!
    /// Saves the CIB on a thread of its own; edits are answered once their version is on disk.
    var writer: CIBWriter!
    /// The executor's handles of the local recurring operations, by resource (which operations
    /// recur is the DC's `TransitionRunner`'s to say; these only let them be cancelled).
    var recurring: [String: [(intervalMs: Int, id: Executor.RecurringID)]] = [:]
    /// Agents' meta-data, fetched once per agent.
    var metadata = MetadataCache()
    /// The agent and parameters each resource was last started with here (its stop uses them).
    var startedWith: [String: (agent: ResourceAgent, parameters: [AgentAction.Parameter])] = [:]
    /// Last reported rc of each local recurring operation (report changes only).
    var lastRecurringRC: [String: Int32] = [:]
    /// Operator edits waiting for the peer to acknowledge the CIB version they produced.
    var awaitingAck: [(version: CIBVersion, request: IPCRequest)] = []
    /// The newest CIB version on this node's disk, and the newest the peer acknowledged.
    var savedVersion: CIBVersion?
    var peerAckedVersion: CIBVersion?
    /// Edits forwarded to the DC, by tag.
    var forwarded: [String: IPCRequest] = [:]
    var nextTag = 0
    var leaving = false
    /// Set once this node announced its departure: it decides and runs nothing any more.
    var departed = false
    /// The current transition's timeline (for status): what triggered it and when, when
    /// its first action ran, when its last stop and last start finished.
    var trigger: (what: String, at: Instant)?
    var transitionStartedAt: Instant?
    var lastStopDone: Instant?
    var lastStartDone: Instant?
    var lastTransition: String = "none yet"
    /// Alert agents run here, their history and counters (Daemon+Alerts).
    var alerts = DaemonAlerts()

    /// Sets the daemon up (nothing runs until `run()`).
    /// - Throws: `DaemonError` naming what is wrong (node not in the configuration, key, CIB, sockets).
    /// SCHED_RR priority of the event loop and the lease renewer (corosync uses the maximum, 99;
    /// any real-time priority runs before ordinary processes).
    static let realtimePriority: Int32 = 10

    public init(config: ClusterConfig, node: String, logger: Logger, ocfRoot: String = "/usr/lib/ocf") throws {
        // Before any thread exists (the lease renewer, the process watch): SIGTERM and SIGINT
        // must reach the signalfd (a graceful stop hands resources over), never kill us outright.
        _ = pacer_block_termination_signals()
        // A few threads, little contention: two heaps are plenty, and hold less idle memory.
        pacer_malloc_arenas(2)
        Self.raiseDescriptorLimit()
        guard let me = config.node(named: node), let other = config.peer(of: node) else {
            throw DaemonError("node '\(node)' is not in the configuration (nodes: \(config.nodes.map(\.name).joined(separator: ", ")))")
        }
        self.config = config
        self.node = me.name
        self.peer = other.name
        self.logger = logger
        do { key = try AuthKey.load(path: config.authkeyPath) } catch { throw DaemonError(error.description) }
        do { loop = try EventLoop() } catch { throw DaemonError("cannot create the event loop: \(error)") }
        mkdir(config.stateDirectory, 0o750)
        store = CIBFile(path: "\(config.stateDirectory)/cib.xml")
        let cib: XMLElement
        do {
            cib = try store.load()
        } catch .notFound {
            cib = EmptyCIB.make()
            do { try store.save(cib) } catch { throw DaemonError(error.description) }
        } catch {
            throw DaemonError(error.description)
        }
        // One cgroup directory per state directory: two daemons on one machine (tests) keep apart.
        let processes = ResourceProcesses(scope: ResourceProcesses.scope(stateDirectory: config.stateDirectory))
        // Virtual IPs live only while this daemon renews them (see AddressLeases).
        let leases = AddressLeases(lifetime: 1, realtimePriority: Self.realtimePriority) { [logger] lease, reason in
            logger.warning("Cannot renew an address lease", metadata: ["address": "\(lease)", "reason": "\(reason)"])
        }
        executor = Executor(directory: AgentDirectory(ocfRoot: ocfRoot), processes: processes, leases: leases)
        var ids: [String: String] = [:]
        for (index, node) in config.nodes.enumerated() { ids[node.name] = String(index + 1) }
        controller = ControllerInstance(localNode: me.name, peerNode: other.name, nodeIDs: ids, cib: cib,
                                        version: String(cString: pacer_version()), clusterName: config.clusterName)
        let incarnation = UInt64(Self.realtimeNanoseconds())
        var links = [LinkConfiguration(id: 0, isDirectCable: HeartbeatShell.isDirectCable(localAddress: me.interlink))]
        var shellLinks = [HeartbeatShell.Link(id: 0, localAddress: me.interlink, peerAddress: other.interlink)]
        if let data = me.data, let peerData = other.data {
            links.append(LinkConfiguration(id: 1, isDirectCable: false))
            shellLinks.append(HeartbeatShell.Link(id: 1, localAddress: data, peerAddress: peerData))
        }
        let settings = MembershipSettings(interval: config.interval, deadtime: config.deadtime,
                                          twoNode: config.twoNode, waitForAll: config.waitForAll)
        let instance: MembershipInstance
        do {
            instance = try MembershipInstance(node: me.name, peer: other.name, cluster: config.clusterName,
                                              incarnation: incarnation, links: links, settings: settings)
        } catch { throw DaemonError("membership settings: \(error)") }
        do {
            heartbeat = try HeartbeatShell(loop: loop, instance: instance, links: shellLinks, port: config.port, key: key,
                                           onDirective: { [unowned self] in self.membershipChanged($0) },
                                           onRejected: { [unowned self] in self.logger.warning("Heartbeats rejected", metadata: ["detail": "\($0)"]) })
        } catch { throw DaemonError(error.description) }
        peerLink = PeerLink(loop: loop, key: key, localName: me.name, peerName: other.name,
                            localAddress: me.interlink, peerAddress: other.interlink, port: config.port + 1)
    }

    /// IPC clients, agents and the CIB all need descriptors: take the hard limit (the unit
    /// sets `LimitNOFILE`), so a busy node never fails an operation for want of one.
    static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 65536)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func realtimeNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func epochSeconds() -> Int { Int(realtimeNanoseconds() / 1_000_000_000) }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Remembers what started the next transition (the first cause wins until it settles).
    func noteTrigger(_ what: String) {
        if trigger == nil { trigger = (what, HeartbeatShell.now()) }
    }

    /// Notes when stops and starts of the running transition finish.
    func noteFinished(_ request: ActionRequest) {
        if request.task == "stop" { lastStopDone = HeartbeatShell.now() }
        if request.task == "start" { lastStartDone = HeartbeatShell.now() }
    }

    /// Runs until SIGTERM/SIGINT has moved this node's resources away (or a second signal).
    public func run() throws {
        let signals = try watchSignals()
        writer = CIBWriter(store: store, loop: loop) { [unowned self] version, failure in
            if let failure { self.logger.error("Cannot save the CIB", metadata: ["detail": "\(failure)"]) }
            self.savedVersion = max(self.savedVersion ?? version, version)
            self.answerEdits()
        }
        peerLink.onMessage = { [unowned self] in self.peerMessage($0) }
        peerLink.onConnected = { [unowned self] in
            self.logger.notice("Peer connected", metadata: ["peer": "\(self.peer)"])
            self.peerLink.send(.cib(self.controller.cib.serialized()))
            self.reportMembership()
            self.resumeShutdownIfDC()
        }
        peerLink.onDisconnected = { [unowned self] in
            self.peerChannelLost()
        }
        peerLink.onProblem = { [unowned self] in self.logger.warning("Peer link problem", metadata: ["detail": "\($0)"]) }
        try peerLink.start()
        do {
            ipc = try IPCServer(name: config.ipcName, loop: loop) { [unowned self] in self.ipcRequest($0) }
        } catch .nameInUse {
            // Say who holds the name: another pacerd, or a squatter (any user can claim an abstract name).
            do {
                _ = try IPCClient.connect(name: config.ipcName, timeout: .seconds(1))
                throw DaemonError("cannot serve IPC '\(config.ipcName)': another pacerd already serves it")
            } catch let squatter as IPCError {
                throw DaemonError("cannot serve IPC '\(config.ipcName)': \(squatter)")
            }
        } catch { throw DaemonError("cannot serve IPC '\(config.ipcName)': \(error)") }
        heartbeat.onStall = { [unowned self] in self.resetAfterStall($0) }
        try heartbeat.start()
        if let processes = executor.processes {
            logger.info("Watching resource processes", metadata: ["cgroups": "\(processes.directory)"])
            processes.onEmpty { [logger] resource in
                logger.notice("Resource processes exited; monitoring now", metadata: ["rsc": "\(resource)"])
            }
        } else {
            logger.info("No writable cgroup2 here: resource processes are watched by their monitors only")
        }
        logger.info("Alert agents run as \(alerts.runsAs)")
        apply(controller.handle(.started, now: Self.epochSeconds()))
        // Failure timeouts and time-based rules need a periodic look even when nothing happens.
        scheduleRecheck()
        logger.notice("Pacer daemon started", metadata: ["node": "\(node)", "peer": "\(peer)", "cluster": "\(config.clusterName)"])
        // Heartbeats must go out on time however busy the node is (a late one is a false
        // failover): the loop thread runs round-robin real-time, as corosync does.
        let realtime = pacer_realtime_thread(Self.realtimePriority)
        if realtime == 0 {
            logger.info("Event loop at real-time priority", metadata: ["policy": "SCHED_RR", "priority": "\(Self.realtimePriority)"])
        } else {
            logger.warning("Cannot raise the event loop to real-time priority: heartbeats may be late on a busy node",
                           metadata: ["reason": "\(String(cString: strerror(realtime)))"])
        }
        loop.run()
        writer.drain()
        drainAlerts()
        close(signals)
        ipc.shutdown()
        peerLink.stop()
        heartbeat.stop()
        Task { await executor.cancelAllRecurring() }
        executor.processes?.removeEmpty()
        executor.leases?.makePermanent()
        logger.notice("Pacer daemon stopped", metadata: ["node": "\(node)"])
    }

    func scheduleRecheck() {
        loop.addTimer(after: .seconds(60)) { [weak self] in
            guard let self else { return }
            self.apply(self.controller.handle(.recheck, now: Self.epochSeconds()))
            self.scheduleDateRecheck(self.controller.cib)
            self.scheduleRecheck()
        }
    }
}
