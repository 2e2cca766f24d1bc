// SPDX-License-Identifier: GPL-2.0-or-later
/// Everything that can go wrong in PacerMembership: bad settings and undecodable heartbeats.
///
/// Each case carries what was wrong and where, and `description` says it in one
/// lowercase clause (CONVENTIONS.md §4), e.g.
/// `heartbeat truncated at byte 13: 'sequence' needs 8 bytes, 3 left`.
public enum MembershipError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A setting is out of range or inconsistent with another one.
    case invalidSetting(name: String, value: String, reason: String)
    /// A node, peer or cluster name cannot travel in a heartbeat.
    case invalidName(field: String, value: String, reason: String)
    /// The link list given to the instance is unusable.
    case invalidLinks(reason: String)
    /// The packet ended inside `field`, which starts at byte `offset`.
    case truncated(field: String, offset: Int, needed: Int, available: Int)
    /// The first two bytes are not the heartbeat magic `PH`.
    case badMagic(found: [UInt8])
    /// The wire format version is not one this build reads.
    case unsupportedVersion(UInt8)
    /// Flag bits this version does not define are set.
    case unknownFlags(UInt8)
    /// A name field is empty or not UTF-8.
    case malformedName(field: String, offset: Int, reason: String)
    /// Bytes follow a complete heartbeat.
    case trailingBytes(offset: Int, count: Int)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, reason):
            return "invalid membership setting \(name)=\(value): \(reason)"
        case let .invalidName(field, value, reason):
            return "invalid \(field) '\(value)': \(reason)"
        case let .invalidLinks(reason):
            return "invalid heartbeat links: \(reason)"
        case let .truncated(field, offset, needed, available):
            return "heartbeat truncated at byte \(offset): '\(field)' needs \(needed) bytes, \(available) left"
        case let .badMagic(found):
            let hex = found.map { "0x" + String($0, radix: 16, uppercase: false) }.joined(separator: " ")
            return "not a Pacer heartbeat: starts with \(hex), expected 0x50 0x48 ('PH')"
        case let .unsupportedVersion(version):
            let sender = version < Heartbeat.wireVersion ? "an older" : "a newer"
            return "heartbeat wire version \(version) is not supported (this build reads version \(Heartbeat.wireVersion)): "
                + "the peer runs \(sender) Pacer release; both nodes must run releases with the same heartbeat format"
        case let .unknownFlags(flags):
            return "heartbeat has unknown flag bits 0x\(String(flags, radix: 16)) set"
        case let .malformedName(field, offset, reason):
            return "heartbeat field '\(field)' at byte \(offset) \(reason)"
        case let .trailingBytes(offset, count):
            return "heartbeat has \(count) unexpected bytes after its end at byte \(offset)"
        }
    }
}
