// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerTransition
public import PacerModel

/// A message between the two daemons, over the peer channel's encrypted frames.
public enum PeerMessage: Sendable, Equatable, WireMessage {
    /// The sender's whole CIB (XML), sent on connecting and after each change.
    case cib(String)
    /// The receiver of a ``cib(_:)`` now holds this version.
    case cibAck(CIBVersion)
    /// The DC asks the other node to run an action.
    case exec(ActionRequest)
    /// The outcome of the action ``exec(_:)`` asked for, by its id.
    case result(id: UInt64, ActionOutcome)
    /// The DC asks the other node to run a recurring monitor.
    case startRecurring(ActionRequest)
    /// The DC asks the other node to stop a resource's recurring operations: all, or the one of `intervalMs`.
    case cancelRecurring(resource: String, intervalMs: Int?)
    /// A recurring monitor on the other node failed.
    case recurringFailed(ActionRequest, ActionOutcome)
    /// The sender is shutting down and asks the DC to move its resources away.
    case shutdownRequest(node: String)
    /// The DC has moved `node`'s resources away: it may leave.
    case leaveOK(node: String)
    /// An operator's edit made on the sender, for the DC to apply; `tag` comes back in the reply.
    case edit(tag: String, user: String, OperatorEdit)
    /// The DC's answer to ``edit(tag:user:_:)``.
    case editReply(tag: String, EditOutcome)

    public var kind: String {
        switch self {
        case .cib: return "cib"
        case .cibAck: return "cib-ack"
        case .exec: return "exec"
        case .result: return "result"
        case .startRecurring: return "start-recurring"
        case .cancelRecurring: return "cancel-recurring"
        case .recurringFailed: return "recurring-failed"
        case .shutdownRequest: return "shutdown-request"
        case .leaveOK: return "leave-ok"
        case .edit: return "edit"
        case .editReply: return "edit-reply"
        }
    }

    public var fields: [String] {
        var e = WireEncoder(kind: kind)
        switch self {
        case .cib(let xml): e.put(xml)
        case .cibAck(let version): e.put(version)
        case .exec(let request), .startRecurring(let request): e.put(request)
        case .result(let id, let outcome): e.put(id); e.put(outcome)
        case .cancelRecurring(let resource, let intervalMs): e.put(resource); e.put(intervalMs)
        case .recurringFailed(let request, let outcome): e.put(request); e.put(outcome)
        case .shutdownRequest(let node), .leaveOK(let node): e.put(node)
        case .edit(let tag, let user, let edit): e.put(tag); e.put(user); edit.encode(into: &e)
        case .editReply(let tag, let outcome): e.put(tag); outcome.encode(into: &e)
        }
        return e.fields
    }

    public init(fields: [String]) throws(WireError) {
        var d = WireDecoder(fields)
        switch fields.first {
        case "cib": self = .cib(try d.take("cib"))
        case "cib-ack": self = .cibAck(try d.take("version"))
        case "exec": self = .exec(try d.take(ActionRequest.self))
        case "result": self = .result(id: try d.take("id"), try d.take(ActionOutcome.self))
        case "start-recurring": self = .startRecurring(try d.take(ActionRequest.self))
        case "cancel-recurring": self = .cancelRecurring(resource: try d.take("resource"), intervalMs: try d.take("interval"))
        case "recurring-failed": self = .recurringFailed(try d.take(ActionRequest.self), try d.take(ActionOutcome.self))
        case "shutdown-request": self = .shutdownRequest(node: try d.take("node"))
        case "leave-ok": self = .leaveOK(node: try d.take("node"))
        case "edit": self = .edit(tag: try d.take("tag"), user: try d.take("user"), try OperatorEdit.decode(from: &d))
        case "edit-reply": self = .editReply(tag: try d.take("tag"), try EditOutcome.decode(from: &d))
        case let other: throw .unknownKind(other ?? "")
        }
        try d.finish()
    }
}
