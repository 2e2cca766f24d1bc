// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing

/// A hostile host on the interlink against two real daemons on loopback (issue #10,
/// findings 1 and 2): idle connections, wrong keys, garbage, oversized and reflected
/// handshakes, and a reset of the established connection. Whatever it does, the pair
/// must stay whole: one DC, the group on one node, no peer declared lost, no CIB bytes
/// to the attacker or in clear on the wire, the daemons' memory bounded.
@Suite("hostile peer on the interlink", .serialized)
struct HostilePeerTests {
    static let group: Set<String> = ["ckVIP", "vIP_10", "haproxyd"]

    /// A settled pair running the group; returns the owner.
    func settledPair() throws -> (TwoNodeCluster, String) {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try cluster.configurePair(through: "alpha")
        let settled = cluster.wait {
            (cluster.running(on: "alpha") == Self.group) != (cluster.running(on: "bravo") == Self.group)
        }
        try #require(settled, "the group never started\n\(cluster.dumpLogs())")
        let owner = cluster.running(on: "alpha") == Self.group ? "alpha" : "bravo"
        return (cluster, owner)
    }

    /// Watches for `seconds` that the group never runs on both nodes and stays on `owner`.
    func expectWhole(_ cluster: TwoNodeCluster, owner: String, for seconds: Double, _ context: String) {
        let other = owner == "alpha" ? "bravo" : "alpha"
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let theirs = cluster.running(on: other)
            if !theirs.isEmpty {
                Issue.record("\(context): \(theirs.sorted()) started on \(other) too\n\(cluster.dumpLogs())")
                return
            }
            usleep(50_000)
        }
        #expect(cluster.running(on: owner) == Self.group, "\(context): the group left \(owner)\n\(cluster.dumpLogs())")
    }

    /// Log lines that mean the pair came apart (or the channel did) since `marks`.
    func splitLines(_ cluster: TwoNodeCluster, since marks: [String: Int]) -> [String] {
        var found: [String] = []
        for node in ["alpha", "bravo"] {
            let log = (try? String(contentsOfFile: cluster.logPath(node), encoding: .utf8)) ?? ""
            let lines = log.split(separator: "\n").dropFirst(marks[node] ?? 0)
            found += lines.filter {
                $0.contains("Peer state changed") || $0.contains("Peer disconnected") || $0.contains("Became DC")
                    || $0.contains("member=false")
            }.map { "\(node): \($0)" }
        }
        return found
    }

    func logMarks(_ cluster: TwoNodeCluster) -> [String: Int] {
        var marks: [String: Int] = [:]
        for node in ["alpha", "bravo"] {
            marks[node] = ((try? String(contentsOfFile: cluster.logPath(node), encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        return marks
    }

    @Test("idle connections, from anywhere and from the peer's own address, neither split the pair nor read anything")
    func idleConnections() throws {
        let (cluster, owner) = try settledPair()
        let marks = logMarks(cluster)
        var attackers: [RawConnection] = []
        for (target, peerAddress) in [("127.0.0.1", "127.0.0.2"), ("127.0.0.2", "127.0.0.1")] {
            for source in [peerAddress, "127.0.0.3", peerAddress, "127.0.0.3"] {
                if let connection = RawConnection(from: source, to: target, port: cluster.port + 1) { attackers.append(connection) }
            }
        }
        try #require(attackers.count == 8, "could not open the attackers' connections")
        // Beyond the handshake timeout (3 s): the old code replaced the real link at once.
        expectWhole(cluster, owner: owner, for: 5, "idle connections")
        #expect(splitLines(cluster, since: marks).isEmpty, "the pair came apart: \(splitLines(cluster, since: marks))")
        for attacker in attackers {
            let received = attacker.drain()
            #expect(received.count <= 4 + 32 + 1 + 5, "an unauthenticated connection received \(received.count) bytes")
            #expect(!String(decoding: received, as: UTF8.self).contains("<cib"), "the CIB went to an unauthenticated connection")
            #expect(attacker.isClosed, "a connection from \(attacker.source) was neither authenticated nor closed")
        }
    }

    @Test("wrong keys, garbage, oversized and reflected handshakes are refused; logs rate-limited; memory bounded")
    func hostileHandshakes() throws {
        let (cluster, owner) = try settledPair()
        let marks = logMarks(cluster)
        let pids = ["alpha": cluster.processes["alpha"]!.processIdentifier, "bravo": cluster.processes["bravo"]!.processIdentifier]
        let rssBefore = pids.mapValues(residentKiB)
        var leaked: [String] = []
        let started = Date()
        let junk = randomBytes(8 << 20)
        for round in 0..<10 {
            for (target, peerAddress, peerName) in [("127.0.0.1", "127.0.0.2", "bravo"), ("127.0.0.2", "127.0.0.1", "alpha")] {
                // A hello with the right name, then a proof made with another key.
                if let c = RawConnection(from: peerAddress, to: target, port: cluster.port + 1) {
                    c.send(Array("PCR2".utf8) + randomBytes(32) + [UInt8(peerName.utf8.count)] + Array(peerName.utf8) + randomBytes(32))
                    leaked.append(String(decoding: c.drain(waitingUpTo: 0.2), as: UTF8.self))
                }
                // The daemon's own hello reflected back to it.
                if let c = RawConnection(from: peerAddress, to: target, port: cluster.port + 1) {
                    let hello = c.drain(waitingUpTo: 0.2)
                    c.send(hello)
                    leaked.append(String(decoding: c.drain(waitingUpTo: 0.2), as: UTF8.self))
                }
                // Garbage, and a frame header claiming 4 GiB, 8 MiB of it.
                if let c = RawConnection(from: peerAddress, to: target, port: cluster.port + 1) {
                    c.send(round % 2 == 0 ? [0xff, 0xff, 0xff, 0xff] + junk : junk)
                    leaked.append(String(decoding: c.drain(waitingUpTo: 0.2), as: UTF8.self))
                }
            }
        }
        expectWhole(cluster, owner: owner, for: 1, "hostile handshakes")
        #expect(splitLines(cluster, since: marks).isEmpty, "the pair came apart: \(splitLines(cluster, since: marks))")
        #expect(!leaked.contains { $0.contains("<cib") || $0.contains("configuration") }, "cluster data reached an attacker")
        for (node, pid) in pids {
            let growth = residentKiB(pid) - (rssBefore[node] ?? 0)
            #expect(growth < 16_384, "\(node)'s pacerd grew by \(growth) KiB under the attack")
            let log = (try? String(contentsOfFile: cluster.logPath(node), encoding: .utf8)) ?? ""
            let refusals = log.split(separator: "\n").dropFirst(marks[node] ?? 0).filter { $0.contains("refusing a peer-channel connection") }
            // 30 bad connections per node: one line per kind (at most 2 here) per 10 s.
            let allowed = 2 * (Int(Date().timeIntervalSince(started) / 10) + 1)
            #expect(refusals.count <= allowed, "\(node) logged \(refusals.count) refusals: not rate-limited")
        }
        // The real channel still works: a change made on one node shows on the other.
        let result = try cluster.pacer("alpha", ["configure", "property", "after-attack=yes"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cluster.pacer("bravo", ["configure", "show"]).stdout.contains("after-attack=yes"))
    }

    @Test("a reset of the established channel is a degraded link: redialed, the peer stays a member")
    func channelReset() throws {
        let (cluster, owner) = try settledPair()
        let marks = logMarks(cluster)
        // As an attacker injecting a RST would: the kernel closes the daemons' connection.
        let killed = try run([["/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "ss", "-K", "dst", "127.0.0.2", "dport", "=", ":\(cluster.port + 1)"])
        try #require(killed.status == 0, "ss -K failed: \(killed.stderr)")
        try #require(killed.stdout.contains("\(cluster.port + 1)"), "ss -K closed nothing (kernel without SOCK_DESTROY?)\n\(killed.stdout)")
        expectWhole(cluster, owner: owner, for: 3, "channel reset")
        #expect(splitLines(cluster, since: marks).isEmpty, "the reset split the pair: \(splitLines(cluster, since: marks))")
        let result = try cluster.pacer("bravo", ["configure", "property", "after-reset=yes"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cluster.pacer("alpha", ["configure", "show"]).stdout.contains("after-reset=yes"), "the channel did not come back")
    }

    @Test("the CIB never crosses the interlink in clear (capture of loopback)")
    func noCleartextOnTheWire() throws {
        let (cluster, _) = try settledPair()
        let marker = "pacer-secret-\(UInt32.random(in: 0..<UInt32.max))"
        let capture = try #require(LoopbackCapture(), "cannot open a packet socket on lo")
        // The capture sees what crosses loopback in clear (checked with a UDP datagram of our own).
        sendDatagram("probe-\(marker)", port: cluster.port + 7)
        let result = try cluster.pacer("alpha", ["configure", "primitive", "secret", "ocf:pacer:Dummy", "params", "fake=\(marker)",
                                                 "meta", "target-role=Stopped"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(cluster.cib("bravo").contains(marker), "the change never reached bravo")
        let bytes = capture.read(for: 0.5)
        let text = String(decoding: bytes, as: UTF8.self)
        try #require(text.contains("probe-\(marker)"), "the capture saw nothing (\(bytes.count) bytes)")
        #expect(!text.replacingOccurrences(of: "probe-\(marker)", with: "").contains(marker), "the CIB crossed the wire in clear")
        #expect(!text.contains("<cib"), "CIB XML crossed the wire in clear")
    }
}

// MARK: - The attacker's tools

func randomBytes(_ count: Int) -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: "/dev/urandom") else { return [UInt8](repeating: 0x5a, count: count) }
    defer { try? handle.close() }
    return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
}

/// Resident memory of a process, in KiB.
func residentKiB(_ pid: Int32) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

func sendDatagram(_ text: String, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    let bytes = Array(text.utf8)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// A TCP connection from a chosen loopback source address.
final class RawConnection {
    let fd: Int32
    let source: String
    private(set) var isClosed = false

    init?(from source: String, to target: String, port: UInt16) {
        self.source = source
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = port.bigEndian
        inet_pton(AF_INET, target, &remote.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } } == 0
            && withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } } == 0
        guard ok else { close(fd); return nil }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends what the daemon lets through (it may close the connection midway).
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Everything received so far (waiting up to `seconds` for the first bytes); notes a close.
    func drain(waitingUpTo seconds: Double = 0) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var wait = Int32(seconds * 1000)
        while poll(&pending, 1, wait) > 0 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { isClosed = true; break }
            received += buffer[0..<n]
            wait = 50
        }
        return received
    }
}

/// Every frame that crosses the machine's interfaces (loopback included), from an AF_PACKET socket (root).
final class LoopbackCapture {
    let fd: Int32

    init?() {
        // ETH_P_ALL; unbound, the socket sees every interface's frames, loopback's among them.
        let protocolAll = UInt16(0x0003).bigEndian
        fd = socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(protocolAll))
        guard fd >= 0 else { return nil }
        var size: Int32 = 64 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// All bytes of the frames captured so far, then for `seconds` more.
    func read(for seconds: Double) -> [UInt8] {
        var captured: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536 + 128)
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { captured += buffer[0..<n]; continue }
            if Date() >= deadline { break }
            usleep(10_000)
        }
        return captured
    }
}
