// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmarks that need Pacer's libraries in-process (the shell scripts under bench/ drive it).
// `pacer-bench executor [RESOURCES] [SECONDS]`: monitors per second with RESOURCES trivial
// agents monitored back to back, and the cost of one action against crm_resource --force-check.
import Foundation
import PacerExecutor
import PacerModel

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func executorBenchmark(resources: Int, duration: Duration) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-bench-\(getpid())").path
    try FileManager.default.createDirectory(atPath: "\(root)/resource.d/bench", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    // A trivial agent: what monitor costs when the agent itself costs nothing.
    let agentPath = "\(root)/resource.d/bench/trivial"
    try "#!/bin/sh\nexit 0\n".write(toFile: agentPath, atomically: true, encoding: .utf8)
    chmod(agentPath, 0o755)
    let agent = ResourceAgent(resourceClass: "ocf", provider: "bench", type: "trivial")
    let executor = Executor(directory: AgentDirectory(ocfRoot: root), maxParallel: 2 * ProcessInfo.processInfo.activeProcessorCount)

    // 1. Throughput: every resource monitored back to back for `duration`.
    let clock = ContinuousClock()
    let deadline = clock.now + duration
    let started = clock.now
    let completed = await withTaskGroup(of: Int.self) { group in
        for index in 0..<resources {
            group.addTask {
                var count = 0
                let action = AgentAction(resourceID: "r\(index)", agent: agent, name: "monitor", interval: .seconds(1))
                while clock.now < deadline {
                    let result = await executor.execute(action)
                    if result.rc == 0 { count += 1 }
                }
                return count
            }
        }
        return await group.reduce(0, +)
    }
    let elapsed = seconds(clock.now - started)
    print(String(format: "executor throughput: %d resources, %d monitors in %.1f s = %.0f monitors/s on %d cores",
                 resources, completed, elapsed, Double(completed) / elapsed, ProcessInfo.processInfo.activeProcessorCount))

    // 2. Per action, sequential: Pacer's executor vs crm_resource --force-check on the same agent.
    let rounds = 200
    var t0 = clock.now
    for _ in 0..<rounds { _ = await executor.execute(AgentAction(resourceID: "r", agent: agent, name: "monitor")) }
    let ours = seconds(clock.now - t0) / Double(rounds)
    let crmRounds = 30
    /// Seconds per `crm_resource --force-check ARGUMENTS`, over `crmRounds` runs.
    func crmResource(_ arguments: [String], environment: [String: String]? = nil) throws -> Double {
        let start = clock.now
        for _ in 0..<crmRounds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/crm_resource")
            process.arguments = ["--force-check"] + arguments
            if let environment { process.environment = environment }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        return seconds(clock.now - start) / Double(crmRounds)
    }
    let crm = try crmResource(["--class", "ocf", "--provider", "bench", "--agent", "trivial"],
                              environment: ["OCF_ROOT": root, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    // crm_resource looks agents up under its compiled-in OCF root; measure it on resource-agents' Dummy too.
    let crmDummy = try crmResource(["--class", "ocf", "--provider", "heartbeat", "--agent", "Dummy", "--option", "state=\(root)/d.state"])
    t0 = clock.now
    for _ in 0..<crmRounds {
        _ = await executor.execute(AgentAction(resourceID: "d", agent: ResourceAgent("ocf:heartbeat:Dummy")!, name: "monitor",
                                               parameters: [("state", "\(root)/d.state")]))
    }
    let oursDummy = seconds(clock.now - t0) / Double(crmRounds)
    let realExecutor = Executor()
    t0 = clock.now
    for _ in 0..<crmRounds {
        _ = await realExecutor.execute(AgentAction(resourceID: "d", agent: ResourceAgent("ocf:heartbeat:Dummy")!, name: "monitor",
                                                   parameters: [("state", "\(root)/d.state")]))
    }
    let oursDummyReal = seconds(clock.now - t0) / Double(crmRounds)
    print(String(format: "per action, trivial agent: pacer executor %.2f ms, crm_resource --force-check %.2f ms (ratio %.1fx)",
                 ours * 1000, crm * 1000, crm / ours))
    print(String(format: "per action, ocf:heartbeat:Dummy monitor: pacer executor %.2f ms, crm_resource --force-check %.2f ms (ratio %.1fx)",
                 max(oursDummy, oursDummyReal) * 1000, crmDummy * 1000, crmDummy / max(oursDummy, oursDummyReal)))
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "executor":
    let resources = arguments.dropFirst().first.flatMap { Int($0) } ?? 500
    let duration = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 10
    try await executorBenchmark(resources: resources, duration: .seconds(duration))
case "cluster":
    let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 10
    let idle = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 60
    try ClusterBenchmark.main(runs: runs, idleSeconds: idle)
default:
    print("usage: pacer-bench executor [RESOURCES] [SECONDS] | cluster [RUNS] [IDLE_SECONDS]")
    exit(64)
}
