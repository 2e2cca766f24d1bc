// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// The scheduler's decision: summary lines, the action graph in execution order,
/// configuration warnings and the cluster state it started from.
public struct Transition: Sendable {
    /// Transition Summary lines exactly as crm_simulate prints them (with `  * `).
    public var summary: [String]
    /// Actions of the graph, ordered so that every action follows its inputs.
    public var actions: [TransitionAction]
    /// What was ignored or reset in the input, as Pacemaker would log it.
    public var warnings: [String]
    /// The cluster state before the transition (for status displays).
    public var status: ClusterStatus
    /// Allocation scores (`-s`).
    public var scores: [String]
}

/// One action of the transition graph.
public struct TransitionAction: Sendable, Equatable {
    public enum Kind: Sendable { case resource, pseudo, cluster }
    public var kind: Kind
    public var resource: String?
    public var task: String
    public var intervalMs: Int
    public var node: String?
    public var key: String
    /// For an action a node's executor runs (not pseudo, cancel or delete actions): the
    /// agent, parameters, timeout and the rest, as resolved for that node.
    public var operation: ResourceOperation? {
        get { operationBox?.value }
        set { operationBox = newValue.map(OperationBox.init) }
    }
    /// Boxed: a transition of 9,000 resources has tens of thousands of actions, most of
    /// which are shown, not run; an inline operation would make every one ~200 bytes larger.
    var operationBox: OperationBox?
    /// The result that means success: 7 (not running) for probes and Stopped-role monitors.
    public var expectedRC: Int = 0
    /// Positions in `Transition.actions` of the actions this one waits for (the graph's
    /// edges; every input comes earlier in the list).
    public var inputs: [Int] = []

    public init(kind: Kind, resource: String?, task: String, intervalMs: Int, node: String?, key: String,
                operation: ResourceOperation? = nil, expectedRC: Int = 0, inputs: [Int] = []) {
        self.kind = kind
        self.resource = resource
        self.task = task
        self.intervalMs = intervalMs
        self.node = node
        self.key = key
        self.operationBox = operation.map(OperationBox.init)
        self.expectedRC = expectedRC
        self.inputs = inputs
    }
}

/// A `ResourceOperation` held by reference (see `TransitionAction.operationBox`).
final class OperationBox: Sendable, Equatable {
    let value: ResourceOperation
    init(_ value: ResourceOperation) { self.value = value }
    static func == (lhs: OperationBox, rhs: OperationBox) -> Bool { lhs === rhs || lhs.value == rhs.value }
}

/// The cluster state the scheduler unpacked: what `crm_mon` would show.
public struct ClusterStatus: Sendable {
    public struct NodeState: Sendable {
        public var name: String
        public var online: Bool
        public var unclean: Bool
        public var standby: Bool
        public var maintenance: Bool
        public var shutdown: Bool
        public var pending: Bool
        /// `pe__node_health()`: 1 green (or no health strategy), 0 yellow, -1 red.
        public var health: Int = 1
        /// A cluster node, a Pacemaker Remote node, or a guest node.
        public var kind: NodeKind = .cluster
    }
    /// What runs the node: the cluster stack, a remote connection resource, or a
    /// resource that hosts it (`pe__is_remote_node()` / `pe__is_guest_node()`).
    public enum NodeKind: Sendable { case cluster, remote, guest }
    public struct ResourceState: Sendable {
        public var id: String
        public var agent: String
        public var isGroup: Bool
        public var members: [ResourceState]
        public var role: String
        public var nodes: [String]
        public var failed: Bool
        public var managed: Bool
        public var blocked: Bool
        public var orphan: Bool
        public var targetRoleStopped: Bool
        public var failureIgnored: Bool
        public var pendingTask: String?
        /// Why a probe failed, as `services_ocf_exitcode_str()` words it ("not installed").
        public var failedProbe: String?
        /// For a clone: its settings and where it may run (instances are `members`).
        public var clone: CloneState? = nil
        /// Made by the scheduler (a guest node's connection): not listed, but counted.
        public var implicit = false
        /// Active somewhere (`native_active()`): running on a node that is online or
        /// unclean, or offline while unmanaged; any instance of a clone. Set for clones.
        public var active = false
    }
    /// What a clone's status display needs (`pe__clone_default()`).
    public struct CloneState: Sendable {
        public var childID: String
        public var unique: Bool
        public var promotable: Bool
        /// `configured_role()` is Stopped (the clone's target-role, else its first instance's).
        public var configuredStopped: Bool
        public var max: Int
        /// Nodes the clone has a score for, by name.
        public var allowedNodes: [String]
        /// Nodes where a probe of an instance failed, with the reason ("not installed").
        public var failedProbes: [String: String]
        /// Nodes the clone counts as running on (its `running_on`: an unmanaged
        /// instance on an offline node does not count).
        public var runningNodes: [String] = []
    }
    public var nodes: [NodeState]
    public var resources: [ResourceState]
    /// `maintenance-mode` is on: nothing is managed.
    public var maintenanceMode: Bool
    /// `stop-all-resources` is on.
    public var stopAllResources: Bool
}
