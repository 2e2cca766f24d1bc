// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
public import PacerTransition

/// The one coding of an action request: a field added to ``ResourceOperation`` is one line here.
extension ActionRequest: WireCodable {
    public static var wireBlank: ActionRequest {
        ActionRequest(id: 0, operation: ResourceOperation(resource: "", task: "", intervalMs: 0, node: "",
                                                          agent: ResourceAgent(resourceClass: "", provider: nil, type: "")))
    }

    public static func code<Coder: WireCoder>(_ r: inout ActionRequest, with c: inout Coder) throws(WireError) {
        try c.code(&r.id, "id")
        try c.code(&r.operation.node, "node")
        try c.code(&r.operation.resource, "resource")
        try c.code(&r.operation.task, "task")
        try c.code(&r.operation.intervalMs, "interval")
        try c.code(&r.operation.timeoutMs, "timeout")
        try c.code(&r.operation.startDelayMs, "start-delay")
        try c.code(&r.operation.agent.resourceClass, "class")
        try c.code(&r.operation.agent.provider, "provider")
        try c.code(&r.operation.agent.type, "type")
        try c.code(&r.operation.expectedRC, "expected-rc")
        try c.code(&r.operation.digest, "digest")
        try c.code(&r.operation.parameters, "parameters")
        try c.code(&r.operation.meta, "meta")
    }
}

extension ResourceOperation.Parameter: WireCodable {
    public static var wireBlank: ResourceOperation.Parameter { .init("", "") }

    public static func code<Coder: WireCoder>(_ p: inout ResourceOperation.Parameter, with c: inout Coder) throws(WireError) {
        try c.code(&p.name, "parameter name")
        try c.code(&p.value, "parameter value")
    }
}

/// The one coding of an action's outcome: a field added to ``ActionOutcome`` is one line here.
extension ActionOutcome: WireCodable {
    public static var wireBlank: ActionOutcome { ActionOutcome(rc: 0) }

    public static func code<Coder: WireCoder>(_ o: inout ActionOutcome, with c: inout Coder) throws(WireError) {
        try c.code(&o.rc, "rc")
        try c.code(&o.status, "op-status")
        try c.code(&o.exitReason, "exit-reason")
        try c.code(&o.execMs, "exec-ms")
        // Parameter names are OCF names (letters, digits, `_`): one field, space-separated.
        var restart = o.forceRestart?.joined(separator: " ")
        try c.code(&restart, "force-restart")
        o.forceRestart = restart.map { $0.split(separator: " ").map(String.init) }
    }
}

extension ExecStatus: WireField {
    public var wireText: String { String(rawValue) }
    public init?(wireText: String) {
        guard let value = Int(wireText) else { return nil }
        self.init(rawValue: value)
    }
}
