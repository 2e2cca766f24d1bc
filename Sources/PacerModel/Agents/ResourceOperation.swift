// SPDX-License-Identifier: GPL-2.0-or-later
/// One operation of a resource agent on one node, as the scheduler resolved it: everything the
/// executor needs to run it and the controller needs to record it. The scheduler makes it
/// (`TransitionAction.operation`), the controller sends it, the executor runs it.
public struct ResourceOperation: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    /// The name the node's executor and history know the resource by (an anonymous clone
    /// instance by its configured id).
    public var resource: String
    /// `start`, `stop`, `monitor`, `reload-agent`, …
    public var task: String
    public var intervalMs: Int
    public var node: String
    public var agent: ResourceAgent
    /// `OCF_RESKEY_*`: the instance attributes for this node (the resource's and its parents',
    /// rules evaluated; `pe_rsc_params()`) and the operation's own instance attributes, by name.
    public var parameters: [Parameter]
    /// `CRM_meta_*` beyond timeout and interval: the operation's meta attributes after
    /// op_defaults (`unpack_operation()`), with `-` kept (the environment turns it into `_`).
    public var meta: [Parameter]
    public var timeoutMs: Int
    public var startDelayMs: Int
    /// The rc that counts as success: 7 for a probe and a Stopped-role monitor, 0 otherwise.
    public var expectedRC: Int32
    /// `op-digest` to record with a result (the digest of the parameters, as the scheduler
    /// compares them with the configuration later).
    public var digest: String

    public init(resource: String, task: String, intervalMs: Int, node: String, agent: ResourceAgent,
                parameters: [Parameter] = [], meta: [Parameter] = [], timeoutMs: Int = 20_000, startDelayMs: Int = 0,
                expectedRC: Int32 = 0, digest: String = "") {
        self.resource = resource
        self.task = task
        self.intervalMs = intervalMs
        self.node = node
        self.agent = agent
        self.parameters = parameters
        self.meta = meta
        self.timeoutMs = timeoutMs
        self.startDelayMs = startDelayMs
        self.expectedRC = expectedRC
        self.digest = digest
    }

    public var isProbe: Bool { task == "monitor" && intervalMs == 0 }
    public var isRecurring: Bool { intervalMs > 0 }
    /// `<rsc>_<task>_<interval ms>`, Pacemaker's operation key.
    public var operationKey: String { "\(resource)_\(task)_\(intervalMs)" }
    /// `OCF_CHECK_LEVEL`, an instance attribute of the operation.
    public var checkLevel: String? { parameters.first { $0.name == "OCF_CHECK_LEVEL" }?.value }
    /// Whether `other` is the same operation on the same node (whatever its parameters).
    public func sameOperation(as other: ResourceOperation) -> Bool {
        node == other.node && resource == other.resource && task == other.task && intervalMs == other.intervalMs
    }
}
