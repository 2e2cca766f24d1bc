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

    // MARK: - Connecting

    func dial() {
        dialTimer = nil
        guard connection == nil, !pending.contains(where: \.dialed) else { return }
        var storage = sockaddr_storage()
        guard let length = UDPSocket.fill(&storage, address: peerAddress, port: port) else { return }
        let fd = socket(Int32(storage.ss_family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { scheduleDial(); return }
        var local = sockaddr_storage()
        if let localLength = UDPSocket.fill(&local, address: localAddress, port: 0) {
            _ = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, localLength) } }
        }
        let rc = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        guard rc == 0 || errno == EINPROGRESS else { close(fd); scheduleDial(); return }
        begin(fd, remote: peerHost, dialed: true)
    }

    func scheduleDial() {
        guard isDialer, dialTimer == nil, connection == nil, !pending.contains(where: \.dialed) else { return }
        dialTimer = loop.addTimer(after: currentRetry) { [weak self] in self?.dial() }
    }

    func accept() {
        while true {
            var storage = sockaddr_storage()
            var length = UInt32(MemoryLayout<sockaddr_storage>.size)
            let fd = pacer_accept_from(listener, &storage, &length)
            guard fd >= 0 else { return }
            let remote = UDPSocket.describe(&storage)
            guard remote == peerHost else {
                close(fd)
                reject("connection from \(remote)", "refusing peer-channel connections from addresses other than \(peerHost)")
                continue
            }
            guard pending.count < Self.maxPending else {
                close(fd)
                reject("too many handshakes", "refusing a peer-channel connection: \(Self.maxPending) handshakes already pending")
                continue
            }
            begin(fd, remote: remote, dialed: false)
        }
    }

    /// Starts the handshake on a new connection (it stays pending until authenticated).
    func begin(_ fd: Int32, remote: String, dialed: Bool) {
        Self.tune(fd)
        let candidate = Connection(fd: fd, remote: remote, dialed: dialed,
                                   handshake: PeerHandshake(key: key, localName: localName, peerName: peerName))
        candidate.outbound = candidate.handshake.hello
        pending.append(candidate)
        do {
            try loop.watch(fd: fd) { [weak self] in self?.readable(candidate) }
        } catch {
            discard(candidate)
            scheduleDial()
            return
        }
        candidate.deadline = loop.addTimer(after: handshakeTimeout) { [weak self, weak candidate] in
            guard let self, let candidate, self.pending.contains(where: { $0 === candidate }) else { return }
            self.handshakeFailed(candidate, "no authenticated handshake within \(self.handshakeTimeout)")
        }
        flush(candidate)
    }

    /// Keepalives find a half-open connection (a peer that vanished without a reset).
    static func tune(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        var idle: Int32 = 2, interval: Int32 = 1, count: Int32 = 3, userTimeout: Int32 = 5000
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, &userTimeout, socklen_t(MemoryLayout<Int32>.size))
    }

    // MARK: - Reading and writing

    func readable(_ candidate: Connection) {
        let isPending = pending.contains { $0 === candidate }
        guard isPending || connection === candidate else { return }
        // Before authentication nothing more than a handshake is read.
        var buffer = [UInt8](repeating: 0, count: isPending ? PeerHandshake.maxBytes + 1 : 65536)
        while true {
            if isPending && candidate.inbound.count > PeerHandshake.maxBytes { break }
            let n = buffer.withUnsafeMutableBytes { read(candidate.fd, $0.baseAddress, $0.count) }
            if n > 0 { candidate.inbound += buffer[0..<n]; continue }
            if n == 0 { closed(candidate, reason: "peer closed the connection"); return }
            if errno == EAGAIN || errno == EINTR { break }
            closed(candidate, reason: "read failed: \(String(cString: strerror(errno)))")
            return
        }
        if isPending {
            let progress: PeerHandshake.Progress
            do { progress = try candidate.handshake.advance(&candidate.inbound) } catch {
                handshakeFailed(candidate, error.description)
                return
            }
            if !progress.send.isEmpty {
                candidate.outbound += progress.send
                flush(candidate)
            }
            guard let session = progress.session else {
                if candidate.inbound.count > PeerHandshake.maxBytes { handshakeFailed(candidate, "handshake too long") }
                return
            }
            candidate.session = session
            promote(candidate)
        }
        receiveFrames(candidate)
    }

    /// An authenticated connection becomes the connection, replacing the old one.
    func promote(_ candidate: Connection) {
        pending.removeAll { $0 === candidate }
        if let deadline = candidate.deadline { loop.cancelTimer(deadline) }
        if connection != nil { drop(reason: "replaced by a newer authenticated connection") }
        if let timer = dialTimer { loop.cancelTimer(timer); dialTimer = nil }
        connection = candidate
        currentRetry = retry
        onConnected()
    }

    func receiveFrames(_ candidate: Connection) {
        while connection === candidate, var session = candidate.session {
            let payload: [UInt8]?
            do { payload = try session.open(from: &candidate.inbound) } catch {
                drop(reason: "dropping the peer connection: \(error)")
                return
            }
            candidate.session = session
            guard let payload else { break }
            let message: PeerMessage
            do { message = try PeerMessage(decoding: payload) } catch {
                if case .version = error {
                    // The peer runs another release: it redials, so say so once in a while, not at each attempt.
                    drop(reason: nil)
                    reject("wire version", "dropping the peer connection: \(error)")
                } else {
                    drop(reason: "dropping the peer connection: \(error)")
                }
                return
            }
            onMessage(message)
        }
    }

    func flush(_ target: Connection) {
        while !target.outbound.isEmpty {
            let n = target.outbound.withUnsafeBytes { Glibc.send(target.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { target.outbound.removeFirst(n); continue }
            if n < 0 && (errno == EAGAIN || errno == EINPROGRESS || errno == EINTR) { break }
            closed(target, reason: "write failed: \(String(cString: strerror(errno)))")
            return
        }
        // Wait for writability with a short timer (the loop's watch is read-only); small
        // backlogs drain on the next event anyway.
        if !target.outbound.isEmpty, !target.writeWatched {
            target.writeWatched = true
            loop.addTimer(after: .milliseconds(5)) { [weak self, weak target] in
                guard let self, let target, self.connection === target || self.pending.contains(where: { $0 === target }) else { return }
                target.writeWatched = false
                self.flush(target)
            }
        }
    }

    // MARK: - Closing

    /// The other end closed or failed `candidate`, pending or established.
    func closed(_ candidate: Connection, reason: String) {
        if connection === candidate {
            drop(reason: reason)
        } else if candidate.dialed && candidate.inbound.isEmpty {
            // A dial that never got an answer is routine while the peer is down: say nothing.
            discard(candidate)
            scheduleDial()
        } else {
            handshakeFailed(candidate, reason)
        }
    }

    func handshakeFailed(_ candidate: Connection, _ reason: String) {
        discard(candidate)
        reject("handshake from \(candidate.remote)", "refusing a peer-channel connection \(candidate.dialed ? "to" : "from") \(candidate.remote): \(reason)")
        if candidate.dialed {
            currentRetry = min(currentRetry * 2, Self.maxRetry)
            scheduleDial()
        }
    }

    func reject(_ kind: String, _ message: String) {
        if let line = rejections.admit(kind, message, now: ContinuousClock.now) { onProblem(line) }
    }

    /// Closes a pending connection.
    func discard(_ candidate: Connection) {
        pending.removeAll { $0 === candidate }
        if let deadline = candidate.deadline { loop.cancelTimer(deadline) }
        loop.unwatch(fd: candidate.fd)
        close(candidate.fd)
    }

    /// Closes the authenticated connection.
    func drop(reason: String?) {
        guard let connection else { return }
        self.connection = nil
        loop.unwatch(fd: connection.fd)
        close(connection.fd)
        if let reason { onProblem(reason) }
        onDisconnected()
        scheduleDial()
    }

    // MARK: - Sockets

    static func listen(address: String, port: UInt16) throws -> Int32 {
        var storage = sockaddr_storage()
        guard let length = UDPSocket.fill(&storage, address: address, port: port) else { throw DaemonError("'\(address)' is not an address") }
        let fd = socket(Int32(storage.ss_family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonError("cannot create a TCP socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DaemonError("cannot listen on TCP \(address) port \(port): \(reason)")
        }
        return fd
    }
}

/// A daemon start-up or runtime failure, with a message for the operator.
public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
