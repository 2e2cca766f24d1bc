// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
import PacerHeartbeat
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Dialling the peer (the node with the lower name dials) and accepting its connections:
/// each starts pending, handshaking.
extension PeerLink {
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
}
