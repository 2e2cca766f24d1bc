// SPDX-License-Identifier: GPL-2.0-or-later
/// The one wire encoding of Pacer's messages (``PeerMessage`` between the daemons,
/// ``DaemonRequest`` and ``DaemonReply`` between `pacer` and `pacerd`).
///
/// A frame is `version (1 byte) · WireStrings body`, at most ``maxBytes`` long. The first
/// string of the body names the message, the rest are its fields in the order its
/// ``WireCodable`` coding writes them. A frame of another version is refused whole
/// (``WireError/version(found:)``), so two releases never misread each other's fields;
/// releases before the version byte read as version 0.
public enum WireFrame {
    /// The version this release writes and the only one it reads.
    public static let version: UInt8 = 1
    /// The largest frame written or read: a CIB of tens of megabytes still fits, and no
    /// reader buffers more (the peer channel's own frame limit is the same).
    public static let maxBytes = 64 << 20

    /// The frame of `fields` (the message's kind first).
    public static func encode(_ fields: [String]) -> [UInt8] {
        [version] + WireStrings.encode(fields)
    }

    /// The fields of a frame.
    /// - Throws: ``WireError`` for a frame too large, empty, of another version or malformed.
    public static func decode<C: Collection<UInt8>>(_ bytes: C) throws(WireError) -> [String] where C.Index == Int {
        guard bytes.count <= maxBytes else { throw .tooLarge(bytes: bytes.count) }
        guard let first = bytes.first else { throw .empty }
        guard first == version else { throw .version(found: first) }
        do { return try WireStrings.decode(bytes.dropFirst()) } catch { throw .malformed(error.description) }
    }
}

/// A message with a kind word and fields, framed by ``WireFrame``.
public protocol WireMessage: Sendable {
    /// The kind word, then the fields, as ``WireFrame/encode(_:)`` takes them.
    var fields: [String] { get }
    /// Decodes the kind word and fields.
    init(fields: [String]) throws(WireError)
}

extension WireMessage {
    /// This message as one frame.
    public var encoded: [UInt8] { WireFrame.encode(fields) }

    /// The message a frame carries.
    public init<C: Collection<UInt8>>(decoding bytes: C) throws(WireError) where C.Index == Int {
        try self.init(fields: WireFrame.decode(bytes))
    }
}
