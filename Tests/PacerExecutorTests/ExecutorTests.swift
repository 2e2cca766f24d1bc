// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerExecutor
import PacerModel
import Testing

/// Tiny shell agents in a scratch OCF_ROOT, run through the executor.
final class AgentSandbox {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-exec-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: "\(root)/resource.d/test", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Installs `ocf:test:NAME` with the given shell body.
    func agent(_ name: String, _ body: String) throws -> ResourceAgent {
        let path = "\(root)/resource.d/test/\(name)"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return ResourceAgent(resourceClass: "ocf", provider: "test", type: name)
    }

    var executor: Executor { Executor(directory: AgentDirectory(ocfRoot: root)) }
    func executor(_ processes: ResourceProcesses) -> Executor { Executor(directory: AgentDirectory(ocfRoot: root), processes: processes) }
    func file(_ name: String) -> String { "\(root)/\(name)" }
}

/// True while `pid` runs (a zombie waiting for its reaper does not count).
func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(close, offsetBy: 2)] != "Z"
}

@Suite("executor")
struct ExecutorTests {
    @Test("every OCF exit code comes back as the rc", arguments: Array(Int32(0)...9))
    func exitCodes(rc: Int32) async throws {
        let sandbox = try AgentSandbox()
        let agent = try sandbox.agent("rc", "exit \"$OCF_RESKEY_rc\"")
        let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: agent, name: "start", parameters: [("rc", "\(rc)")]))
        #expect(result.status == .done)
        #expect(result.rc == rc)
    }

    @Test("the exit reason is taken from stderr")
    func exitReason() async throws {
        let sandbox = try AgentSandbox()
        let agent = try sandbox.agent("reason", "echo noise >&2; echo \"${OCF_EXIT_REASON_PREFIX}IP address 192.0.2.1 is taken  \" >&2; exit 6")
        let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: agent, name: "start"))
        #expect(result.rc == 6)
        #expect(result.exitReason == "IP address 192.0.2.1 is taken")
    }

    @Test("a hanging agent is killed with its whole process group at the timeout")
    func timeoutKillsTheGroup() async throws {
        let sandbox = try AgentSandbox()
        let pids = sandbox.file("pids")
        let agent = try sandbox.agent("hang", """
        trap '' TERM
        sleep 300 & echo $! > "\(pids)"
        echo $$ >> "\(pids)"
        while :; do sleep 1; done
        """)
        let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: agent, name: "start", timeout: .seconds(1)))
        #expect(result.status == .timeout)
        #expect(result.exitReason.contains("timed out after 1000ms"))
        // The agent ignores TERM, so KILL must have followed after the grace period (not waited out).
        #expect(result.elapsed < .seconds(60))
        try await Task.sleep(for: .milliseconds(100))
        let recorded = try String(contentsOfFile: pids, encoding: .utf8).split(separator: "\n").compactMap { pid_t($0) }
        #expect(recorded.count == 2)
        for pid in recorded { #expect(!isAlive(pid), "process \(pid) of the agent's group is still running") }
    }

    @Test("megabytes of output are drained and capped, never blocking the agent")
    func hugeOutput() async throws {
        let sandbox = try AgentSandbox()
        let agent = try sandbox.agent("chatty", "head -c 8000000 /dev/zero | tr '\\\\0' x; head -c 3000000 /dev/zero >&2; exit 0")
        let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: agent, name: "start", timeout: .seconds(30)))
        #expect(result.status == .done && result.rc == 0)
        #expect(result.stdout.utf8.count == 64 * 1024)
        #expect(result.stderr.utf8.count == 64 * 1024)
    }

    @Test("parameters reach the agent verbatim, never through a shell")
    func parametersVerbatim() async throws {
        let sandbox = try AgentSandbox()
        let out = sandbox.file("out")
        let agent = try sandbox.agent("echo", "printf '%s' \"$OCF_RESKEY_value\" > \"\(out)\"")
        for value in ["it's \"quoted\"", "two  spaces", "$(touch \(sandbox.file("pwned")))", "line1\nline2\n", "`id`; rm -rf /nonexistent", ""] {
            let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: agent, name: "start", parameters: [("value", value)]))
            #expect(result.rc == 0)
            #expect(try String(contentsOfFile: out, encoding: .utf8) == value)
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.file("pwned")))
    }

    @Test("the OCF environment is what Pacemaker's executor sets")
    func environment() async throws {
        let sandbox = try AgentSandbox()
        let out = sandbox.file("env")
        let agent = try sandbox.agent("env", "env > \"\(out)\"")
        let action = AgentAction(resourceID: "vip", agent: agent, name: "monitor", parameters: [("ip", "192.0.2.10"), ("OCF_CHECK_LEVEL", "10")],
                                 meta: [.init(name: "on-fail", value: "restart")], interval: .seconds(5), timeout: .seconds(30), checkLevel: "10")
        _ = await sandbox.executor.execute(action)
        let lines = Set(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init))
        for expected in ["OCF_ROOT=\(sandbox.root)", "OCF_RA_VERSION_MAJOR=1", "OCF_RA_VERSION_MINOR=1", "OCF_RESOURCE_INSTANCE=vip",
                         "OCF_RESOURCE_TYPE=env", "OCF_RESOURCE_PROVIDER=test", "OCF_RESKEY_ip=192.0.2.10", "OCF_CHECK_LEVEL=10",
                         "OCF_RESKEY_CRM_meta_interval=5000", "OCF_RESKEY_CRM_meta_timeout=30000", "OCF_RESKEY_CRM_meta_on_fail=restart",
                         "OCF_EXIT_REASON_PREFIX=ocf-exit-reason:", "OCF_RESKEY_crm_feature_set=3.16.1"] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!lines.contains { $0.hasPrefix("OCF_RESKEY_OCF_CHECK_LEVEL") })
        let probe = AgentAction(resourceID: "vip", agent: agent, name: "monitor")
        _ = await sandbox.executor.execute(probe)
        let probeLines = try String(contentsOfFile: out, encoding: .utf8)
        #expect(probeLines.contains("OCF_RESKEY_CRM_meta_op_target_rc=7"))
        #expect(!probeLines.contains("OCF_RESKEY_CRM_meta_interval"))
    }

    @Test("a missing agent is 'not installed' (rc 5)")
    func missingAgent() async throws {
        let sandbox = try AgentSandbox()
        let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: ResourceAgent("ocf:test:nope")!, name: "start"))
        #expect(result.status == .notInstalled && result.rc == 5)
        #expect(result.exitReason.contains("ocf:test:nope"))
    }

    @Test("an agent that leaves a daemon holding its output still returns at once")
    func daemonHoldingPipes() async throws {
        let sandbox = try AgentSandbox()
        let pidFile = sandbox.file("daemon.pid")
        let agent = try sandbox.agent("daemonize", "setsid sleep 600 & echo $! > \"\(pidFile)\"; exit 0")
        let result = await sandbox.executor.execute(AgentAction(resourceID: "r", agent: agent, name: "start", timeout: .seconds(50)))
        #expect(result.status == .done && result.rc == 0, "the agent's own exit must end the action, not the daemon's 600 s")
        #expect(result.elapsed < .seconds(50))
        if let pid = pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) {
            #expect(isAlive(pid), "a daemon the agent started must survive a successful action")
            kill(pid, SIGKILL)
        }
    }

    @Test("actions on one resource are serialised; on different resources they overlap")
    func serialisation() async throws {
        let sandbox = try AgentSandbox()
        let log = sandbox.file("log")
        let agent = try sandbox.agent("slow", "echo \"$OCF_RESOURCE_INSTANCE begin\" >> \"\(log)\"; sleep 0.3; echo \"$OCF_RESOURCE_INSTANCE end\" >> \"\(log)\"")
        let executor = sandbox.executor
        await withTaskGroup(of: Void.self) { group in
            for id in ["a", "a", "b"] {
                group.addTask { _ = await executor.execute(AgentAction(resourceID: id, agent: agent, name: "start")) }
            }
        }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let a = lines.filter { $0.hasPrefix("a ") }
        #expect(a == ["a begin", "a end", "a begin", "a end"], "two actions on 'a' overlapped: \(lines)")
        let firstEnd = lines.firstIndex { $0.hasSuffix("end") }!
        #expect(lines[..<firstEnd].contains("b begin"), "'b' should have run alongside the first 'a': \(lines)")
    }

    @Test("recurring monitors run again after each interval and stop when cancelled")
    func recurring() async throws {
        let sandbox = try AgentSandbox()
        let log = sandbox.file("runs")
        // Each run logs its start time in milliseconds.
        let agent = try sandbox.agent("mon", "echo $(($(date +%s%N) / 1000000)) >> \"\(log)\"; exit 0")
        let executor = sandbox.executor
        let counter = Counter()
        let id = await executor.startRecurring(AgentAction(resourceID: "r", agent: agent, name: "monitor", interval: .milliseconds(200))) { _, result in
            if result.rc == 0 { await counter.increment() }
        }
        // Wait for four results however loaded the machine is (no wall-clock assertion).
        for _ in 0..<600 where await counter.value < 4 { try await Task.sleep(for: .milliseconds(50)) }
        await executor.cancelRecurring(id)
        let seen = await counter.value
        #expect(seen >= 4)
        let starts = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        // The agent stamps its own start, after a spawn whose latency varies by tens of ms on
        // a loaded machine; a loop that ran early would show gaps of a few ms, not 150.
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            #expect(later - earlier >= 150, "runs \(later - earlier) ms apart with a 200 ms interval")
        }
        let runsAtCancel = starts.count
        try await Task.sleep(for: .milliseconds(600))
        let after = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        #expect(after <= runsAtCancel + 1, "kept running after being cancelled")
        #expect(await counter.value <= seen + 1)
    }
}

actor Counter {
    var value = 0
    func increment() { value += 1 }
}
