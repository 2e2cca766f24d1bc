import PacerConfig
import PacerHeartbeat
import CPacerSys
import PacerIPC
#if canImport(Glibc)
import Glibc
#endif

/// The authenticated TCP connection to the other daemon (CIB replication, remote actions).
///
/// Both nodes listen on `interlink:port`; the node with the lower name dials the other
/// and redials every `retry` while there is no connection. A connection starts with
/// both sides sending `nonce (32 bytes) · name length (1) · name`, then carries
/// `PeerSession` frames of `WireStrings` messages. Runs on the event loop thread.
final class PeerLink {
    let loop: EventLoop
    let key: AuthKey
    let localName: String
    let peerName: String
    let localAddress: String
    let peerAddress: String
    let port: UInt16
    let retry: Duration
    var listener: Int32 = -1
    var connection: Connection?
    var dialTimer: TimerID?
    var onMessage: ([String]) -> Void = { _ in }
    var onConnected: () -> Void = {}
    var onDisconnected: () -> Void = {}
    var onProblem: (String) -> Void = { _ in }

    final class Connection {
        let fd: Int32
        let localNonce = PeerSession.makeNonce()
        var session: PeerSession?
        var inbound: [UInt8] = []
        var outbound: [UInt8] = []
        var writeWatched = false
        init(fd: Int32) { self.fd = fd }
    }

    init(loop: EventLoop, key: AuthKey, localName: String, peerName: String, localAddress: String,
         peerAddress: String, port: UInt16, retry: Duration = .milliseconds(300)) {
        self.loop = loop
        self.key = key
        self.localName = localName
        self.peerName = peerName
        self.localAddress = localAddress
        self.peerAddress = peerAddress
        self.port = port
        self.retry = retry
    }

    var isConnected: Bool { connection?.session != nil }

    func start() throws {
        listener = try Self.listen(address: localAddress, port: port)
        try loop.watch(fd: listener) { [weak self] in self?.accept() }
        if localName < peerName { dial() }
    }

    func stop() {
        if let timer = dialTimer { loop.cancelTimer(timer) }
        drop(reason: nil)
        if listener >= 0 { loop.unwatch(fd: listener); close(listener); listener = -1 }
    }

    /// Sends a message; returns false when there is no connection.
    @discardableResult
    func send(_ message: [String]) -> Bool {
        guard let connection, connection.session != nil else { return false }
        connection.outbound += connection.session!.seal(WireStrings.encode(message))
        flush(connection)
        return true
    }

    // MARK: - Connecting

    func dial() {
        dialTimer = nil
        guard connection == nil else { return }
        var storage = sockaddr_storage()
        guard let length = PeerLink.fill(&storage, peerAddress, port) else { return }
        let fd = socket(Int32(storage.ss_family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { scheduleDial(); return }
        var local = sockaddr_storage()
        if let localLength = PeerLink.fill(&local, localAddress, 0) {
            _ = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, localLength) } }
        }
        let rc = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        guard rc == 0 || errno == EINPROGRESS else { close(fd); scheduleDial(); return }
        adopt(fd)
    }

    func scheduleDial() {
        guard localName < peerName, dialTimer == nil, connection == nil else { return }
        dialTimer = loop.addTimer(after: retry) { [weak self] in self?.dial() }
    }

    func accept() {
        while true {
            let fd = pacer_accept(listener)
            guard fd >= 0 else { return }
            if connection != nil {
                // A newer connection from the peer replaces a stale one (it restarted).
                drop(reason: "peer reconnected")
            }
            adopt(fd)
        }
    }

    func adopt(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connection = Connection(fd: fd)
        self.connection = connection
        connection.outbound = connection.localNonce + [UInt8(localName.utf8.count)] + Array(localName.utf8)
        do {
            try loop.watch(fd: fd) { [weak self] in self?.readable(connection) }
        } catch {
            close(fd)
            self.connection = nil
            scheduleDial()
            return
        }
        flush(connection)
    }

    // MARK: - Reading and writing

    func readable(_ connection: Connection) {
        guard self.connection === connection else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if n > 0 { connection.inbound += buffer[0..<n]; continue }
            if n == 0 { drop(reason: "peer closed the connection"); return }
            if errno == EAGAIN || errno == EINTR { break }
            drop(reason: "read failed: \(String(cString: strerror(errno)))")
            return
        }
        if connection.session == nil {
            guard connection.inbound.count >= PeerSession.nonceSize + 1 else { return }
            let nameLength = Int(connection.inbound[PeerSession.nonceSize])
            guard connection.inbound.count >= PeerSession.nonceSize + 1 + nameLength else { return }
            let peerNonce = Array(connection.inbound[0..<PeerSession.nonceSize])
            let name = String(decoding: connection.inbound[(PeerSession.nonceSize + 1)..<(PeerSession.nonceSize + 1 + nameLength)], as: UTF8.self)
            connection.inbound.removeFirst(PeerSession.nonceSize + 1 + nameLength)
            guard name == peerName else {
                onProblem("refusing a peer connection from '\(name)': expected '\(peerName)'")
                drop(reason: nil)
                return
            }
            connection.session = PeerSession(key: key, localNonce: connection.localNonce, peerNonce: peerNonce)
            onConnected()
        }
        while self.connection === connection, var session = connection.session {
            let payload: [UInt8]?
            do { payload = try session.open(from: &connection.inbound) } catch {
                onProblem("dropping the peer connection: \(error)")
                drop(reason: nil)
                return
            }
            connection.session = session
            guard let payload else { break }
            guard let message = try? WireStrings.decode(payload), !message.isEmpty else {
                onProblem("dropping the peer connection: a message does not decode")
                drop(reason: nil)
                return
            }
            onMessage(message)
        }
    }

    func flush(_ connection: Connection) {
        while !connection.outbound.isEmpty {
            let n = connection.outbound.withUnsafeBytes { Glibc.send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { connection.outbound.removeFirst(n); continue }
            if n < 0 && (errno == EAGAIN || errno == EINPROGRESS || errno == EINTR) { break }
            drop(reason: "write failed: \(String(cString: strerror(errno)))")
            return
        }
        // Wait for writability with a short timer (the loop's watch is read-only); small
        // backlogs drain on the next event anyway.
        if !connection.outbound.isEmpty, !connection.writeWatched {
            connection.writeWatched = true
            loop.addTimer(after: .milliseconds(5)) { [weak self, weak connection] in
                guard let self, let connection, self.connection === connection else { return }
                connection.writeWatched = false
                self.flush(connection)
            }
        }
    }

    func drop(reason: String?) {
        guard let connection else { return }
        self.connection = nil
        loop.unwatch(fd: connection.fd)
        close(connection.fd)
        // A dial that never connected is routine while the peer is down: say nothing.
        if let reason, connection.session != nil || connection.inbound.count > 0 { onProblem(reason) }
        if connection.session != nil { onDisconnected() }
        scheduleDial()
    }

    // MARK: - Sockets

    static func listen(address: String, port: UInt16) throws -> Int32 {
        var storage = sockaddr_storage()
        guard let length = fill(&storage, address, port) else { throw DaemonError("'\(address)' is not an address") }
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

    static func fill(_ storage: inout sockaddr_storage, _ address: String, _ port: UInt16) -> socklen_t? {
        UDPSocket.fill(&storage, address: address, port: port)
    }
}

/// A daemon start-up or runtime failure, with a message for the operator.
public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
