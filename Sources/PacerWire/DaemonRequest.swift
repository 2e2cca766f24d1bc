// SPDX-License-Identifier: GPL-2.0-or-later
/// A request from `pacer` to the daemon on its node, over libqb IPC.
public enum DaemonRequest: Sendable, Equatable, WireMessage {
    /// The CIB as the daemon holds it.
    case cib
    /// The CIB and the daemon's ``DaemonStatus``.
    case status
    /// Run the agent's `reload` for a resource active on this node.
    case reload(resource: String)
    /// A change, carried out by the DC.
    case edit(OperatorEdit)

    public var fields: [String] {
        switch self {
        case .cib: return ["cib"]
        case .status: return ["status"]
        case .reload(let resource): return ["reload", resource]
        case .edit(let edit):
            var e = WireEncoder(kind: "edit")
            edit.encode(into: &e)
            return e.fields
        }
    }

    public init(fields: [String]) throws(WireError) {
        var d = WireDecoder(fields)
        switch fields.first {
        case "cib": self = .cib
        case "status": self = .status
        case "reload": self = .reload(resource: try d.take("resource"))
        case "edit": self = .edit(try OperatorEdit.decode(from: &d))
        case let other: throw .unknownKind(other ?? "")
        }
        try d.finish()
    }
}

/// The daemon's answer to a ``DaemonRequest``.
public enum DaemonReply: Sendable, Equatable, WireMessage {
    /// The CIB's XML.
    case cib(String)
    /// The CIB's XML and the daemon's status.
    case status(cib: String, DaemonStatus)
    /// Done, and what it came to (the new CIB version, "reloaded … on …").
    case ok(String)
    /// The resource is not active on this node (`pacer resource reload`, exit status 7).
    case notRunning(String)
    /// The configuration moved on meanwhile: redo the edit on the fresh CIB.
    case conflict(String)
    /// Refused or failed, with the reason.
    case error(String)

    public var fields: [String] {
        var e: WireEncoder
        switch self {
        case .cib(let xml): e = WireEncoder(kind: "cib"); e.put(xml)
        case .status(let xml, let status): e = WireEncoder(kind: "status"); e.put(xml); e.put(status)
        case .ok(let text): e = WireEncoder(kind: "ok"); e.put(text)
        case .notRunning(let text): e = WireEncoder(kind: "not-running"); e.put(text)
        case .conflict(let text): e = WireEncoder(kind: "conflict"); e.put(text)
        case .error(let text): e = WireEncoder(kind: "error"); e.put(text)
        }
        return e.fields
    }

    public init(fields: [String]) throws(WireError) {
        var d = WireDecoder(fields)
        switch fields.first {
        case "cib": self = .cib(try d.take("cib"))
        case "status": self = .status(cib: try d.take("cib"), try d.take(DaemonStatus.self))
        case "ok": self = .ok(try d.take("text"))
        case "not-running": self = .notRunning(try d.take("text"))
        case "conflict": self = .conflict(try d.take("text"))
        case "error": self = .error(try d.take("text"))
        case let other: throw .unknownKind(other ?? "")
        }
        try d.finish()
    }

    /// The reply an operator's edit gets once it is done.
    public init(_ outcome: EditOutcome) {
        switch outcome {
        case .applied(let version, _): self = .ok("\(version)")
        case .conflict(let reason): self = .conflict(reason)
        case .refused(let reason): self = .error(reason)
        }
    }
}
