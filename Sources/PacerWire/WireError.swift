// SPDX-License-Identifier: GPL-2.0-or-later
/// Why a byte string is not a message: every decoder in this target ends in a value or
/// one of these, never a trap.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Larger than ``WireFrame/maxBytes`` (refused before anything is read).
    case tooLarge(bytes: Int)
    /// Not even a version byte.
    case empty
    /// Written by a Pacer speaking another wire version (0: a release before versions).
    case version(found: UInt8)
    /// The body is not a ``WireStrings`` list.
    case malformed(String)
    /// The message's first string names no message of its kind.
    case unknownKind(String)
    /// A field is missing, has no meaning, or is left over.
    case badField(kind: String, field: String, detail: String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes): return "message of \(bytes) bytes exceeds the limit of \(WireFrame.maxBytes)"
        case .empty: return "empty message"
        case .version(let found):
            return "message of wire version \(found), this node speaks version \(WireFrame.version) (both nodes must run the same Pacer release)"
        case .malformed(let detail): return "malformed message: \(detail)"
        case .unknownKind(let kind): return "unknown message '\(kind)'"
        case .badField(let kind, let field, let detail): return "'\(kind)' message: \(field) \(detail)"
        }
    }
}
