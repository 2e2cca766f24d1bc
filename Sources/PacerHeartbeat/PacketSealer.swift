// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerCrypto

/// Authenticates every datagram with HMAC-SHA256 under the cluster key.
///
/// Wire format: `"PCR1"` · payload length (UInt16, big endian) · payload · HMAC-SHA256 of
/// everything before it (32 bytes). `open` checks the tag (in constant time) before any
/// byte of the payload is looked at, so unauthenticated input is never parsed.
public struct PacketSealer: Sendable {
    public static let magic: [UInt8] = Array("PCR1".utf8)
    public static let tagSize = 32
    public static let overhead = magic.count + 2 + tagSize
    let key: HMACSHA256.PreparedKey

    public init(key: AuthKey) { self.key = HMACSHA256.PreparedKey(key.key) }

    public func seal(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= Int(UInt16.max), "payload of \(payload.count) bytes is too large for one packet")
        var packet = Self.magic
        packet.reserveCapacity(payload.count + Self.overhead)
        packet.append(UInt8(payload.count >> 8))
        packet.append(UInt8(payload.count & 0xff))
        packet += payload
        packet += HMACSHA256.tag(packet[...], key: key)
        return packet
    }

    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case truncated(bytes: Int)
        case badMagic
        case lengthMismatch
        case badTag

        public var description: String {
            switch self {
            case .truncated(let bytes): return "truncated packet (\(bytes) bytes)"
            case .badMagic: return "not a Pacer packet"
            case .lengthMismatch: return "length field does not match the packet"
            case .badTag: return "authentication failed (wrong key or forged packet)"
            }
        }
    }

    /// The payload of an authentic packet.
    public func open(_ packet: [UInt8]) throws(Rejection) -> ArraySlice<UInt8> {
        guard packet.count >= Self.overhead else { throw .truncated(bytes: packet.count) }
        guard packet.prefix(4).elementsEqual(Self.magic) else { throw .badMagic }
        let length = Int(packet[4]) << 8 | Int(packet[5])
        guard length == packet.count - Self.overhead else { throw .lengthMismatch }
        let body = packet[0..<(6 + length)]
        let tag = packet[(6 + length)...]
        guard HMACSHA256.verify(tag, for: body, key: key) else { throw .badTag }
        return packet[6..<(6 + length)]
    }
}
