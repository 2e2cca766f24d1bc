// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
public import PacerScheduler

/// Carries out one transition graph as a value doing no I/O (Pacemaker's graph consumer,
/// `pcmk__execute_graph()`): a transition and results in; what to execute, cancel or record,
/// and when the transition is done or aborted, out.
///
/// - An action is asked for once every action it is ordered after is done; independent
///   actions are asked for together. Pseudo actions are done as soon as their inputs are.
/// - The DC's own bookkeeping (`clear_failcount`, `do_shutdown`, a resource's `delete` and
///   `cancel`) is handed to the controller and counts as done at once.
/// - An action this cluster cannot carry out (fencing: Pacer has no fencer; promote, demote,
///   notify, migrations) is never taken as done: it is held, and so is everything ordered
///   after it.
/// - A result other than the expected one, a timeout, or `abort` voids the transition: nothing
///   new is asked for, and once the actions in flight are back the runner says `aborted` so the
///   controller can schedule afresh.
/// - Recurring operations are kept here, by node: started after their first expected result,
///   cancelled before a stop, forgotten with their node.
public struct TransitionRunner: Sendable {
    /// How long after its timeout (and start-delay) an action's result may still come before
    /// the runner takes it as timed out: Pacemaker's default `cluster-delay`.
    public static let clusterDelaySeconds = 60

    /// Resource tasks a node's executor runs.
    public static let executable: Set<String> = ["start", "stop", "monitor", "reload-agent", "reload"]
    /// Tasks the controller does itself on the CIB.
    public static let bookkeeping: Set<String> = ["clear_failcount", "do_shutdown", "delete", "cancel"]

    public struct InFlight: Sendable, Equatable {
        public var request: ActionRequest
        /// Position in `graph`.
        public var index: Int
        /// Seconds since the epoch after which the result is taken as lost to a timeout.
        public var deadline: Int
    }

    enum Step: Sendable, Equatable { case waiting, inFlight, done, held }

    public private(set) var graph: [TransitionAction] = []
    var steps: [Step] = []
    public private(set) var inFlight: [InFlight] = []
    /// The transition was voided: nothing new starts; `aborted` follows once `inFlight` is empty.
    public private(set) var aborting = false
    /// Why, for the log and status.
    public private(set) var abortReason: String?
    /// Recurring operations running, by node.
    public private(set) var recurring: [String: [ActionRequest]] = [:]
    var nextRequestID: UInt64 = 1

    public init() {}

    /// Whether a transition is being carried out (or drained).
    public var isActive: Bool { !graph.isEmpty || !inFlight.isEmpty }
    /// Actions of the current transition that are held (fencing, unsupported).
    public var held: [TransitionAction] { zip(graph, steps).filter { $0.1 == .held }.map(\.0) }

    public enum Event: Sendable {
        /// Carry out a new transition (the previous one must have ended).
        case run([TransitionAction], now: Int)
        case finished(ActionRequest, ActionOutcome, now: Int)
        /// The request could not be delivered: nothing ran. The transition is void.
        case lost(ActionRequest)
        /// Something changed that the transition did not foresee.
        case abort(String)
        /// Time passed: results overdue are taken as timed out.
        case tick(now: Int)
        /// A node left: its results will never come and its recurring operations are gone.
        case nodeLost(String)
        /// A recurring operation reported a result other than the expected one: it stops.
        case recurringFailed(ActionRequest)
        /// The resource's history on `node` was forgotten (cleanup): so are its recurring operations.
        case forget(resource: String, node: String)
    }

    public enum Directive: Sendable, Equatable {
        case execute(ActionRequest)
        case startRecurring(ActionRequest)
        case cancelRecurring(resource: String, node: String)
        /// A result the controller records: one that came back, or a timeout the runner declared.
        case record(ActionRequest, ActionOutcome)
        /// Bookkeeping for the controller to do on the CIB now (it counts as done).
        case bookkeeping(TransitionAction)
        /// An action that cannot be taken as done; what is ordered after it waits.
        case held(TransitionAction)
        /// Everything that could run has run (with `held` actions left, if any).
        case completed(held: Int)
        /// The transition was voided and the actions in flight are back: schedule afresh.
        case aborted(String)
    }

    public mutating func handle(_ event: Event) -> [Directive] {
        var out: [Directive] = []
        switch event {
        case .run(let actions, let now):
            // A transition runs only once the previous one has drained; the controller waits
            // for that, and a slip must not crash the daemon: the new graph is ignored.
            guard inFlight.isEmpty else { return [] }
            graph = actions
            steps = Array(repeating: .waiting, count: actions.count)
            aborting = false
            abortReason = nil
            advance(now: now, into: &out)
        case .finished(let request, let outcome, let now):
            guard let position = inFlight.firstIndex(where: { $0.request.id == request.id }) else { return [] }
            let flight = inFlight.remove(at: position)
            out.append(.record(request, outcome))
            if outcome.expected(by: request) {
                steps[flight.index] = .done
                if request.isRecurring {
                    remember(request)
                    out.append(.startRecurring(request))
                }
            } else {
                steps[flight.index] = .held
                voidTransition("\(request.operationKey) on \(request.node) returned rc=\(outcome.rc) (\(outcome.status))")
            }
            advance(now: now, into: &out)
        case .lost(let request):
            guard let position = inFlight.firstIndex(where: { $0.request.id == request.id }) else { return [] }
            inFlight.remove(at: position)
            voidTransition("\(request.operationKey) could not be delivered to \(request.node)")
            finishIfDrained(into: &out)
        case .abort(let reason):
            if isActive { voidTransition(reason) }
            finishIfDrained(into: &out)
        case .tick(let now):
            for flight in inFlight where flight.deadline <= now {
                inFlight.removeAll { $0.request.id == flight.request.id }
                let reason = "no result within \(flight.request.operation.timeoutMs / 1000) s + cluster-delay"
                out.append(.record(flight.request, ActionOutcome(rc: 1, status: .timeout, exitReason: reason)))
                voidTransition("\(flight.request.operationKey) on \(flight.request.node) timed out")
            }
            finishIfDrained(into: &out)
        case .nodeLost(let node):
            recurring[node] = nil
            let lost = inFlight.filter { $0.request.node == node }
            guard !lost.isEmpty else { return [] }
            inFlight.removeAll { $0.request.node == node }
            voidTransition("\(node) left with \(lost.count) action(s) in flight")
            finishIfDrained(into: &out)
        case .recurringFailed(let request):
            recurring[request.node]?.removeAll { $0.resource == request.resource }
            out.append(.cancelRecurring(resource: request.resource, node: request.node))
        case .forget(let resource, let node):
            recurring[node]?.removeAll { $0.resource == resource }
            out.append(.cancelRecurring(resource: resource, node: node))
        }
        return out
    }

    mutating func voidTransition(_ reason: String) {
        guard !aborting else { return }
        aborting = true
        abortReason = reason
    }

    mutating func remember(_ request: ActionRequest) {
        recurring[request.node, default: []].removeAll { $0.operation.sameOperation(as: request.operation) }
        recurring[request.node, default: []].append(request)
    }

    func isRunningRecurring(_ operation: ResourceOperation) -> Bool {
        recurring[operation.node]?.contains { $0.operation.sameOperation(as: operation) } == true
    }

    /// Asks for every action whose inputs are done; ends the transition when nothing more can happen.
    mutating func advance(now: Int, into out: inout [Directive]) {
        guard !aborting else { return finishIfDrained(into: &out) }
        var progressed = true
        while progressed {
            progressed = false
            for index in graph.indices where steps[index] == .waiting {
                let inputs = graph[index].inputs
                if inputs.contains(where: { steps[$0] == .held }) { steps[index] = .held; progressed = true; continue }
                guard inputs.allSatisfy({ steps[$0] == .done }) else { continue }
                start(index, now: now, into: &out)
                if steps[index] != .waiting { progressed = true }
            }
        }
        guard inFlight.isEmpty, !graph.isEmpty, !steps.contains(.waiting) else { return }
        let heldCount = steps.filter { $0 == .held }.count
        graph = []
        steps = []
        out.append(.completed(held: heldCount))
    }

    /// Starts action `index`, whose inputs are done.
    mutating func start(_ index: Int, now: Int, into out: inout [Directive]) {
        let action = graph[index]
        if action.kind == .pseudo {
            steps[index] = .done
        } else if Self.bookkeeping.contains(action.task) {
            if let node = action.node, let resource = action.resource {
                if action.task == "delete" { recurring[node]?.removeAll { $0.resource == resource } }
                if action.task == "cancel" { recurring[node]?.removeAll { $0.resource == resource && $0.intervalMs == action.intervalMs } }
            }
            steps[index] = .done
            out.append(.bookkeeping(action))
        } else if action.kind == .resource, Self.executable.contains(action.task), let operation = action.operation {
            if operation.isRecurring && isRunningRecurring(operation) {
                steps[index] = .done   // running already: the scheduler asks again only after a change
                return
            }
            let request = ActionRequest(id: nextRequestID, operation: operation)
            nextRequestID += 1
            if request.task == "stop" {
                recurring[request.node]?.removeAll { $0.resource == request.resource }
                out.append(.cancelRecurring(resource: request.resource, node: request.node))
            }
            let seconds = (operation.timeoutMs + operation.startDelayMs + 999) / 1000
            inFlight.append(InFlight(request: request, index: index, deadline: now + seconds + Self.clusterDelaySeconds))
            steps[index] = .inFlight
            out.append(.execute(request))
        } else {
            hold(index, into: &out)
        }
    }

    mutating func hold(_ index: Int, into out: inout [Directive]) {
        steps[index] = .held
        out.append(.held(graph[index]))
    }

    mutating func finishIfDrained(into out: inout [Directive]) {
        guard aborting, inFlight.isEmpty else { return }
        let reason = abortReason ?? "aborted"
        graph = []
        steps = []
        aborting = false
        out.append(.aborted(reason))
    }
}
