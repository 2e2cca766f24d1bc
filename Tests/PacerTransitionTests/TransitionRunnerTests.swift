// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler
import PacerTransition
import Testing

/// A transition graph written by hand: each step names the positions it waits for.
struct GraphBuilder {
    var actions: [TransitionAction] = []

    @discardableResult
    mutating func resource(_ rsc: String, _ task: String, on node: String, interval: Int = 0, expectedRC: Int = 0,
                           timeoutMs: Int = 20_000, after inputs: [Int] = []) -> Int {
        let operation = ResourceOperation(resource: rsc, task: task, intervalMs: interval, node: node,
                                          agent: ResourceAgent(resourceClass: "ocf", provider: "heartbeat", type: "Dummy"),
                                          timeoutMs: timeoutMs, expectedRC: Int32(expectedRC))
        actions.append(TransitionAction(kind: .resource, resource: rsc, task: task, intervalMs: interval, node: node,
                                        key: "\(rsc)_\(task)_\(interval)", operation: operation, expectedRC: expectedRC,
                                        inputs: inputs))
        return actions.count - 1
    }

    @discardableResult
    mutating func pseudo(_ key: String, after inputs: [Int] = []) -> Int {
        actions.append(TransitionAction(kind: .pseudo, resource: nil, task: key, intervalMs: 0, node: nil, key: key, inputs: inputs))
        return actions.count - 1
    }

    @discardableResult
    mutating func cluster(_ task: String, on node: String, resource: String? = nil, interval: Int = 0, after inputs: [Int] = []) -> Int {
        let kind: TransitionAction.Kind = task == "cancel" || task == "delete" ? .resource : .cluster
        actions.append(TransitionAction(kind: kind, resource: resource, task: task, intervalMs: interval, node: node,
                                        key: "\(resource ?? node)_\(task == "cancel" ? "monitor" : task)_\(interval)", inputs: inputs))
        return actions.count - 1
    }
}

extension [TransitionRunner.Directive] {
    var executed: [ActionRequest] { compactMap { if case .execute(let r) = $0 { r } else { nil } } }
    var keys: [String] { executed.map { "\($0.operationKey)@\($0.node)" } }
    var aborted: String? { lazy.compactMap { if case .aborted(let why) = $0 { why } else { nil } }.first }
    var completed: Int? { lazy.compactMap { if case .completed(let held) = $0 { held } else { nil } }.first }
}

@Suite("transition runner: a graph and results in, what to do out")
struct TransitionRunnerTests {
    @Test("an action is asked for only once the actions it is ordered after are done")
    func ordering() {
        var graph = GraphBuilder()
        let stop = graph.resource("vip", "stop", on: "alpha")
        let stopped = graph.pseudo("group_stopped_0", after: [stop])
        let start = graph.resource("vip", "start", on: "bravo", after: [stopped])
        graph.resource("vip", "monitor", on: "bravo", interval: 10_000, after: [start])
        var runner = TransitionRunner()
        let first = runner.handle(.run(graph.actions, now: 0))
        #expect(first.keys == ["vip_stop_0@alpha"])
        // A stop cancels the resource's recurring operations before it runs.
        #expect(first.first == .cancelRecurring(resource: "vip", node: "alpha"))
        let second = runner.handle(.finished(first.executed[0], ActionOutcome(rc: 0), now: 1))
        #expect(second.keys == ["vip_start_0@bravo"], "the pseudo action passes once the stop is done")
        let third = runner.handle(.finished(second.executed[0], ActionOutcome(rc: 0), now: 2))
        #expect(third.keys == ["vip_monitor_10000@bravo"])
        let last = runner.handle(.finished(third.executed[0], ActionOutcome(rc: 0), now: 3))
        #expect(last.contains(.startRecurring(third.executed[0])), "a recurring op goes on after its first expected result")
        #expect(last.completed == 0)
        #expect(!runner.isActive)
        #expect(runner.recurring["bravo"]?.map(\.operationKey) == ["vip_monitor_10000"])
    }

    @Test("independent actions are asked for together; what joins them waits for all")
    func parallel() {
        var graph = GraphBuilder()
        let probes = ["a", "b", "c"].flatMap { rsc in ["alpha", "bravo"].map { graph.resource(rsc, "monitor", on: $0, expectedRC: 7) } }
        graph.resource("a", "start", on: "alpha", after: probes)
        var runner = TransitionRunner()
        let first = runner.handle(.run(graph.actions, now: 0))
        #expect(first.executed.count == 6)
        #expect(Set(first.executed.map(\.id)).count == 6, "each request has its own id")
        for (index, probe) in first.executed.enumerated() {
            let next = runner.handle(.finished(probe, ActionOutcome(rc: 7), now: 1))
            #expect(next.keys == (index == 5 ? ["a_start_0@alpha"] : []), "after probe \(index)")
        }
    }

    @Test("an unexpected result drains the actions in flight, then says aborted; nothing new starts meanwhile")
    func unexpectedResultDrains() {
        var graph = GraphBuilder()
        let p1 = graph.resource("a", "monitor", on: "alpha", expectedRC: 7)
        let p2 = graph.resource("a", "monitor", on: "bravo", expectedRC: 7)
        let p3 = graph.resource("b", "monitor", on: "alpha", expectedRC: 7)
        graph.resource("a", "start", on: "alpha", after: [p1, p2])
        graph.resource("b", "start", on: "alpha", after: [p3])
        var runner = TransitionRunner()
        let probes = runner.handle(.run(graph.actions, now: 0)).executed
        // a is found running on bravo: the transition is void.
        let surprise = runner.handle(.finished(probes[1], ActionOutcome(rc: 0), now: 1))
        #expect(surprise.first == .record(probes[1], ActionOutcome(rc: 0)), "the surprising result is recorded")
        #expect(surprise.executed.isEmpty && surprise.aborted == nil && runner.aborting)
        // b's probe is as expected, but b's start is not asked for: the transition is void.
        let second = runner.handle(.finished(probes[2], ActionOutcome(rc: 7), now: 2))
        #expect(second.executed.isEmpty && second.aborted == nil)
        let last = runner.handle(.finished(probes[0], ActionOutcome(rc: 7), now: 3))
        #expect(last.executed.isEmpty)
        #expect(last.aborted?.contains("a_monitor_0 on bravo returned rc=0") == true, "\(last)")
        #expect(!runner.isActive && !runner.aborting)
        // A new transition may now run.
        var next = GraphBuilder()
        next.resource("a", "stop", on: "bravo")
        #expect(runner.handle(.run(next.actions, now: 4)).keys == ["a_stop_0@bravo"])
    }

    @Test("a result that never comes is taken as a timeout after timeout + cluster-delay, recorded, and aborts")
    func timeout() {
        var graph = GraphBuilder()
        let start = graph.resource("a", "start", on: "bravo", timeoutMs: 20_000)
        graph.resource("a", "monitor", on: "bravo", interval: 10_000, after: [start])
        var runner = TransitionRunner()
        let request = runner.handle(.run(graph.actions, now: 100)).executed[0]
        #expect(runner.handle(.tick(now: 100 + 20 + TransitionRunner.clusterDelaySeconds - 1)).isEmpty, "not yet")
        let late = runner.handle(.tick(now: 100 + 20 + TransitionRunner.clusterDelaySeconds))
        guard case .record(let recorded, let outcome) = late.first else { Issue.record("\(late)"); return }
        #expect(recorded == request && outcome.status == .timeout)
        #expect(late.aborted?.contains("timed out") == true)
        #expect(late.executed.isEmpty, "the monitor after it is not asked for")
        // The real result arriving afterwards is ignored.
        #expect(runner.handle(.finished(request, ActionOutcome(rc: 0), now: 200)).isEmpty)
    }

    /// A runner whose first transition ran a's 10 s monitor on alpha, which now recurs.
    func recurringMonitor() -> (TransitionRunner, [TransitionAction]) {
        var graph = GraphBuilder()
        graph.resource("a", "monitor", on: "alpha", interval: 10_000)
        var runner = TransitionRunner()
        let monitor = runner.handle(.run(graph.actions, now: 0)).executed[0]
        _ = runner.handle(.finished(monitor, ActionOutcome(rc: 0), now: 1))
        #expect(runner.recurring["alpha"]?.count == 1)
        return (runner, graph.actions)
    }

    @Test("a cancel is bookkeeping: the recurring monitor is forgotten, the cancel done, the rest goes on")
    func cancelledRecurring() {
        var (runner, _) = recurringMonitor()
        // Then its interval changes: cancel the old one, start the new one.
        var graph = GraphBuilder()
        let cancel = graph.cluster("cancel", on: "alpha", resource: "a", interval: 10_000)
        graph.resource("a", "monitor", on: "alpha", interval: 20_000, after: [cancel])
        let out = runner.handle(.run(graph.actions, now: 2))
        #expect(out.contains(.bookkeeping(graph.actions[cancel])))
        #expect(runner.recurring["alpha"]?.isEmpty == true)
        #expect(out.keys == ["a_monitor_20000@alpha"])
    }

    @Test("a recurring op running already is not asked for again")
    func recurringKept() {
        var (runner, actions) = recurringMonitor()
        let again = runner.handle(.run(actions, now: 2))
        #expect(again.executed.isEmpty && again.completed == 0)
    }

    @Test("fencing is held, and so is everything ordered after it; the rest runs; completed says how many are held")
    func fencingHeld() {
        var graph = GraphBuilder()
        let fence = graph.cluster("stonith", on: "alpha")
        let stop = graph.pseudo("vip_stop_0", after: [fence])
        graph.resource("vip", "start", on: "bravo", after: [stop])
        graph.resource("other", "start", on: "bravo")
        var runner = TransitionRunner()
        let out = runner.handle(.run(graph.actions, now: 0))
        #expect(out.contains(.held(graph.actions[fence])))
        #expect(out.keys == ["other_start_0@bravo"])
        let end = runner.handle(.finished(out.executed[0], ActionOutcome(rc: 0), now: 1))
        #expect(end.completed == 3, "the fence, the pseudo stop and the start wait")
    }

    @Test("a node that leaves takes its in-flight actions and recurring operations with it")
    func nodeLost() {
        var graph = GraphBuilder()
        graph.resource("a", "start", on: "bravo")
        graph.resource("b", "start", on: "alpha")
        var runner = TransitionRunner()
        let out = runner.handle(.run(graph.actions, now: 0))
        #expect(out.executed.count == 2)
        #expect(runner.handle(.nodeLost("bravo")).aborted == nil, "alpha's start is still in flight")
        let local = out.executed.first { $0.node == "alpha" }!
        #expect(runner.handle(.finished(local, ActionOutcome(rc: 0), now: 1)).aborted?.contains("bravo left") == true)
    }

    @Test("a new transition while actions are in flight is ignored, not run beside them")
    func runWhileBusy() {
        var graph = GraphBuilder()
        graph.resource("a", "start", on: "alpha")
        var runner = TransitionRunner()
        let first = runner.handle(.run(graph.actions, now: 0)).executed
        #expect(first.count == 1)
        #expect(runner.handle(.run(graph.actions, now: 1)).isEmpty)
        #expect(runner.inFlight.map(\.request) == first)
    }
}
