// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
#if canImport(Glibc)
public import Glibc
#endif

/// A non-blocking UDP socket bound to one local address (IPv4 or IPv6).
public final class UDPSocket: @unchecked Sendable {
    public let fd: Int32
    public let localAddress: String
    public let port: UInt16
    let family: Int32

    public struct SocketError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Binds `address:port`.
    public init(bind address: String, port: UInt16) throws(SocketError) {
        var storage = sockaddr_storage()
        guard let length = Self.fill(&storage, address: address, port: port) else {
            throw SocketError(description: "'\(address)' is not an IPv4 or IPv6 address")
        }
        let family = Int32(storage.ss_family)
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(description: "cannot create a UDP socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        // Heartbeats are small and urgent: ask for the interactive traffic class.
        var tos: Int32 = 0x10
        if family == AF_INET { setsockopt(fd, Int32(IPPROTO_IP), IP_TOS, &tos, socklen_t(MemoryLayout<Int32>.size)) }
        let rc = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SocketError(description: "cannot bind UDP \(address) port \(port): \(reason)")
        }
        _ = pacer_enable_receive_timestamps(fd)
        self.fd = fd
        self.family = family
        localAddress = address
        self.port = port
    }

    deinit { close(fd) }

    /// Sends one datagram; errors (peer unreachable, no route) are returned, not thrown.
    @discardableResult
    public func send(_ bytes: [UInt8], to address: String, port: UInt16) -> Int32 {
        var storage = sockaddr_storage()
        guard let length = Self.fill(&storage, address: address, port: port) else { return EINVAL }
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, length) }
            }
        }
        return sent < 0 ? errno : 0
    }

    /// Reads every pending datagram, with the sender's address.
    /// The body gets each datagram, its sender and its arrival time (CLOCK_REALTIME
    /// nanoseconds, 0 when unknown).
    public func receiveAll(_ body: ([UInt8], String, Int64) -> Void) {
        // Heartbeats are a few hundred bytes; a larger datagram is cut short and then fails
        // authentication. The buffer is not zeroed: only the bytes received are read.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer in
            while true {
                var from = sockaddr_storage()
                var fromLength = UInt32(MemoryLayout<sockaddr_storage>.size)
                var arrival: Int64 = 0
                let n = withUnsafeMutablePointer(to: &from) {
                    pacer_recv_timestamped(fd, buffer.baseAddress, UInt(buffer.count), $0, &fromLength, &arrival)
                }
                if n < 0 { return }
                body(Array(buffer[0..<n]), Self.describe(&from), Int64(arrival))
            }
        }
    }

    /// Fills `storage` with `address:port` (IPv4 or IPv6); nil when `address` is neither.
    public static func fill(_ storage: inout sockaddr_storage, address: String, port: UInt16) -> socklen_t? {
        /// Stores `address` in `storage` and returns its length.
        func store<Address>(_ address: Address) -> socklen_t {
            withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: Address.self, capacity: 1) { $0.pointee = address } }
            return socklen_t(MemoryLayout<Address>.size)
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return store(sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: port.bigEndian, sin_addr: v4, sin_zero: (0, 0, 0, 0, 0, 0, 0, 0)))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return store(sockaddr_in6(sin6_family: sa_family_t(AF_INET6), sin6_port: port.bigEndian, sin6_flowinfo: 0, sin6_addr: v6, sin6_scope_id: 0))
        }
        return nil
    }

    /// The numeric address in `storage` (IPv4 or IPv6), without the port.
    public static func describe(_ storage: inout sockaddr_storage) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if Int32(storage.ss_family) == AF_INET {
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                    return String(cString: text)
                }
            }
        }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                var addr = sin6.pointee.sin6_addr
                inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                return String(cString: text)
            }
        }
    }
}

/// Which interface holds a local address, and whether its carrier is up.
public enum NetworkInterface {
    /// The interface name that has `address` configured, or nil.
    public static func name(holding address: String) -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            if let sa = entry.pointee.ifa_addr {
                var storage = sockaddr_storage()
                let size = Int32(sa.pointee.sa_family) == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
                if [AF_INET, AF_INET6].contains(Int32(sa.pointee.sa_family)) {
                    withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: size)) }
                    if UDPSocket.describe(&storage) == address { return String(cString: entry.pointee.ifa_name) }
                }
            }
            cursor = entry.pointee.ifa_next
        }
        return nil
    }

    /// `/sys/class/net/NAME/carrier`: true when the link has carrier; nil when unknown
    /// (loopback and some virtual devices report nothing useful).
    public static func hasCarrier(_ name: String) -> Bool? {
        let fd = open("/sys/class/net/\(name)/carrier", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return carrier(fd: fd)
    }

    /// Reads the carrier from an open `/sys/class/net/NAME/carrier` (sysfs allows re-reading
    /// at offset 0, so a poller keeps the file open). An interface that is down reads EINVAL:
    /// no carrier.
    public static func carrier(fd: Int32) -> Bool? {
        var byte: UInt8 = 0
        let n = pread(fd, &byte, 1, 0)
        if n < 0 { return errno == EINVAL ? false : nil }
        return n == 1 ? byte == UInt8(ascii: "1") : nil
    }

    /// Whether the link is a direct cable: a veth or physical NIC (not a bridge, bond or loopback).
    public static func looksLikeDirectCable(_ name: String) -> Bool {
        if name == "lo" { return false }
        return access("/sys/class/net/\(name)/bridge", F_OK) != 0 && access("/sys/class/net/\(name)/bonding", F_OK) != 0
    }
}
