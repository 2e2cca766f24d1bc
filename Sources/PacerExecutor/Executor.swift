// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// Runs resource agent actions as Pacemaker's executor does.
///
/// Guarantees: actions on one resource run one at a time, in the order they were
/// requested; actions on different resources run in parallel (at most `maxParallel`
/// processes at once); every action ends (timeouts kill the agent's process group).
public actor Executor {
    public let directory: AgentDirectory
    public let maxParallel: Int
    private let inherited: [String: String]
    private var busyResources = Set<String>()
    private var waitingByResource: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var runningProcesses = 0
    private var waitingForSlot: [CheckedContinuation<Void, Never>] = []
    private var recurring: [RecurringID: Task<Void, Never>] = [:]
    private var recurringActions: [RecurringID: AgentAction] = [:]
    /// The pause before a recurring operation's next run; cancelled to run it now.
    private var sleepers: [RecurringID: Task<Void, Never>] = [:]
    private var kicked = Set<RecurringID>()
    private var nextRecurringID = 0
    /// Where each resource's processes are tracked, if the machine allows it.
    public nonisolated let processes: ResourceProcesses?
    /// The addresses agents hold as leases this daemon renews, when enabled.
    public nonisolated let leases: AddressLeases?

    /// With `processes`, each resource's actions run in a cgroup of its own and, when the
    /// processes a successful start or monitor left (its daemons) are all gone, the
    /// resource's recurring monitors run at once instead of at their next interval.
    public init(directory: AgentDirectory = AgentDirectory(), maxParallel: Int = 32, inherited: [String: String]? = nil,
                processes: ResourceProcesses? = nil, leases: AddressLeases? = nil) {
        self.directory = directory
        self.maxParallel = max(1, maxParallel)
        self.inherited = (inherited ?? Executor.processEnvironment()).merging(leases?.environment ?? [:]) { $1 }
        self.processes = processes
        self.leases = leases
        processes?.onEmpty { [weak self] resource in Task { await self?.monitorNow(resource) } }
    }

    /// Runs one action and returns its result.
    public func execute(_ action: AgentAction) async -> ActionResult {
        await acquireResource(action.resourceID)
        defer { releaseResource(action.resourceID) }
        if action.name == "stop" {
            processes?.disarm(action.resourceID)
            leases?.release(action.resourceID)
        }
        let result = await runUnserialized(action)
        if ["start", "monitor"].contains(action.name), result.status == .done, result.rc == 0 {
            processes?.arm(action.resourceID)
            if let leases {
                var announced = AddressLeases.parse(result.stdout)
                if announced.isEmpty, let derived = leases.derivedLease(agent: action.agent, parameters: action.parameterList) {
                    announced = [derived]
                }
                leases.hold(announced, for: action.resourceID)
            }
        } else if ["start", "monitor"].contains(action.name) {
            leases?.release(action.resourceID)
        }
        return result
    }

    /// Ends the pause of `resource`'s recurring monitors: they run now.
    public func monitorNow(_ resource: String) {
        for (id, action) in recurringActions where action.resourceID == resource && action.name == "monitor" {
            if let sleeper = sleepers[id] { sleeper.cancel() } else { kicked.insert(id) }   // running now: go again at once
        }
    }

    /// Runs `action` on the calling thread, outside the per-resource order and the
    /// parallelism limit: for a daemon that must stop everything before it resets itself.
    public nonisolated func runImmediately(_ action: AgentAction) -> ActionResult {
        switch child(for: action) {
        case .notInstalled(let result): return result
        case .ready(let child): return Self.result(of: child.runBlocking(), action: action, path: child.path)
        }
    }

    private enum Prepared { case ready(ChildProcess), notInstalled(ActionResult) }

    private nonisolated func child(for action: AgentAction) -> Prepared {
        guard let path = directory.path(of: action.agent) else {
            return .notInstalled(ActionResult(status: .notInstalled, rc: 5,
                                              exitReason: "agent \(action.agent) is not installed (no executable for it under \(directory.ocfRoot)/resource.d)"))
        }
        let environment = OCFEnvironment.make(for: action, inherited: inherited, ocfRoot: directory.ocfRoot)
        var child = ChildProcess(path: path, arguments: [action.name], environment: environment, timeout: action.timeout)
        // Meta-data describes the agent, not a resource: it gets no resource's cgroup.
        child.cgroupProcsFD = action.name == "meta-data" ? -1 : processes?.procsFD(for: action.resourceID) ?? -1
        return .ready(child)
    }

    private func runUnserialized(_ action: AgentAction) async -> ActionResult {
        let child: ChildProcess
        switch self.child(for: action) {
        case .notInstalled(let result): return result
        case .ready(let made): child = made
        }
        await acquireSlot()
        let outcome = await child.run()
        releaseSlot()
        return Self.result(of: outcome, action: action, path: child.path)
    }

    private static func result(of outcome: ChildProcess.Outcome, action: AgentAction, path: String) -> ActionResult {
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        let stderr = String(decoding: outcome.stderr, as: UTF8.self)
        let reason = OCFEnvironment.exitReason(in: stderr)
        switch outcome.termination {
        case .exited(let rc):
            return ActionResult(status: .done, rc: rc, exitReason: reason ?? "", stdout: stdout, stderr: stderr, elapsed: outcome.elapsed)
        case .signaled(let signal):
            return ActionResult(status: .error, rc: 1, exitReason: reason ?? "agent killed by signal \(signal)",
                                stdout: stdout, stderr: stderr, elapsed: outcome.elapsed)
        case .timedOut:
            return ActionResult(status: .timeout, rc: 1, exitReason: "\(action.name) timed out after \(action.timeout.milliseconds)ms",
                                stdout: stdout, stderr: stderr, elapsed: outcome.elapsed)
        case .spawnFailed(let code):
            return ActionResult(status: code == ENOENT ? .notInstalled : .error, rc: code == ENOENT ? 5 : 1,
                                exitReason: "cannot execute \(path): \(String(cString: strerror(code)))", elapsed: outcome.elapsed)
        }
    }

    // MARK: - Recurring operations

    public struct RecurringID: Hashable, Sendable { let value: Int }

    /// Runs `action` every `action.interval` (first after `startDelay`), reporting each result.
    /// Each run is serialised with the resource's other actions.
    public func startRecurring(_ action: AgentAction, startDelay: Duration = .zero,
                               report: @escaping @Sendable (AgentAction, ActionResult) async -> Void) -> RecurringID {
        precondition(action.interval > .zero, "recurring action \(action.operationKey) needs an interval")
        let id = RecurringID(value: nextRecurringID)
        nextRecurringID += 1
        recurringActions[id] = action
        recurring[id] = Task { [weak self] in
            var next = ContinuousClock.now + startDelay
            while !Task.isCancelled {
                guard let self else { return }
                await self.pause(id, until: next)
                if Task.isCancelled { return }
                next = ContinuousClock.now + action.interval
                let result = await self.execute(action)
                if Task.isCancelled { return }
                await report(action, result)
            }
        }
        return id
    }

    private func pause(_ id: RecurringID, until deadline: ContinuousClock.Instant) async {
        if kicked.remove(id) != nil { return }
        guard deadline > ContinuousClock.now else { return }
        let sleeper = Task { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
        sleepers[id] = sleeper
        await sleeper.value
        sleepers[id] = nil
    }

    /// Stops a recurring operation; a run in progress finishes but is not reported.
    public func cancelRecurring(_ id: RecurringID) {
        recurring.removeValue(forKey: id)?.cancel()
        sleepers.removeValue(forKey: id)?.cancel()
        recurringActions[id] = nil
        kicked.remove(id)
    }

    /// Stops every recurring operation.
    public func cancelAllRecurring() {
        for id in Array(recurring.keys) { cancelRecurring(id) }
    }

    // MARK: - Serialisation

    private func acquireResource(_ id: String) async {
        if busyResources.insert(id).inserted { return }
        await withCheckedContinuation { waitingByResource[id, default: []].append($0) }
    }

    private func releaseResource(_ id: String) {
        if var queue = waitingByResource[id], !queue.isEmpty {
            let next = queue.removeFirst()
            waitingByResource[id] = queue.isEmpty ? nil : queue
            next.resume()   // ownership passes to the next waiter; the id stays busy
        } else {
            busyResources.remove(id)
        }
    }

    private func acquireSlot() async {
        if runningProcesses < maxParallel {
            runningProcesses += 1
            return
        }
        await withCheckedContinuation { waitingForSlot.append($0) }
    }

    private func releaseSlot() {
        if !waitingForSlot.isEmpty {
            waitingForSlot.removeFirst().resume()
        } else {
            runningProcesses -= 1
        }
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { result[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            pointer += 1
        }
        return result
    }
}
