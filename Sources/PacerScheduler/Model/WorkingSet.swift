// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// `no-quorum-policy` values the scheduler supports.
enum NoQuorumPolicy { case stop, ignore, freeze, demote, suicide }

/// Everything the scheduler knows and decides for one run. Mirrors `pe_working_set_t`.
///
/// A reference type used only inside one `Scheduler.schedule(_:)` call; nothing
/// escapes except the `Transition` value built at the end.
final class WorkingSet {
    let input: XMLElement
    let now: Int
    var nodes: [Node] = []
    var nodeByID: [String: Node] = [:]
    var nodeByUname: [String: Node] = [:]
    /// Top-level resources in allocation order (priority, then config order).
    var resources: [Resource] = []
    var resourceByID: [String: Resource] = [:]
    var allPrimitives: [Resource] = []
    var actions: [Action] = []
    /// Actions without a resource (pseudo ops, shutdowns) by key and node.
    var nodeActionIndex: [String: Action] = [:]
    var orderings: [Ordering] = []
    var colocations: [Colocation] = []
    var tickets: [String: Ticket] = [:]
    var warnings: [String] = []
    /// Allocation scores in the order assignment saw them (`-s`).
    var scoreLog: [String] = []
    var recordScores = false
    /// Unpacking for a status display (`Scheduler.status(_:)`): no actions are made for
    /// what the history shows running, as nothing will be scheduled.
    var statusOnly = false
    /// History entries by node index and resource id, built on first use.
    var historyIndex: [NodeHistoryKey: XMLElement]?
    /// The ops of each `lrm_resource` as `unpackStatus()` ordered them, by `node_state`
    /// position then entry position, kept for `handleConfigChanges()` to read again; nil
    /// when nothing will (a status display).
    var orderedHistory: [Int: [[HistoryOp]]]?
    /// Expired recurring failures whose restart digest unpacking overrode, so the
    /// monitor is rescheduled (the `calculated-failure-timeout` hack of `unpack_rsc_op()`).
    var forcedRestartDigests: Set<String> = []
    /// Ids of the primitives and groups that clones are made of (`ID` of `ID:N`).
    var cloneBaseIDs: Set<String> = []
    /// Connection primitives made for guest nodes, unpacked after `<resources>`.
    var guestConnectionXML: [XMLElement] = []
    /// Some node is a remote or guest node (`pe_flag_have_remote_nodes`).
    var haveRemoteNodes: Bool { nodes.contains { $0.isRemote } }
    /// Resources by id or history name, depth first (built after unpacking).
    var renamedIndex: [String: ResourceMatches]?

    // cluster options
    var haveQuorum = true
    var noQuorumPolicy = NoQuorumPolicy.stop
    var stonithEnabled = true
    var symmetric = true
    var maintenanceMode = false
    var stopEverything = false
    var stopOrphanResources = true
    var stopOrphanActions = true
    var startFailureIsFatal = true
    var haveStonithResource = false
    /// `stonith-action` (`poweroff` read as `off`).
    var stonithAction = "reboot"
    var concurrentFencing = false
    /// `pe_flag_enable_unfencing`: some resource requires unfencing or a device provides it.
    var enableUnfencing = false
    /// `placement-strategy`: default, utilization, minimal or balanced.
    var placementStrategy = "default"
    var dcUUID: String?
    var properties: [String: String] = [:]
    var rscDefaults = AttributeMap()
    var opDefaults = AttributeMap()

    init(input: XMLElement, now: Int) {
        self.input = input
        self.now = now
    }

    var nodeCount: Int { nodes.count }

    func warn(_ text: String) { warnings.append(text) }

    // MARK: actions

    private func nodeActionKey(_ key: String, _ node: Node?) -> String { "\(key)\u{1}\(node?.index ?? -1)" }

    /// The action of `rsc` with `key` on exactly `node` (nil: node-less).
    private func exactAction(_ rsc: Resource?, key: String, node: Node?) -> Action? {
        guard let rsc else { return nodeActionIndex[nodeActionKey(key, node)] }
        // A resource has a handful of actions: a reverse scan beats a global index.
        for a in rsc.actions.reversed() where a.node === node && a.key == key { return a }
        return nil
    }

    /// Finds an existing action by resource, key and node; without a node, any
    /// node matches (`find_existing_action()` / `find_actions()`).
    func findAction(_ rsc: Resource?, key: String, node: Node?) -> Action? {
        if let exact = exactAction(rsc, key: key, node: node) { return exact }
        guard node == nil else { return nil }
        if let rsc { return rsc.actions.last { $0.key == key } }
        return nil
    }

    /// Mirrors `custom_action()` with `save_action` true: find or create, then
    /// update optional and runnable.
    @discardableResult
    func customAction(_ rsc: Resource?, key: String, task: String, node: Node?, optional: Bool) -> Action {
        let action: Action
        if let existing = findAction(rsc, key: key, node: node) {
            action = existing
        } else if let node, let loose = exactAction(rsc, key: key, node: nil) {
            // find_actions() hands a node-less action to the first node asking for it.
            action = loose
            action.node = node
            if rsc == nil {
                nodeActionIndex[nodeActionKey(key, nil)] = nil
                nodeActionIndex[nodeActionKey(key, node)] = loose
            }
        } else {
            var flags: ActionFlags = [.runnable]
            if optional { flags.insert(.optional) }
            action = Action(id: actions.count, rsc: rsc, task: task, key: key, node: node,
                            intervalMs: intervalOf(key: key), flags: flags)
            if let rsc { configureOperation(action, rsc: rsc) }
            actions.append(action)
            if let rsc { rsc.actions.append(action) } else { nodeActionIndex[nodeActionKey(key, node)] = action }
        }
        // update_action_optional()
        if let rsc, action.node != nil, !action.pseudo, !rsc.managed, action.intervalMs == 0 {
            action.flags.insert(.optional)
        } else if !optional {
            action.flags.remove(.optional)
        }
        if rsc != nil { updateRunnable(action) }
        return action
    }

    /// A pseudo action without a resource (`get_pseudo_op()`).
    func pseudoOp(_ name: String) -> Action {
        if let a = findAction(nil, key: name, node: nil) { return a }
        let a = customAction(nil, key: name, task: name, node: nil, optional: true)
        a.flags.formUnion([.pseudo, .runnable])
        return a
    }

    /// The interval at the end of an operation key (`RSC_TASK_INTERVAL`).
    private func intervalOf(key: String) -> Int {
        var value = 0, scale = 1
        for b in key.utf8.reversed() {
            guard b >= 48 && b <= 57 else { return b == UInt8(ascii: "_") ? value : 0 }
            value += Int(b - 48) * scale
            scale = scale &* 10
        }
        return 0
    }

    /// Mirrors `unpack_operation()` for the parts that matter: requires and on-fail.
    private func configureOperation(_ action: Action, rsc: Resource) {
        let task = action.task
        if task != "start" && task != "promote" {
            action.needs = .nothing
        } else {
            action.needs = rsc.needsFencing ? .fencing : rsc.needsQuorum ? .quorum : .nothing
        }
        let op = rsc.ops.first { $0.name == task && $0.intervalMs == action.intervalMs }
        (action.onFail, action.failRole) = onFailFor(rsc: rsc, task: task, intervalMs: action.intervalMs,
                                                           value: op?.onFail ?? opDefaults["on-fail"])
    }

    /// The failure response of `task`, as `unpack_operation()` decides it.
    func onFailFor(rsc: Resource, task: String, intervalMs: Int, value rawValue: String?) -> (OnFail, Role) {
        var value = rawValue?.lowercased()
        if value == "restart-container" { value = rsc.container != nil ? value : nil }
        // valid_stop_on_fail(): a stop cannot fail over to standby, demote or stop.
        if task == "stop", let v = value, v == "standby" || v == "demote" || v == "stop" { value = nil }
        // 'demote' only for promotes and (promoted-role) monitors.
        if value == "demote" && task != "promote" && task != "monitor" { value = nil }
        // The role after a failure: unpromoted for a failed promote, else started.
        let failRole: Role = task == "promote" ? .unpromoted : .started
        switch value {
        case "block": return (.block, failRole)
        case "fence": return stonithEnabled ? (.fence, failRole) : (.stop, .stopped)
        case "standby": return (.standby, failRole)
        case "ignore", "nothing": return (.ignore, failRole)
        case "migrate": return (.migrate, failRole)
        case "stop": return (.stop, .stopped)
        case "restart": return (.recover, failRole)
        case "demote": return (.demote, failRole)
        case "restart-container": return (.restartContainer, failRole)
        default: break
        }
        if rsc.container != nil { return (.restartContainer, failRole) }
        // Losing an active connection fences the remote node (not for probes and starts).
        if rsc.isRemoteNode && (value == nil || !rsc.managed) && !(task == "monitor" && intervalMs == 0) && task != "start" {
            if !rsc.managed { return (.stop, .stopped) }
            return (.resetRemote, rsc.remoteReconnectMs > 0 ? .stopped : failRole)
        }
        if task == "stop" { return stonithEnabled ? (.fence, failRole) : (.block, failRole) }
        return (.recover, failRole)
    }

    /// Mirrors `update_resource_action_runnable()`.
    func updateRunnable(_ action: Action) {
        guard let rsc = action.rsc, !action.pseudo else { return }
        guard let node = action.node else { action.flags.remove(.runnable); return }
        if !action.dcAction && !node.online {
            action.flags.remove(.runnable)
            // A stop that cannot run on a lost node is made safe by fencing it.
            if rsc.managed && action.task == "stop" && !node.unclean {
                fenceNode(node, reason: "stop is unrunnable")
            }
        } else if !action.dcAction && node.pending {
            action.flags.remove(.runnable)
        } else if action.needsNothing {
            action.setReason(nil, overwrite: true)
            action.flags.insert(.runnable)
        } else {
            switch effectiveQuorumPolicy(rsc) {
            case .stop:
                action.flags.remove(.runnable)
                action.setReason("no quorum", overwrite: true)
            case .freeze:
                if rsc.runningOn.isEmpty || rsc.nextRole > rsc.role {
                    action.flags.remove(.runnable)
                    action.setReason("quorum freeze", overwrite: true)
                }
            default:
                action.flags.insert(.runnable)
            }
        }
    }

    /// Mirrors `effective_quorum_policy()`: with quorum, ignore; with `demote`, a
    /// promotable instance may stay but not promoted, anything else stops.
    private func effectiveQuorumPolicy(_ rsc: Resource) -> NoQuorumPolicy {
        if haveQuorum { return .ignore }
        guard noQuorumPolicy == .demote else { return noQuorumPolicy }
        // Pacer keeps an unpromoted instance's role as Started.
        let inRole = rsc.role == .promoted || rsc.role == .unpromoted || (rsc.role == .started && rsc.inPromotable)
        guard inRole else { return .stop }
        if rsc.nextRole > .unpromoted { rsc.nextRole = .unpromoted }
        return .ignore
    }

    /// All actions of `rsc` with `task` (on `node` if given). Mirrors `pe__resource_actions()`.
    func resourceActions(_ rsc: Resource, node: Node?, task: String) -> [Action] {
        let key = opKey(rsc.id, task, 0)
        return rsc.actions.filter { $0.key == key && (node == nil || $0.node === node) }
    }

    /// Adds an ordering edge between two actions; false if it already existed.
    /// Mirrors `order_actions()`.
    @discardableResult
    func orderActions(_ first: Action, _ then: Action, _ type: OrderFlags) -> Bool {
        if type.isEmpty || first === then { return false }
        for edge in first.after where edge.action === then && !edge.type.intersection(type).isEmpty { return false }
        first.after.insert(ActionEdge(then, type), at: 0)
        then.before.insert(ActionEdge(first, type), at: 0)
        return true
    }

    /// Records an ordering to resolve later (`pcmk__new_ordering()`).
    func newOrdering(firstRsc: Resource?, firstKey: String?, firstAction: Action?,
                     thenRsc: Resource?, thenKey: String?, thenAction: Action?, flags: OrderFlags) {
        var fr = firstRsc, tr = thenRsc
        if fr == nil, let a = firstAction { fr = a.rsc }
        if tr == nil, let a = thenAction { tr = a.rsc }
        let order = Ordering(firstRsc: fr, firstKey: firstKey ?? firstAction?.key, firstAction: firstAction,
                             thenRsc: tr, thenKey: thenKey ?? thenAction?.key, thenAction: thenAction, flags: flags)
        orderings.append(order)
        orderMigrationEquivalents(order)
    }

    /// `pcmk__order_resource_actions()`.
    func orderResourceActions(_ first: Resource, _ firstTask: String, _ then: Resource, _ thenTask: String, _ flags: OrderFlags) {
        newOrdering(firstRsc: first, firstKey: opKey(first.id, firstTask), firstAction: nil,
                    thenRsc: then, thenKey: opKey(then.id, thenTask), thenAction: nil, flags: flags)
    }
}

/// The resources an id names, depth first: nearly always one, kept without an array.
struct ResourceMatches: RandomAccessCollection {
    private(set) var first: Resource?
    var rest: [Resource] = []

    init(first: Resource? = nil) { self.first = first }

    var startIndex: Int { 0 }
    var endIndex: Int { first == nil ? 0 : 1 + rest.count }
    subscript(position: Int) -> Resource { position == 0 ? first! : rest[position - 1] }
}

/// A node (by index) and a resource id: where a history entry is found.
struct NodeHistoryKey: Hashable {
    var node: Int
    var id: String
}
