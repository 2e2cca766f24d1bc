// SPDX-License-Identifier: GPL-2.0-or-later
import PacerHeartbeat
#if canImport(Glibc)
import Glibc
#endif

/// The listening socket.
extension PeerLink {
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
