// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
@_spi(Testing) import PacerIPC
import Testing
import PacerEventLoop
import PacerTestKit

@Suite("IPC")
struct IPCServerTests {
    @Test("a request round-trips and the server sees the client's pid and root's right to write")
    func roundTrip() throws {
        let server = try ServerFixture("echo", handler: identityEcho)
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        defer { client.close() }
        let reply = try client.request(Array("hello".utf8), timeout: .seconds(5))
        #expect(String(decoding: reply, as: UTF8.self) == "pid=\(getpid()) uid=0 gid=0 mayWrite=true|hello")
        // Empty payloads and binary payloads are fine too.
        #expect(try client.request([], timeout: .seconds(5)).count == "pid=\(getpid()) uid=0 gid=0 mayWrite=true|".utf8.count)
        let binary = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let echo = try ServerFixture("binary") { $0.reply($0.payload) }
        defer { echo.close() }
        let other = try IPCClient.connect(name: echo.name)
        #expect(try other.request(binary, timeout: .seconds(5)) == binary)
        #expect(try other.request(Array(repeating: 7, count: 1 << 20), timeout: .seconds(5)).count == 1 << 20)
    }

    @Test("a reply may come later: from a timer, or from work posted by another thread")
    func asyncReply() throws {
        let server = try ServerFixture("async") { (request: IPCRequest, loop: EventLoop) in
            if request.payload == Array("timer".utf8) {
                loop.addTimer(after: .milliseconds(50)) { request.reply(Array("from timer".utf8)) }
            } else {
                let pending = Unchecked(request)
                Thread {
                    usleep(20_000)
                    loop.post { pending.value.reply(Array("from thread".utf8)) }
                }.start()
            }
        }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        let start = ContinuousClock.now
        #expect(try client.request(Array("timer".utf8), timeout: .seconds(5)) == Array("from timer".utf8))
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        #expect(try client.request(Array("thread".utf8), timeout: .seconds(5)) == Array("from thread".utf8))
    }

    @Test("many clients on many threads each get their own replies")
    func manyConcurrentClients() throws {
        let server = try ServerFixture("many") { $0.reply($0.payload + Array("!".utf8)) }
        defer { server.close() }
        let failures = Collected<String>()
        onThreads(16) { index in
            do {
                let client = try IPCClient.connect(name: server.name)
                defer { client.close() }
                for seq in 0..<25 {
                    let payload = Array("client \(index) request \(seq)".utf8)
                    let reply = try client.request(payload, timeout: .seconds(10))
                    if reply != payload + Array("!".utf8) { failures.append("client \(index): wrong reply to \(seq)") }
                }
            } catch {
                failures.append("client \(index): \(error)")
            }
        }
        #expect(failures.all == [])
    }

    @Test("a request over the client's limit fails before anything is sent, naming size and limit")
    func oversizedRefusedByClient() throws {
        let handled = Collected<Int>()
        let server = try ServerFixture("big-client") { handled.append($0.payload.count); $0.reply([]) }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)
        #expect(throws: IPCError.messageTooLarge(size: (1 << 20) + 1, limit: 1 << 20)) {
            try client.request(Array(repeating: 0, count: (1 << 20) + 1), timeout: .seconds(5))
        }
        #expect(IPCError.messageTooLarge(size: 1_048_577, limit: 1_048_576).description
            == "request of 1048577 bytes exceeds the IPC limit of 1048576 bytes and was not processed")
        #expect(handled.all.isEmpty)
        #expect(try client.request([1], timeout: .seconds(5)) == [])  // the connection still works
    }

    @Test("a request over the server's smaller limit is refused by the server, which keeps serving")
    func oversizedRefusedByServer() throws {
        let handled = Collected<Int>()
        let server = try ServerFixture("big-server", maxMessageSize: 1024) { handled.append($0.payload.count); $0.reply([]) }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name)  // allows 1 MiB itself
        #expect(throws: IPCError.messageTooLarge(size: 5000, limit: 1024)) {
            try client.request(Array(repeating: 0, count: 5000), timeout: .seconds(5))
        }
        #expect(try client.request(Array(repeating: 0, count: 1024), timeout: .seconds(5)) == [])
        #expect(handled.all == [1024])
    }

    @Test("a reply larger than the connection's buffer becomes replyTooLarge")
    func replyTooLarge() throws {
        let server = try ServerFixture("big-reply", maxMessageSize: 1024) { $0.reply(Array(repeating: 1, count: 100_000)) }
        defer { server.close() }
        let client = try IPCClient.connect(name: server.name, maxMessageSize: 1024)
        do {
            _ = try client.request([], timeout: .seconds(5))
            Issue.record("expected replyTooLarge")
        } catch {
            guard case .replyTooLarge(let size, let limit) = error else { Issue.record("got \(error)"); return }
            #expect(size == 100_000)
            #expect(limit >= 1024 && limit < 100_000)
        }
    }

    @Test("refusing a name in use closes nothing but its own: sockets used meanwhile on other threads stay open")
    func nameInUseClosesNothingElse() throws {
        // libqb's qb_ipcs_run, when bind fails, closes its socket and then closes the same number
        // again: a descriptor another thread opened in between (an agent's pipe) would be closed.
        let first = try ServerFixture("dup-race") { $0.reply([]) }
        defer { first.close() }
        let broken = Collected<String>()
        let done = Collected<Int>()
        Thread {
            for _ in 0..<3000 {
                guard let loop = try? EventLoop() else { break }
                _ = try? IPCServer(name: first.name, loop: loop) { $0.reply([]) }
            }
            done.append(1)
        }.start()
        var rounds = 0
        while done.all.isEmpty {
            rounds += 1
            var fds: [Int32] = [-1, -1]
            // A socket pair, used without blocking or SIGPIPE: a number taken over by someone
            // else's socket must fail the test, not hang or kill it.
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { broken.append("socketpair: errno \(errno)"); break }
            var byte: UInt8 = 7
            let flags = Int32(MSG_NOSIGNAL | MSG_DONTWAIT)
            if send(fds[1], &byte, 1, flags) != 1 { broken.append("send on its own socket: errno \(errno)") }
            if recv(fds[0], &byte, 1, flags) != 1 { broken.append("receive on its own socket: errno \(errno)") }
            if close(fds[0]) != 0 { broken.append("close of its own socket: errno \(errno)") }
            if close(fds[1]) != 0 { broken.append("close of its own socket: errno \(errno)") }
        }
        #expect(broken.all.isEmpty, "\(broken.all.count) failures in \(rounds) rounds, first: \(broken.all.first ?? "")")
    }

    @Test("connecting without a server says the daemon is not running")
    func missingServer() throws {
        let name = uniqueIPCName("missing")
        #expect(throws: IPCError.daemonNotRunning(name: name)) { try IPCClient.connect(name: name) }
        #expect(IPCError.daemonNotRunning(name: "pacer-cib").description
            == "the daemon is not running (nothing serves IPC name 'pacer-cib')")
    }

    @Test("a second server under the same name is refused; the name is free again after shutdown")
    func nameInUse() throws {
        let first = try ServerFixture("dup") { $0.reply(Array("first".utf8)) }
        let loop = try EventLoop()
        #expect(throws: IPCError.nameInUse(name: first.name)) {
            _ = try IPCServer(name: first.name, loop: loop) { $0.reply([]) }
        }
        first.close()
        let second = try IPCServer(name: first.name, loop: loop) { $0.reply(Array("second".utf8)) }
        let thread = Thread { loop.run() }
        thread.start()
        defer { let s = Unchecked(second); loop.post { s.value.shutdown() }; loop.stop() }
        let client = try IPCClient.connect(name: first.name)
        #expect(try client.request([], timeout: .seconds(5)) == Array("second".utf8))
    }
}
