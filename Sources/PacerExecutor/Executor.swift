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
    private var nextRecurringID = 0

    public init(directory: AgentDirectory = AgentDirectory(), maxParallel: Int = 32, inherited: [String: String]? = nil) {
        self.directory = directory
        self.maxParallel = max(1, maxParallel)
        self.inherited = inherited ?? Executor.processEnvironment()
    }

    /// Runs one action and returns its result.
    public func execute(_ action: AgentAction) async -> ActionResult {
        await acquireResource(action.resourceID)
        defer { releaseResource(action.resourceID) }
        return await runUnserialized(action)
    }

    private func runUnserialized(_ action: AgentAction) async -> ActionResult {
        guard let path = directory.path(of: action.agent) else {
            return ActionResult(status: .notInstalled, rc: 5,
                                exitReason: "agent \(action.agent) is not installed (no executable for it under \(directory.ocfRoot)/resource.d)")
        }
        let environment = OCFEnvironment.make(for: action, inherited: inherited, ocfRoot: directory.ocfRoot)
        await acquireSlot()
        let outcome = await ChildProcess(path: path, arguments: [action.name], environment: environment, timeout: action.timeout).run()
        releaseSlot()
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
            return ActionResult(status: .timedOut, rc: 1, exitReason: "\(action.name) timed out after \(action.timeout.milliseconds)ms",
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
        recurring[id] = Task { [weak self] in
            if startDelay > .zero { try? await Task.sleep(for: startDelay) }
            while !Task.isCancelled {
                guard let self else { return }
                let started = ContinuousClock.now
                let result = await self.execute(action)
                if Task.isCancelled { return }
                await report(action, result)
                try? await Task.sleep(until: started + action.interval, clock: .continuous)
            }
        }
        return id
    }

    /// Stops a recurring operation; a run in progress finishes but is not reported.
    public func cancelRecurring(_ id: RecurringID) {
        recurring.removeValue(forKey: id)?.cancel()
    }

    /// Stops every recurring operation.
    public func cancelAllRecurring() {
        for task in recurring.values { task.cancel() }
        recurring.removeAll()
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
