
/// Authenticated framing for the TCP channel between the two daemons (CIB replication,
/// remote actions).
///
/// Each connection starts with both sides sending a 32-byte random nonce in the clear.
/// Frames are then `length (UInt32, big endian) · sequence (UInt64) · payload · HMAC`,
/// the HMAC keyed with a session key derived from the cluster key and both nonces, so
/// a frame recorded from another connection, replayed, reordered or dropped fails the
/// check. Like `PacketSealer`, the tag is verified before the payload is looked at.
public struct PeerSession: Sendable {
    public static let nonceSize = 32
    public static let maxFrame = 64 << 20
    static let headerSize = 4 + 8
    let sendKey: [UInt8]
    let receiveKey: [UInt8]
    public private(set) var sendSequence: UInt64 = 0
    public private(set) var receiveSequence: UInt64 = 0

    /// A fresh random nonce for our side of a connection.
    public static func makeNonce() -> [UInt8] {
        HMACSHA256.randomBytes(nonceSize)
    }

    /// - Parameters:
    ///   - localNonce: the nonce we sent; `peerNonce`: the one we received.
    public init(key: AuthKey, localNonce: [UInt8], peerNonce: [UInt8]) {
        func derive(_ from: [UInt8], _ to: [UInt8]) -> [UInt8] {
            HMACSHA256.tag(Array("pacer-peer".utf8) + from + to, key: key.key)
        }
        sendKey = derive(localNonce, peerNonce)
        receiveKey = derive(peerNonce, localNonce)
    }

    /// A frame carrying `payload`.
    public mutating func seal(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= Self.maxFrame, "frame of \(payload.count) bytes exceeds \(Self.maxFrame)")
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + Self.headerSize + 32)
        let length = UInt32(payload.count)
        for shift in stride(from: 24, through: 0, by: -8) { frame.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8(truncatingIfNeeded: sendSequence >> UInt64(shift))) }
        frame += payload
        frame += HMACSHA256.tag(frame, key: sendKey)
        sendSequence += 1
        return frame
    }

    public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
        case tooLarge(bytes: Int)
        case badTag
        case outOfSequence(expected: UInt64, got: UInt64)

        public var description: String {
            switch self {
            case .tooLarge(let bytes): return "peer frame of \(bytes) bytes exceeds the limit"
            case .badTag: return "peer frame failed authentication (wrong key, or tampered)"
            case .outOfSequence(let expected, let got): return "peer frame \(got) out of sequence (expected \(expected)): replayed or dropped"
            }
        }
    }

    /// Takes one complete frame off the front of `buffer`, if there is one.
    /// - Returns: the payload, or nil when more bytes are needed.
    public mutating func open(from buffer: inout [UInt8]) throws(FrameError) -> [UInt8]? {
        guard buffer.count >= Self.headerSize else { return nil }
        let length = buffer[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= Self.maxFrame else { throw .tooLarge(bytes: length) }
        let total = Self.headerSize + length + 32
        guard buffer.count >= total else { return nil }
        let body = buffer[0..<(Self.headerSize + length)]
        guard HMACSHA256.verify(buffer[(Self.headerSize + length)..<total], for: body, key: receiveKey) else {
            throw .badTag
        }
        let sequence = buffer[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard sequence == receiveSequence else { throw .outOfSequence(expected: receiveSequence, got: sequence) }
        receiveSequence += 1
        let payload = Array(buffer[Self.headerSize..<(Self.headerSize + length)])
        buffer.removeFirst(total)
        return payload
    }
}

/// A list of strings as bytes: count, then each as length (UInt32) and UTF-8. The message
/// format of the peer channel and of IPC requests and replies.
public enum WireStrings {
    public static func encode(_ strings: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        func put(_ value: Int) { for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
        put(strings.count)
        for string in strings {
            let utf8 = Array(string.utf8)
            put(utf8.count)
            bytes += utf8
        }
        return bytes
    }

    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func decode<C: Collection<UInt8>>(_ bytes: C) throws(DecodeError) -> [String] where C.Index == Int {
        var index = bytes.startIndex
        func take() throws(DecodeError) -> Int {
            guard bytes.endIndex - index >= 4 else { throw DecodeError(description: "message truncated at byte \(index - bytes.startIndex)") }
            let value = bytes[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
            index += 4
            return value
        }
        let count = try take()
        guard count <= (bytes.endIndex - index) / 4 + 1 else { throw DecodeError(description: "message claims \(count) strings") }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count {
            let length = try take()
            guard length <= bytes.endIndex - index else { throw DecodeError(description: "string of \(length) bytes overruns the message") }
            guard let string = String(validating: bytes[index..<(index + length)], as: UTF8.self) else {
                throw DecodeError(description: "string at byte \(index - bytes.startIndex) is not UTF-8")
            }
            strings.append(string)
            index += length
        }
        guard index == bytes.endIndex else { throw DecodeError(description: "\(bytes.endIndex - index) bytes after the message") }
        return strings
    }
}
