// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// One agent action the controller wants run on a node: everything the executor needs.
public struct ActionRequest: Sendable, Equatable {
    /// Unique within one controller's life; results carry it back.
    public var id: UInt64
    public var node: String
    public var resource: String
    public var task: String
    public var intervalMs: Int
    public var timeoutMs: Int
    public var startDelayMs: Int
    public var agentClass: String
    public var agentProvider: String?
    public var agentType: String
    public var parameters: [NameValue]
    /// `OCF_CHECK_LEVEL` from the op's instance attributes.
    public var checkLevel: String?
    /// The rc that counts as success: 7 for a probe, 0 otherwise.
    public var expectedRC: Int32

    public struct NameValue: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    public init(id: UInt64, node: String, resource: String, task: String, intervalMs: Int, timeoutMs: Int, startDelayMs: Int,
                agentClass: String, agentProvider: String?, agentType: String, parameters: [NameValue], checkLevel: String?,
                expectedRC: Int32) {
        self.id = id
        self.node = node
        self.resource = resource
        self.task = task
        self.intervalMs = intervalMs
        self.timeoutMs = timeoutMs
        self.startDelayMs = startDelayMs
        self.agentClass = agentClass
        self.agentProvider = agentProvider
        self.agentType = agentType
        self.parameters = parameters
        self.checkLevel = checkLevel
        self.expectedRC = expectedRC
    }

    public var isProbe: Bool { task == "monitor" && intervalMs == 0 }
    public var isRecurring: Bool { intervalMs > 0 }
    /// `<rsc>_<task>_<interval ms>`, Pacemaker's operation key.
    public var operationKey: String { "\(resource)_\(task)_\(intervalMs)" }
    /// Whether `other` asks for the same operation on the same node (whatever its id).
    public func sameOperation(as other: ActionRequest) -> Bool {
        node == other.node && resource == other.resource && task == other.task && intervalMs == other.intervalMs
    }
    public var agent: String { agentProvider.map { "\(agentClass):\($0):\(agentType)" } ?? "\(agentClass):\(agentType)" }
}

/// What running an `ActionRequest` came to.
public struct ActionOutcome: Sendable, Equatable {
    public var rc: Int32
    /// Pacemaker's op-status: 0 done, 2 timed out, 4 error, 7 not installed, …
    public var opStatus: Int
    public var exitReason: String
    public var execMs: Int

    public init(rc: Int32, opStatus: Int = 0, exitReason: String = "", execMs: Int = 0) {
        self.rc = rc
        self.opStatus = opStatus
        self.exitReason = exitReason
        self.execMs = execMs
    }

    /// Whether the result is what `request` expected (a probe finding the resource running is not a failure).
    public func succeeded(for request: ActionRequest) -> Bool {
        guard opStatus == 0 else { return false }
        if request.isProbe { return rc == 7 || rc == 0 }
        return rc == request.expectedRC
    }
}
