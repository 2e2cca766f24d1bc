// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerExecutor
import PacerModel
import Testing

/// A daemon started by an agent dies: its recurring monitor runs at once, not a whole interval later.
@Suite("executor: a resource's processes are watched")
struct ProcessWatchTests {
    /// An agent whose start leaves a detached daemon (new session, so it escapes the agent's
    /// process group as HAProxy's -D does); monitor checks it by its pid file.
    func daemonAgent(_ sandbox: AgentSandbox) throws -> (ResourceAgent, String) {
        let pidfile = sandbox.file("daemon.pid")
        let agent = try sandbox.agent("daemon", """
        pidfile="\(pidfile)"
        case $1 in
        start) setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $! > "$pidfile"; exit 0 ;;
        monitor) # a killed daemon may linger as a zombie until reaped: it has no command line
            [ -s "$pidfile" ] && [ -n "$(tr -d '\\0' < "/proc/$(cat "$pidfile")/cmdline" 2>/dev/null)" ] && exit 0; exit 7 ;;
        stop) [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile"; exit 0 ;;
        esac
        exit 3
        """)
        return (agent, pidfile)
    }

    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var exits: [String] = []
        private var results: [Int32] = []
        func exited(_ resource: String) { lock.withLock { exits.append(resource) } }
        func result(_ rc: Int32) { lock.withLock { results.append(rc) } }
        var snapshot: (exits: [String], results: [Int32]) { lock.withLock { (exits, results) } }
    }

    @Test("kill -9 of the daemon: the monitor runs at once and reports 7; a stop is not mistaken for a death")
    func daemonDeathTriggersMonitor() async throws {
        let sandbox = try AgentSandbox()
        let (agent, pidfile) = try daemonAgent(sandbox)
        let processes = try #require(ResourceProcesses(scope: "test-\(getpid())-\(UUID().uuidString.prefix(8))"),
                                     "cgroup2 is not writable on this machine")
        defer { processes.removeEmpty() }
        let executor = sandbox.executor(processes)
        let seen = Seen()
        processes.onEmpty { seen.exited($0) }
        let directory = processes.directory

        #expect(await executor.execute(AgentAction(resourceID: "web", agent: agent, name: "start")).rc == 0)
        let pid = try #require(Int32(String(contentsOfFile: pidfile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let members = try String(contentsOfFile: "\(directory)/web/cgroup.procs", encoding: .utf8)
        #expect(members.split(separator: "\n").contains(Substring(String(pid))), "the daemon is in the resource's cgroup: \(members)")
        // A monitor every ten minutes: only the process watch can make it run within the test.
        let monitor = AgentAction(resourceID: "web", agent: agent, name: "monitor", interval: .seconds(600))
        let id = await executor.startRecurring(monitor, startDelay: .seconds(600)) { _, result in seen.result(result.rc) }
        kill(pid, SIGKILL)
        for _ in 0..<200 where seen.snapshot.results.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        #expect(seen.snapshot.exits == ["web"])
        #expect(seen.snapshot.results == [7], "the monitor ran at once and found the daemon gone")
        await executor.cancelRecurring(id)

        // Started again and stopped on purpose: no death reported.
        #expect(await executor.execute(AgentAction(resourceID: "web", agent: agent, name: "start")).rc == 0)
        #expect(await executor.execute(AgentAction(resourceID: "web", agent: agent, name: "stop")).rc == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(seen.snapshot.exits == ["web"])

        processes.removeEmpty()
        #expect(!FileManager.default.fileExists(atPath: directory), "empty cgroups are removed")
    }

    @Test("an agent that leaves nothing running is not watched")
    func nothingLeftNothingWatched() async throws {
        let sandbox = try AgentSandbox()
        let agent = try sandbox.agent("oneshot", "exit 0")
        let processes = try #require(ResourceProcesses(scope: "test-\(getpid())-\(UUID().uuidString.prefix(8))"))
        defer { processes.removeEmpty() }
        let executor = sandbox.executor(processes)
        let seen = Seen()
        processes.onEmpty { seen.exited($0) }
        #expect(await executor.execute(AgentAction(resourceID: "ip", agent: agent, name: "start")).rc == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(seen.snapshot.exits.isEmpty)
    }
}
