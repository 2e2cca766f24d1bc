// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerIPC
import PacerTestKit
import Testing
import PacerEventLoop

private let nameCounter = Collected<Int>()

/// An IPC name no other test (or test run) uses: pid plus a per-process counter.
func uniqueIPCName(_ tag: String) -> String {
    nameCounter.append(0)
    return "pacer-ipc-test-\(getpid())-\(tag)-\(nameCounter.all.count)"
}

/// A server on its own loop thread, shut down and stopped by `close()`.
final class ServerFixture: @unchecked Sendable {
    let name: String
    let thread: LoopThread
    private let server: IPCServer

    convenience init(_ tag: String, maxMessageSize: Int = 1 << 20, writerGroup: String = "haclient",
                     handler: @escaping (IPCRequest) -> Void) throws {
        try self.init(tag, maxMessageSize: maxMessageSize, writerGroup: writerGroup) { request, _ in handler(request) }
    }

    /// `handler` also gets the server's loop, for replies from timers or posted work.
    init(_ tag: String, maxMessageSize: Int = 1 << 20, writerGroup: String = "haclient",
         handler: @escaping (IPCRequest, EventLoop) -> Void) throws {
        name = uniqueIPCName(tag)
        thread = try LoopThread()
        let loop = thread.loop
        // Created before the loop runs, so on this thread.
        server = try IPCServer(name: name, loop: loop, maxMessageSize: maxMessageSize,
                               writerGroup: writerGroup) { handler($0, loop) }
        thread.start()
    }

    var loop: EventLoop { thread.loop }

    func shutdownServer() {
        let server = Unchecked(server)
        thread.sync { server.value.shutdown() }
    }

    func close() {
        shutdownServer()
        thread.stop()
        removeDeadClientRings()
    }
}

/// Removes the libqb connection directories this process served (`qb-SERVERPID-CLIENTPID-…`
/// in /dev/shm) whose client has exited: a client killed while its connection was still
/// being set up or torn down can leave one behind once its server is gone (seen once in
/// four full runs, after the test that SIGKILLs a flood of nobody's connections).
func removeDeadClientRings() {
    let prefix = "qb-\(getpid())-"
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? [] where entry.hasPrefix(prefix) {
        guard let client = entry.dropFirst(prefix.count).split(separator: "-").first.flatMap({ pid_t($0) }),
              client != getpid(), kill(client, 0) != 0, errno == ESRCH else { continue }
        try? FileManager.default.removeItem(atPath: "/dev/shm/\(entry)")
    }
}

/// Replies "pid=… uid=… gid=… mayWrite=…|payload".
func identityEcho(_ request: IPCRequest) {
    let c = request.client
    let text = "pid=\(c.pid) uid=\(c.uid) gid=\(c.gid) mayWrite=\(c.mayWrite)|" + String(decoding: request.payload, as: UTF8.self)
    request.reply(Array(text.utf8))
}

/// The pacer-ipc-probe binary SwiftPM built next to this test bundle.
func probePath() throws -> String {
    let path = Tool.binary("pacer-ipc-probe")
    guard FileManager.default.isExecutableFile(atPath: path) else {
        Issue.record("pacer-ipc-probe not found at \(path); build it: swift build --product pacer-ipc-probe")
        throw CancellationError()
    }
    return path
}

/// How to run a command as uid/gid 65534 with no supplementary groups, if this host can.
func asNobody(gid: UInt32 = 65534) -> [String]? {
    guard getuid() == 0 else { return nil }
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
        return ["/usr/bin/setpriv", "--reuid=65534", "--regid=\(gid)", "--clear-groups", "--"]
    }
    if gid == 65534, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") {
        return ["/usr/sbin/runuser", "-u", "nobody", "-g", "nogroup", "--"]
    }
    return nil
}

extension FileHandle {
    /// Reads until a newline or the end (a child's first line of output).
    func availableDataUntilNewline() -> Data {
        var data = Data()
        while true {
            let chunk = (try? read(upToCount: 1)) ?? Data()
            if chunk.isEmpty || chunk == Data([10]) { return data }
            data += chunk
        }
    }
}
