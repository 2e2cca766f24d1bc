// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// A change an operator asks for, carried out by the DC (forwarded there from the other
/// node as ``PeerMessage/edit(tag:user:_:)``).
public enum OperatorEdit: Sendable, Equatable {
    /// A new `<configuration>`, made on a CIB of version `base`: refused as a conflict when
    /// the configuration (`admin_epoch`, `epoch`) moved on meanwhile.
    case replaceConfiguration(base: CIBVersion, configuration: String)
    /// Forget `resource`'s history and fail counts (on `node`, or everywhere).
    case cleanup(resource: String, node: String?)
    /// Set a transient node attribute, or delete it (`value` nil).
    case attribute(node: String, name: String, value: String?)
    /// `pacer node clearstate`: the operator confirms `node` is down (as a confirmed fencing).
    case clearState(node: String)

    /// The request's word, as operators and logs know it.
    public var verb: String {
        switch self {
        case .replaceConfiguration: return "replace-config"
        case .cleanup: return "cleanup"
        case .attribute: return "attribute"
        case .clearState: return "clearstate"
        }
    }

    func encode(into e: inout WireEncoder) {
        e.put(verb)
        switch self {
        case .replaceConfiguration(let base, let configuration): e.put(base); e.put(configuration)
        case .cleanup(let resource, let node): e.put(resource); e.put(node)
        case .attribute(let node, let name, let value): e.put(node); e.put(name); e.put(value)
        case .clearState(let node): e.put(node)
        }
    }

    static func decode(from d: inout WireDecoder) throws(WireError) -> OperatorEdit {
        let verb: String = try d.take("edit")
        switch verb {
        case "replace-config": return .replaceConfiguration(base: try d.take("base version"), configuration: try d.take("configuration"))
        case "cleanup": return .cleanup(resource: try d.take("resource"), node: try d.take("node"))
        case "attribute": return .attribute(node: try d.take("node"), name: try d.take("name"), value: try d.take("value"))
        case "clearstate": return .clearState(node: try d.take("node"))
        default: throw .unknownKind(verb)
        }
    }
}

/// What the DC made of an ``OperatorEdit``.
public enum EditOutcome: Sendable, Equatable {
    /// Applied; the CIB is now `version`. When `awaitingPeer`, the operator's answer waits
    /// until the peer has acknowledged that version.
    case applied(CIBVersion, awaitingPeer: Bool)
    /// The configuration moved on since the edit's base: redo it on the fresh CIB.
    case conflict(String)
    /// Refused, with the reason.
    case refused(String)

    func encode(into e: inout WireEncoder) {
        switch self {
        case .applied(let version, let awaitingPeer): e.put("applied"); e.put(version); e.put(awaitingPeer)
        case .conflict(let reason): e.put("conflict"); e.put(reason)
        case .refused(let reason): e.put("refused"); e.put(reason)
        }
    }

    static func decode(from d: inout WireDecoder) throws(WireError) -> EditOutcome {
        let word: String = try d.take("outcome")
        switch word {
        case "applied": return .applied(try d.take("version"), awaitingPeer: try d.take("awaiting peer"))
        case "conflict": return .conflict(try d.take("reason"))
        case "refused": return .refused(try d.take("reason"))
        default: throw .unknownKind(word)
        }
    }
}
