// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
@_spi(Testing) import PacerIPC
import PacerTestKit
import Testing
import PacerEventLoop

@Suite("IPC credentials and misbehaving clients")
struct IPCRobustnessTests {
    @Test("a client outside the writer group is refused at connect (reads too); root is served", .enabled(if: asNobody() != nil))
    func outsiderRefused() throws {
        let probe = try probePath()
        let server = try ServerFixture("nobody", writerGroup: "pacer-no-such-group", handler: identityEcho)
        defer { server.close() }
        let nobody = try Tool.run(asNobody()! + [probe, server.name, "request", "status"])
        #expect(nobody.status == 1, "uid 65534 was served: \(nobody.trimmedStdout)")
        #expect(nobody.stderr.contains("permission denied"), "\(nobody.stderr)")
        let root = try Tool.run([probe, server.name, "request", "configure"])
        #expect(root.status == 0, "probe as root failed: \(root.stderr)")
        #expect(root.trimmedStdout.hasSuffix(" uid=0 gid=0 mayWrite=true|configure"))
    }

    @Test("a name squatted by another user is refused before anything is sent to it", .enabled(if: asNobody() != nil))
    func squatterRefused() throws {
        let probe = try probePath()
        let name = uniqueIPCName("squat")
        let squatter = Process()
        squatter.executableURL = URL(fileURLWithPath: asNobody()![0])
        squatter.arguments = Array(asNobody()!.dropFirst()) + [probe, name, "serve", "-"]
        try squatter.run()
        defer {
            kill(squatter.processIdentifier, SIGKILL)
            squatter.waitUntilExit()
            // Its rings for the refused connections stay behind a SIGKILL, and so can their
            // directory once empty (libqb names it qb-SERVERPID-CLIENTPID-…): remove them.
            let serverPrefix = "qb-\(squatter.processIdentifier)-"
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? [] where entry.hasPrefix("qb-") {
                let directory = "/dev/shm/\(entry)"
                if entry.hasPrefix(serverPrefix)
                    || ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).contains(where: { $0.contains(name) }) {
                    try? FileManager.default.removeItem(atPath: directory)
                }
            }
        }
        // Up once connecting no longer says "not running".
        var up = false
        for _ in 0..<100 where !up {
            do { _ = try IPCClient.connect(name: name); up = true } catch .daemonNotRunning { usleep(50_000) } catch { up = true }
        }
        try #require(up, "the squatter never served")
        #expect(throws: IPCError.untrustedServer(name: name, pid: squatter.processIdentifier, uid: 65534)) {
            _ = try IPCClient.connect(name: name)
        }
        let root = try Tool.run([probe, name, "request", "password=hunter2"])
        #expect(root.status == 1 && !root.trimmedStdout.contains("hunter2"), "root's request reached the squatter: \(root.trimmedStdout)")
        #expect(root.stderr.contains("not by the daemon"), "\(root.stderr)")
    }

    @Test("one user's connections are limited, and root keeps room to connect", .enabled(if: asNobody() != nil))
    func connectionLimits() throws {
        let probe = try probePath()
        let server = try ServerFixture("flood", writerGroup: "nogroup", handler: identityEcho)
        defer { server.close() }
        let flood = Process()
        flood.executableURL = URL(fileURLWithPath: asNobody()![0])
        flood.arguments = Array(asNobody()!.dropFirst()) + [probe, server.name, "hold", "100"]
        let out = Pipe()
        flood.standardOutput = out
        try flood.run()
        defer { kill(flood.processIdentifier, SIGKILL); flood.waitUntilExit() }
        let line = String(decoding: out.fileHandleForReading.availableDataUntilNewline(), as: UTF8.self)
        #expect(line.hasPrefix("held 8;"), "the flood held: \(line)")
        #expect(line.contains("too many connections"), "\(line)")
        // Root is still served, several times over, while the flood holds its connections.
        for index in 0..<10 {
            let client = try IPCClient.connect(name: server.name)
            #expect(try client.request(Array("root-\(index)".utf8), timeout: .seconds(5)).count > 0)
        }
    }

    @Test("a client whose gid is the writer group's may write", .enabled(if: asNobody() != nil))
    func writerGroupMayWrite() throws {
        let probe = try probePath()
        let server = try ServerFixture("group", writerGroup: "nogroup", handler: identityEcho)
        defer { server.close() }
        let nobody = try Tool.run(asNobody()! + [probe, server.name, "request", "edit"])
        #expect(nobody.status == 0, "probe as nobody failed: \(nobody.stderr)")
        #expect(nobody.trimmedStdout.hasSuffix(" uid=65534 gid=65534 mayWrite=true|edit"))
    }

    @Test("a listed member of the writer group may write", .enabled(if: listedGroupMember() != nil))
    func listedMemberMayWrite() throws {
        let probe = try probePath()
        let (group, uid) = listedGroupMember()!
        let server = try ServerFixture("member", writerGroup: group, handler: identityEcho)
        defer { server.close() }
        let member = try Tool.run(["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=65534", "--clear-groups", "--",
                              probe, server.name, "request", "edit"])
        #expect(member.status == 0, "probe as uid \(uid) failed: \(member.stderr)")
        #expect(member.trimmedStdout.hasSuffix(" uid=\(uid) gid=65534 mayWrite=true|edit"))
    }

    @Test("clients that time out, close or exit before the reply do not disturb the server")
    func clientGoneBeforeReply() throws {
        let probe = try probePath()
        let late = Collected<Bool>()
        let server = try ServerFixture("vanish") { (request: IPCRequest, loop: EventLoop) in
            guard request.payload == Array("slow".utf8) else { return request.reply(Array("fast".utf8)) }
            loop.addTimer(after: .milliseconds(200)) {
                late.append(request.isClientConnected)
                request.reply(Array("too late".utf8))
            }
        }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        #expect(throws: IPCError.timedOut(after: .milliseconds(30))) {
            try client.request(Array("slow".utf8), timeout: .milliseconds(30))
        }
        client.close()
        #expect(throws: IPCError.clientClosed(name: server.name)) { try client.request([], timeout: .seconds(1)) }
        let vanished = try Tool.run([probe, server.name, "vanish", "slow"])
        #expect(vanished.status == 0)
        usleep(400_000)
        #expect(late.all == [false, false])
        let survivor = try IPCClient.connect(name: server.name)
        #expect(try survivor.request([], timeout: .seconds(5)) == Array("fast".utf8))
    }

    @Test("a late reply to a timed-out request is skipped, not taken for the next one")
    func lateReplySkipped() throws {
        let server = try ServerFixture("late") { (request: IPCRequest, loop: EventLoop) in
            let delay: Duration = request.payload == Array("slow".utf8) ? .milliseconds(100) : .zero
            loop.addTimer(after: delay) { request.reply(request.payload) }
        }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        #expect(throws: IPCError.timedOut(after: .milliseconds(20))) {
            try client.request(Array("slow".utf8), timeout: .milliseconds(20))
        }
        usleep(200_000)  // the slow reply is now waiting in the ring
        #expect(try client.request(Array("next".utf8), timeout: .seconds(5)) == Array("next".utf8))
    }

    @Test("garbage requests get an error reply and the server keeps serving")
    func garbageRequests() throws {
        let handled = Collected<Int>()
        let server = try ServerFixture("garbage") { handled.append($0.payload.count); $0.reply([]) }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        for garbage: [UInt8] in [[1, 2, 3], [5, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0],
                                 [5, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]] {
            do {
                _ = try client.requestRaw(garbage, timeout: .seconds(5))
                Issue.record("garbage \(garbage) was accepted")
            } catch {
                guard case .malformedMessage(let detail) = error else { Issue.record("got \(error)"); continue }
                #expect(detail.hasPrefix("the daemon refused the request: declared size"))
            }
        }
        // Junk on the connection socket itself, from a client that never speaks libqb.
        sendJunkToSetupSocket(name: server.name)
        #expect(handled.all.isEmpty)
        #expect(try IPCClient.connect(name: server.name).request([9], timeout: .seconds(5)) == [])
        #expect(handled.all == [1])
    }

    @Test("a request the handler drops without replying fails with noReply instead of timing out")
    func droppedRequest() throws {
        let server = try ServerFixture("drop") { _ in }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        let start = ContinuousClock.now
        #expect(throws: IPCError.noReply(name: server.name)) { try client.request([], timeout: .seconds(5)) }
        #expect(ContinuousClock.now - start < .seconds(4))
    }

    @Test("a server that shuts down while a client waits makes the client report the lost connection")
    func serverGone() throws {
        let server = try ServerFixture("gone") { (request: IPCRequest, loop: EventLoop) in
            loop.addTimer(after: .seconds(30)) { request.reply([]) }
        }
        let client = try IPCClient.connect(name: server.name)
        let thread = server.thread
        Thread { usleep(100_000); server.shutdownServer() }.start()
        let start = ContinuousClock.now
        #expect(throws: IPCError.connectionLost(name: server.name)) { try client.request([], timeout: .seconds(10)) }
        #expect(ContinuousClock.now - start < .seconds(5))
        thread.stop()
    }
}

/// A group with a listed member who exists in passwd, if this host has one: (group, uid).
func listedGroupMember() -> (String, UInt32)? {
    guard asNobody() != nil, let groups = try? String(contentsOfFile: "/etc/group", encoding: .utf8) else { return nil }
    for line in groups.split(separator: "\n") {
        let fields = line.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 4, let member = fields[3].split(separator: ",").first,
              let user = getpwnam(String(member)), user.pointee.pw_uid != 0, user.pointee.pw_gid != 65534 else { continue }
        return (String(fields[0]), user.pointee.pw_uid)
    }
    return nil
}

/// Connects to libqb's abstract setup socket and writes bytes that are no connection request.
func sendJunkToSetupSocket(name: String) {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let path = Array(name.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw[0] = 0  // abstract namespace
        for (i, byte) in path.enumerated() where i + 1 < raw.count { raw[i + 1] = byte }
    }
    let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + path.count)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
    }
    guard connected == 0 else { return }
    let junk = [UInt8](repeating: 0xAB, count: 100)
    _ = write(fd, junk, junk.count)
    usleep(50_000)
}

@Suite("IPC connect")
struct IPCConnectTests {
    @Test("a daemon whose loop does not run makes connect time out instead of hanging")
    func unresponsiveDaemon() throws {
        let name = uniqueIPCName("stuck")
        let loop = try EventLoop()  // never run: nobody answers the connection
        let server = try IPCServer(name: name, loop: loop) { $0.reply([]) }
        defer { server.shutdown() }
        let start = ContinuousClock.now
        #expect(throws: IPCError.timedOut(after: .milliseconds(200))) {
            try IPCClient.connect(name: name, timeout: .milliseconds(200))
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}
