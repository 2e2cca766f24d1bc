// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// One agent action the DC asks a node to run: the scheduler's resolved operation, numbered.
public struct ActionRequest: Sendable, Equatable {
    /// Unique within one controller's life; results carry it back.
    public var id: UInt64
    public var operation: ResourceOperation

    public init(id: UInt64, operation: ResourceOperation) {
        self.id = id
        self.operation = operation
    }

    public var node: String { operation.node }
    public var resource: String { operation.resource }
    public var task: String { operation.task }
    public var intervalMs: Int { operation.intervalMs }
    public var expectedRC: Int32 { operation.expectedRC }
    public var isProbe: Bool { operation.isProbe }
    public var isRecurring: Bool { operation.isRecurring }
    public var operationKey: String { operation.operationKey }
    public func sameOperation(as other: ActionRequest) -> Bool { operation.sameOperation(as: other.operation) }
}

/// What running an `ActionRequest` came to.
public struct ActionOutcome: Sendable, Equatable {
    public var rc: Int32
    public var status: ExecStatus
    public var exitReason: String
    public var execMs: Int
    /// For a start or reload whose agent can reload: the parameters whose change forces a
    /// restart (`op-force-restart`, from the agent's meta-data on the node that ran it); nil
    /// when the agent cannot reload.
    public var forceRestart: [String]?

    public init(rc: Int32, status: ExecStatus = .done, exitReason: String = "", execMs: Int = 0, forceRestart: [String]? = nil) {
        self.rc = rc
        self.status = status
        self.exitReason = exitReason
        self.execMs = execMs
        self.forceRestart = forceRestart
    }

    /// Whether the result is what `request` expected (a probe finding the resource running is not a failure).
    public func succeeded(for request: ActionRequest) -> Bool {
        guard status == .done else { return false }
        if request.isProbe { return rc == 7 || rc == 0 }
        return rc == request.expectedRC
    }

    /// Whether this is the result the transition counted on: anything else aborts it.
    public func expected(by request: ActionRequest) -> Bool { status == .done && rc == request.expectedRC }
}
