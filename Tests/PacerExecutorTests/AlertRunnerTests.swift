// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerExecutor
import Testing

/// Alert agents: run once each, with the variables over the inherited environment, killed with
/// their process group at the timeout, never blocking the caller.
@Suite("executor: alert runner", .serialized)
struct AlertRunnerTests {
    static func script(_ body: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-alert-\(UUID().uuidString).sh").path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static func job(_ path: String, timeout: Duration = .seconds(5), environment: [String] = []) -> AlertRunner.Job {
        AlertRunner.Job(alertID: "a", path: path, recipient: "r", kind: "node", timeout: timeout, environment: environment)
    }

    @Test("the variables reach the agent over the inherited environment; a non-zero exit is a failure")
    func environment() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-alert-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let path = try Self.script("echo \"$CRM_alert_kind $HOME_OVERRIDE $INHERITED\" > \(out); echo 'bad thing' >&2; exit 3")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runner = AlertRunner(inherited: ["INHERITED": "yes", "HOME_OVERRIDE": "old"])
        let result = runner.runBlocking(Self.job(path, environment: ["CRM_alert_kind=node", "HOME_OVERRIDE=new"]))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "node new yes\n")
        #expect(result.termination == .exited(3) && !result.succeeded)
        #expect(result.summary == "exit status 3" && result.output == "bad thing")
    }

    @Test("a hanging agent and what it started are killed at the timeout; a missing one cannot execute")
    func timeoutAndMissing() throws {
        let pids = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-alert-\(UUID().uuidString).pids").path
        defer { try? FileManager.default.removeItem(atPath: pids) }
        let path = try Self.script("sleep 600 & echo $! > \(pids); sleep 600")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runner = AlertRunner()
        let result = runner.runBlocking(Self.job(path, timeout: .milliseconds(500)))
        #expect(result.termination == .timedOut)
        #expect(result.summary == "timed out after 500ms (process group killed)")
        #expect(result.elapsed < .seconds(3))
        let child = Int32((try String(contentsOfFile: pids, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(child > 0)
        var gone = false
        for _ in 0..<100 where !gone { gone = kill(child, 0) != 0; if !gone { usleep(20_000) } }
        #expect(gone, "the agent's background sleep outlived the timeout")
        let missing = runner.runBlocking(Self.job("/nonexistent/alert-agent"))
        #expect(missing.summary == "cannot execute /nonexistent/alert-agent: No such file or directory")
    }

    @Test("submit never blocks: jobs beyond the running and waiting limits are refused, every accepted one completes once")
    func bounded() async throws {
        let path = try Self.script("sleep 0.3")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runner = AlertRunner(maxParallel: 2, maxQueued: 3)
        let done = AlertCounter()
        let started = ContinuousClock.now
        var accepted = 0
        for _ in 0..<8 {
            if runner.submit(Self.job(path), completion: { _ in done.add() }) { accepted += 1 }
        }
        #expect(ContinuousClock.now - started < .milliseconds(200), "submit waited for agents")
        #expect(accepted == 5)
        let deadline = ContinuousClock.now + .seconds(10)
        while done.value < 5, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(done.value == 5)
        #expect(runner.pending == 0)
    }
}

final class AlertCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
