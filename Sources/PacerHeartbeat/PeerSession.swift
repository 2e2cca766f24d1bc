// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerCrypto

/// The start of a peer-channel connection, as a value: bytes in, bytes out, no I/O.
///
/// Both sides send a hello, `"PCR2" · nonce (32 bytes) · name length (1) · name`, at once.
/// On the peer's hello each side checks the name is the configured peer's and the nonce is
/// not its own (a reflected hello), then sends a proof,
/// `HMAC(K, "pacer-peer-proof-v2" · sender · receiver · senderNonce · receiverNonce)`. The
/// proof binds both names in their direction and both fresh nonces, so a proof recorded on
/// another connection, or this node's own proof sent back to it, does not verify. Only when
/// the peer's proof verifies does the connection carry frames (``PeerSession``), encrypted
/// and authenticated with AES-256-GCM under one key per direction, derived the same way.
/// Until then at most ``maxBytes`` are accepted from the other end: an unauthenticated
/// connection can neither read anything of the cluster nor make this node buffer more.
public struct PeerHandshake: Sendable {
    public static let magic: [UInt8] = Array("PCR2".utf8)
    public static let nonceSize = 32
    public static let proofSize = 32
    /// The most a peer sends before it is authenticated: a hello with a 255-byte name and a proof.
    public static let maxBytes = magic.count + nonceSize + 1 + 255 + proofSize

    let key: AuthKey
    let localName: [UInt8]
    let peerName: [UInt8]
    let localNonce: [UInt8]
    /// The peer's nonce, once its hello has arrived.
    private var peerNonce: [UInt8]?

    /// What this side sends first.
    public let hello: [UInt8]

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notAPeer
        case unexpectedName(String)
        case reflected
        case badProof

        public var description: String {
            switch self {
            case .notAPeer: return "not a Pacer peer (or another protocol version): the hello does not start with PCR2"
            case .unexpectedName(let name): return "the connection says it is '\(name)', not the configured peer"
            case .reflected: return "the hello carries this node's own nonce (a reflected connection)"
            case .badProof: return "the peer's proof does not verify (a different authkey, or forged)"
            }
        }
    }

    public init(key: AuthKey, localName: String, peerName: String, localNonce: [UInt8] = PeerHandshake.makeNonce()) {
        precondition(localNonce.count == Self.nonceSize && localName.utf8.count <= 255)
        self.key = key
        self.localName = Array(localName.utf8)
        self.peerName = Array(peerName.utf8)
        self.localNonce = localNonce
        hello = Self.magic + localNonce + [UInt8(localName.utf8.count)] + Array(localName.utf8)
    }

    public static func makeNonce() -> [UInt8] { HMACSHA256.randomBytes(nonceSize) }

    public struct Progress: Sendable {
        /// Bytes to send now (our proof, once the peer's hello has arrived).
        public var send: [UInt8] = []
        /// The established session, once the peer's proof verified.
        public var session: PeerSession?
    }

    /// Takes what it can of the handshake off the front of `buffer`; anything after the
    /// peer's proof (its first frames) stays in `buffer` for the session.
    public mutating func advance(_ buffer: inout [UInt8]) throws(Failure) -> Progress {
        var progress = Progress()
        if peerNonce == nil {
            let fixed = Self.magic.count + Self.nonceSize + 1
            let magicSeen = min(buffer.count, Self.magic.count)
            guard buffer.prefix(magicSeen).elementsEqual(Self.magic.prefix(magicSeen)) else { throw .notAPeer }
            guard buffer.count >= fixed else { return progress }
            let nameLength = Int(buffer[fixed - 1])
            guard buffer.count >= fixed + nameLength else { return progress }
            let nonce = Array(buffer[Self.magic.count..<(Self.magic.count + Self.nonceSize)])
            let name = Array(buffer[fixed..<(fixed + nameLength)])
            guard name == peerName else { throw .unexpectedName(String(decoding: name, as: UTF8.self)) }
            guard nonce != localNonce else { throw .reflected }
            buffer.removeFirst(fixed + nameLength)
            peerNonce = nonce
            progress.send = Self.derive("pacer-peer-proof-v2", key: key, from: localName, to: peerName,
                                        fromNonce: localNonce, toNonce: nonce)
        }
        guard let peerNonce, buffer.count >= Self.proofSize else { return progress }
        let expected = Self.derive("pacer-peer-proof-v2", key: key, from: peerName, to: localName,
                                   fromNonce: peerNonce, toNonce: localNonce)
        guard HMACSHA256.constantTimeEqual(Array(buffer.prefix(Self.proofSize)), expected) else { throw .badProof }
        buffer.removeFirst(Self.proofSize)
        let sendKey = Self.derive("pacer-peer-key-v2", key: key, from: localName, to: peerName,
                                  fromNonce: localNonce, toNonce: peerNonce)
        let receiveKey = Self.derive("pacer-peer-key-v2", key: key, from: peerName, to: localName,
                                     fromNonce: peerNonce, toNonce: localNonce)
        progress.session = PeerSession(sendKey: sendKey, receiveKey: receiveKey)
        return progress
    }

    /// `HMAC(K, label · 0 · from · 0 · to · 0 · fromNonce · toNonce)`.
    static func derive(_ label: String, key: AuthKey, from: [UInt8], to: [UInt8], fromNonce: [UInt8], toNonce: [UInt8]) -> [UInt8] {
        HMACSHA256.tag(Array(label.utf8) + [0] + from + [0] + to + [0] + fromNonce + toNonce, key: key.key)
    }
}

/// Encrypted, authenticated framing for an established peer connection (CIB replication,
/// remote actions).
///
/// A frame is `length (UInt32, big endian) · ciphertext · tag (16 bytes)`: AES-256-GCM with
/// one key per direction (fresh for each connection, see ``PeerHandshake``), the frame's
/// sequence number as the nonce and the length and sequence number as authenticated data.
/// A frame replayed, reordered, dropped, cut or altered fails to open, and the connection
/// is dropped. Nothing is buffered beyond ``maxFrame`` bytes; a larger payload is refused
/// on both ends instead of trapping.
public struct PeerSession: Sendable {
    public static let maxFrame = 64 << 20
    static let headerSize = 4
    static let tagSize = AES256GCM.tagSize
    let sendKey: [UInt8]
    let receiveKey: [UInt8]
    public private(set) var sendSequence: UInt64 = 0
    public private(set) var receiveSequence: UInt64 = 0

    init(sendKey: [UInt8], receiveKey: [UInt8]) {
        self.sendKey = sendKey
        self.receiveKey = receiveKey
    }

    public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
        case tooLarge(bytes: Int)
        case badTag
        case cryptoFailed

        public var description: String {
            switch self {
            case .tooLarge(let bytes): return "peer frame of \(bytes) bytes exceeds the limit of \(PeerSession.maxFrame)"
            case .badTag: return "peer frame failed authentication (tampered, replayed, reordered or cut)"
            case .cryptoFailed: return "OpenSSL could not encrypt a peer frame"
            }
        }
    }

    /// The 12-byte GCM nonce and the authenticated data of frame `sequence` with `header`.
    private static func nonceAndAAD(_ sequence: UInt64, header: ArraySlice<UInt8>) -> (nonce: [UInt8], aad: [UInt8]) {
        var counter: [UInt8] = []
        for shift in stride(from: 56, through: 0, by: -8) { counter.append(UInt8(truncatingIfNeeded: sequence >> UInt64(shift))) }
        return ([0, 0, 0, 0] + counter, Array(header) + counter)
    }

    /// A frame carrying `payload`.
    /// - Throws: `.tooLarge` when the payload exceeds ``maxFrame`` (nothing is sent).
    public mutating func seal(_ payload: [UInt8]) throws(FrameError) -> [UInt8] {
        guard payload.count <= Self.maxFrame else { throw .tooLarge(bytes: payload.count) }
        let length = UInt32(payload.count)
        let header = (0..<4).map { UInt8(truncatingIfNeeded: length >> UInt32(24 - 8 * $0)) }
        let (nonce, aad) = Self.nonceAndAAD(sendSequence, header: header[...])
        guard let sealed = AES256GCM.seal(payload, key: sendKey, nonce: nonce, aad: aad) else { throw .cryptoFailed }
        sendSequence += 1
        return header + sealed
    }

    /// Takes one complete frame off the front of `buffer`, if there is one.
    /// - Returns: the payload, or nil when more bytes are needed.
    public mutating func open(from buffer: inout [UInt8]) throws(FrameError) -> [UInt8]? {
        guard buffer.count >= Self.headerSize else { return nil }
        let length = buffer[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard length <= Self.maxFrame else { throw .tooLarge(bytes: length) }
        let total = Self.headerSize + length + Self.tagSize
        guard buffer.count >= total else { return nil }
        let (nonce, aad) = Self.nonceAndAAD(receiveSequence, header: buffer[0..<4])
        guard let payload = AES256GCM.open(buffer[Self.headerSize..<total], key: receiveKey, nonce: nonce, aad: aad) else { throw .badTag }
        receiveSequence += 1
        buffer.removeFirst(total)
        return payload
    }
}
