// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
/// One action to run on a resource agent, with everything the agent's environment needs.
public struct AgentAction: Sendable, Equatable {
    public var resourceID: String
    public var agent: ResourceAgent
    /// `start`, `stop`, `monitor`, `validate-all`, `meta-data`, …
    public var name: String
    /// Instance parameters, in configuration order (→ `OCF_RESKEY_<name>`).
    public var parameters: [(name: String, value: String)] {
        get { parameterList.map { ($0.name, $0.value) } }
        set { parameterList = newValue.map { Parameter(name: $0.name, value: $0.value) } }
    }
    public var parameterList: [Parameter]
    /// Meta attributes and controller data (→ `OCF_RESKEY_CRM_meta_<name>`, `-` as `_`).
    public var meta: [Parameter]
    /// Recurring interval; zero for one-shot actions and probes.
    public var interval: Duration
    public var timeout: Duration
    /// `OCF_CHECK_LEVEL`, from the op's instance attribute of that name.
    public var checkLevel: String?

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public init(resourceID: String, agent: ResourceAgent, name: String,
                parameters: [(name: String, value: String)] = [], meta: [Parameter] = [],
                interval: Duration = .zero, timeout: Duration = .seconds(20), checkLevel: String? = nil) {
        self.resourceID = resourceID
        self.agent = agent
        self.name = name
        self.parameterList = parameters.map { Parameter(name: $0.name, value: $0.value) }
        self.meta = meta
        self.interval = interval
        self.timeout = timeout
        self.checkLevel = checkLevel
    }

    public static func == (lhs: AgentAction, rhs: AgentAction) -> Bool {
        lhs.resourceID == rhs.resourceID && lhs.agent == rhs.agent && lhs.name == rhs.name
            && lhs.parameterList == rhs.parameterList && lhs.meta == rhs.meta && lhs.interval == rhs.interval
            && lhs.timeout == rhs.timeout && lhs.checkLevel == rhs.checkLevel
    }

    /// A probe: a one-shot monitor (interval 0), expected to find the resource stopped.
    public var isProbe: Bool { name == "monitor" && interval == .zero }

    /// The key Pacemaker records the result under: `<rsc>_<action>_<interval ms>`.
    public var operationKey: String { "\(resourceID)_\(name)_\(interval.milliseconds)" }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// What an agent action came to: Pacemaker's execution status plus the OCF rc.
public struct ActionResult: Sendable, Equatable {
    /// Pacemaker's `op-status`.
    public var status: ExecStatus
    /// The OCF exit code (meaningful when `status == .done`; 1 otherwise, as Pacemaker records).
    public var rc: Int32
    /// The agent's `ocf-exit-reason:` line, or the executor's own explanation.
    public var exitReason: String
    public var stdout: String
    public var stderr: String
    public var elapsed: Duration

    public init(status: ExecStatus, rc: Int32, exitReason: String, stdout: String = "", stderr: String = "", elapsed: Duration = .zero) {
        self.status = status
        self.rc = rc
        self.exitReason = exitReason
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
    }

    /// OCF's name for an rc (`ok`, `not running`, `not configured`, …), as crm_mon prints it.
    public static func name(of rc: Int32) -> String { ocfExitText(Int(rc)) }
}

extension AgentAction {
    /// The executor's form of an operation the scheduler resolved; `name` is the agent action
    /// to run when it differs from the task (a `reload-agent` run as `reload`).
    public init(_ operation: ResourceOperation, name: String? = nil) {
        var meta = operation.meta.filter { $0.name != "name" }.map { Parameter(name: $0.name, value: $0.value) }
        meta.append(Parameter(name: "on_node", value: operation.node))
        if operation.startDelayMs > 0 { meta.append(Parameter(name: "start_delay", value: String(operation.startDelayMs))) }
        if !operation.isProbe { meta.append(Parameter(name: "name", value: operation.task)) }
        self.init(resourceID: operation.resource, agent: operation.agent, name: name ?? operation.task,
                  parameters: operation.parameters.map { ($0.name, $0.value) }, meta: meta,
                  interval: .milliseconds(Int64(operation.intervalMs)), timeout: .milliseconds(Int64(operation.timeoutMs)),
                  checkLevel: operation.checkLevel)
    }
}
