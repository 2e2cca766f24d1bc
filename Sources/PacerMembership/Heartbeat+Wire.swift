// SPDX-License-Identifier: GPL-2.0-or-later
/// The heartbeat wire format, version 2 (all integers big-endian):
///
/// | bytes | field |
/// |---|---|
/// | 2 | magic `PH` (0x50 0x48) |
/// | 1 | version (2) |
/// | 1 | flags: bit 0 sees recipient as member, bit 1 has quorum, bit 2 leaving, bit 3 reports loss |
/// | 1 | link id |
/// | 8 | incarnation |
/// | 8 | sequence |
/// | 8 | echoed incarnation: the recipient's, as the sender last heard it (0: none yet) |
/// | 1 + n | sender name: length n (1…255), UTF-8 bytes |
/// | 1 + m | cluster name: length m (1…255), UTF-8 bytes |
///
/// Version 1 had no echoed incarnation; the two versions do not talk to each other
/// (`.unsupportedVersion` names both), so both nodes must run a release of one format.
/// The encoding is canonical: whatever `decode` accepts, `encode` reproduces byte for byte.
extension Heartbeat {
    /// The wire format version this build writes and reads.
    public static let wireVersion: UInt8 = 2
    /// The longest node or cluster name in UTF-8 bytes.
    public static let maximumNameLength = 255
    /// The size of the smallest valid packet (one-byte names).
    public static let minimumEncodedSize = 33

    static let magic: [UInt8] = [0x50, 0x48]
    static let flagSeesRecipient: UInt8 = 1 << 0
    static let flagHasQuorum: UInt8 = 1 << 1
    static let flagLeaving: UInt8 = 1 << 2
    static let flagReportsLoss: UInt8 = 1 << 3
    static let knownFlags: UInt8 = flagSeesRecipient | flagHasQuorum | flagLeaving | flagReportsLoss

    /// The packet's bytes, ready for the shell to authenticate and send.
    ///
    /// - Precondition: `sender` and `cluster` are 1…255 UTF-8 bytes (the instance
    ///   checks its names at `init`, so its heartbeats always encode).
    public func encode() -> [UInt8] {
        let senderBytes = Array(sender.utf8)
        let clusterBytes = Array(cluster.utf8)
        precondition((1...Heartbeat.maximumNameLength).contains(senderBytes.count), "heartbeat sender name '\(sender)' must be 1...255 bytes")
        precondition((1...Heartbeat.maximumNameLength).contains(clusterBytes.count), "heartbeat cluster name '\(cluster)' must be 1...255 bytes")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Heartbeat.minimumEncodedSize - 2 + senderBytes.count + clusterBytes.count)
        bytes += Heartbeat.magic
        bytes.append(Heartbeat.wireVersion)
        var flags: UInt8 = 0
        if seesRecipientAsMember { flags |= Heartbeat.flagSeesRecipient }
        if hasQuorum { flags |= Heartbeat.flagHasQuorum }
        if isLeaving { flags |= Heartbeat.flagLeaving }
        if reportsLoss { flags |= Heartbeat.flagReportsLoss }
        bytes.append(flags)
        bytes.append(link.rawValue)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: incarnation >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: sequence >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: echoedIncarnation >> UInt64(shift))) }
        bytes.append(UInt8(senderBytes.count))
        bytes += senderBytes
        bytes.append(UInt8(clusterBytes.count))
        bytes += clusterBytes
        return bytes
    }

    /// Parses one packet; any input, however malformed, either decodes or throws.
    ///
    /// - Parameter bytes: exactly one packet, already authenticated by the shell.
    /// - Returns: the heartbeat, whose `encode()` equals `bytes`.
    /// - Throws: `MembershipError` naming the first problem and its byte offset:
    ///   `.truncated`, `.badMagic`, `.unsupportedVersion`, `.unknownFlags`,
    ///   `.malformedName` or `.trailingBytes`.
    public static func decode(_ bytes: some Collection<UInt8>) throws(MembershipError) -> Heartbeat {
        var reader = WireReader(bytes: Array(bytes))
        let magic = try reader.take(2, field: "magic")
        guard magic == Heartbeat.magic else { throw .badMagic(found: magic) }
        let version = try reader.byte(field: "version")
        guard version == Heartbeat.wireVersion else { throw .unsupportedVersion(version) }
        let flags = try reader.byte(field: "flags")
        guard flags & ~Heartbeat.knownFlags == 0 else { throw .unknownFlags(flags & ~Heartbeat.knownFlags) }
        let link = LinkID(try reader.byte(field: "link"))
        let incarnation = try reader.uint64(field: "incarnation")
        let sequence = try reader.uint64(field: "sequence")
        let echoedIncarnation = try reader.uint64(field: "echoed incarnation")
        let sender = try reader.name(field: "sender")
        let cluster = try reader.name(field: "cluster")
        guard reader.remaining == 0 else { throw .trailingBytes(offset: reader.offset, count: reader.remaining) }
        return Heartbeat(
            sender: sender, cluster: cluster, incarnation: incarnation, sequence: sequence, link: link,
            echoedIncarnation: echoedIncarnation,
            seesRecipientAsMember: flags & Heartbeat.flagSeesRecipient != 0,
            hasQuorum: flags & Heartbeat.flagHasQuorum != 0,
            isLeaving: flags & Heartbeat.flagLeaving != 0,
            reportsLoss: flags & Heartbeat.flagReportsLoss != 0)
    }
}

/// Reads fields front to back, throwing `.truncated` with the field's name and offset.
private struct WireReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int, field: String) throws(MembershipError) -> [UInt8] {
        guard remaining >= count else {
            throw .truncated(field: field, offset: offset, needed: count, available: remaining)
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func byte(field: String) throws(MembershipError) -> UInt8 {
        try take(1, field: field)[0]
    }

    mutating func uint64(field: String) throws(MembershipError) -> UInt64 {
        try take(8, field: field).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func name(field: String) throws(MembershipError) -> String {
        let start = offset
        let length = Int(try byte(field: field + " length"))
        guard length > 0 else { throw .malformedName(field: field, offset: start, reason: "is empty") }
        let raw = try take(length, field: field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw .malformedName(field: field, offset: start + 1, reason: "is not valid UTF-8")
        }
        return text
    }
}
