// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import PacerHeartbeat
import PacerCrypto
import CPacerSys
import PacerIPC
import PacerWire
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// The encrypted TCP connection to the other daemon (CIB replication, remote actions).
///
/// Both nodes listen on `interlink:port`; the node with the lower name dials the other and
/// redials while there is no connection (every `retry`, backing off to 5 s after a failed
/// handshake). Only the configured peer address may connect. A new connection is
/// *pending* until ``PeerHandshake`` has authenticated it (within `handshakeTimeout`, at most
/// ``PeerHandshake/maxBytes`` read from it); only then does it carry ``PeerSession`` frames of
/// ``PeerMessage``s, and only then may it replace the current connection (the peer
/// restarted). A connection that fails or stalls never disturbs the established one.
/// Runs on the event loop thread.
final class PeerLink {
    let loop: EventLoop
    let key: AuthKey
    let localName: String
    let peerName: String
    let localAddress: String
    let peerAddress: String
    /// `peerAddress` as the kernel prints it, to compare with a connection's source.
    let peerHost: String
    let port: UInt16
    let retry: Duration
    let handshakeTimeout: Duration
    /// At most this many connections may be handshaking at once; more are closed at accept.
    static let maxPending = 4
    static let maxRetry = Duration.seconds(5)
    var listener: Int32 = -1
    /// The authenticated connection, if any.
    var connection: Connection?
    /// Connections still handshaking (ours being dialed, or accepted from the peer address).
    var pending: [Connection] = []
    var dialTimer: TimerID?
    var currentRetry: Duration
    var onMessage: (PeerMessage) -> Void = { _ in }
    var onConnected: () -> Void = {}
    var onDisconnected: () -> Void = {}
    var onProblem: (String) -> Void = { _ in }
    /// Rejected connections are logged at most once per 10 s per kind, with a count.
    var rejections = LogLimiter(every: .seconds(10))

    final class Connection {
        let fd: Int32
        let remote: String
        let dialed: Bool
        var handshake: PeerHandshake
        var session: PeerSession?
        var inbound: [UInt8] = []
        var outbound: [UInt8] = []
        var writeWatched = false
        var deadline: TimerID?
        init(fd: Int32, remote: String, dialed: Bool, handshake: PeerHandshake) {
            self.fd = fd
            self.remote = remote
            self.dialed = dialed
            self.handshake = handshake
        }
    }

    init(loop: EventLoop, key: AuthKey, localName: String, peerName: String, localAddress: String,
         peerAddress: String, port: UInt16, retry: Duration = .milliseconds(300), handshakeTimeout: Duration = .seconds(3)) {
        self.loop = loop
        self.key = key
        self.localName = localName
        self.peerName = peerName
        self.localAddress = localAddress
        self.peerAddress = peerAddress
        var storage = sockaddr_storage()
        peerHost = UDPSocket.fill(&storage, address: peerAddress, port: 0) != nil ? UDPSocket.describe(&storage) : peerAddress
        self.port = port
        self.retry = retry
        self.handshakeTimeout = handshakeTimeout
        currentRetry = retry
    }

    var isConnected: Bool { connection != nil }
    var isDialer: Bool { localName < peerName }

    func start() throws {
        listener = try Self.listen(address: localAddress, port: port)
        try loop.watch(fd: listener) { [weak self] in self?.accept() }
        if isDialer { dial() }
    }

    func stop() {
        if let timer = dialTimer { loop.cancelTimer(timer) }
        for candidate in pending { discard(candidate) }
        drop(reason: nil)
        if listener >= 0 { loop.unwatch(fd: listener); close(listener); listener = -1 }
    }

    /// Sends a message; returns false when there is no authenticated connection, or the
    /// message is larger than a frame may be (then `onProblem` says so).
    @discardableResult
    func send(_ message: PeerMessage) -> Bool {
        guard let connection, var session = connection.session else { return false }
        do {
            connection.outbound += try session.seal(message.encoded)
        } catch {
            onProblem("not sending '\(message.kind)' to the peer: \(error)")
            return false
        }
        connection.session = session
        flush(connection)
        return true
    }
}
