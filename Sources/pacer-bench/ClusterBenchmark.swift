// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerIPC
import PacerWire

/// `pacer-bench cluster [RUNS] [IDLE_SECONDS]`: two pacerd on loopback with three Dummy
/// resources in a group; kill -9 of the active daemon, RUNS times. Measures when the
/// survivor's membership declares the peer lost (heartbeat silence, from the daemon's
/// status) and when the whole group runs on the survivor; then idle RSS and CPU.
struct ClusterBenchmark {
    let root: String
    let bin: URL
    let port: Int
    var daemons: [String: Process] = [:]

    init(bin: URL) throws {
        self.bin = bin
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-bench-cluster-\(getpid())").path
        port = 30_000 + Int(getpid() % 10_000) * 2
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(root)/ocf/resource.d/pacer", withIntermediateDirectories: true)
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try fm.copyItem(atPath: repo.appendingPathComponent("agents/pacer/Dummy").path, toPath: "\(root)/ocf/resource.d/pacer/Dummy")
        try fm.createSymbolicLink(atPath: "\(root)/ocf/lib", withDestinationPath: "/usr/lib/ocf/lib")
        for node in ["alpha", "bravo"] { try fm.createDirectory(atPath: "\(root)/\(node)/rsctmp", withIntermediateDirectories: true) }
        _ = try command([bin.appendingPathComponent("pacer").path, "cluster", "init", "--name", "bench", "--directory", root,
                         "--state-dir", "\(root)/state", "--port", String(port),
                         "--node", "alpha=127.0.0.1", "--node", "bravo=127.0.0.2"])
    }

    func cleanup() {
        for process in daemons.values where process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: root)
    }

    @discardableResult
    func command(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["CIB_file"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    mutating func start(_ node: String) throws {
        let process = Process()
        process.executableURL = bin.appendingPathComponent("pacerd")
        process.arguments = ["--config", "\(root)/pacer.conf", "--node", node, "--state-dir", "\(root)/\(node)/state",
                             "--ipc-name", "pacer-bench-\(getpid())-\(node)", "--ocf-root", "\(root)/ocf"]
        var env = ProcessInfo.processInfo.environment
        env["HA_RSCTMP"] = "\(root)/\(node)/rsctmp"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        daemons[node] = process
        _ = wait(20) { self.status(node) != nil }
    }

    /// The daemon's status beside the CIB, or nil when it does not answer.
    func status(_ node: String) -> DaemonStatus? {
        guard let client = try? IPCClient.connect(name: "pacer-bench-\(getpid())-\(node)", timeout: .seconds(2)) else { return nil }
        defer { client.close() }
        guard let reply = try? client.request(DaemonRequest.status.encoded, timeout: .seconds(2)),
              case .status(_, let status) = try? DaemonReply(decoding: reply) else { return nil }
        return status
    }

    func peerState(_ node: String) -> String? {
        status(node).map { "\($0.peerState)" }
    }

    func running(_ node: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(node)/rsctmp")) ?? []).filter { $0.hasSuffix(".state") }.count
    }

    func wait(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return false
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : (sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
    }

    static func rssKB(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }

    static func cpuTicks(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }
}

extension ClusterBenchmark {
    /// Runs the whole benchmark and prints its figures.
    static func main(runs: Int, idleSeconds: Int) throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var bench = try ClusterBenchmark(bin: bin)
        defer { bench.cleanup() }
        try bench.start("alpha")
        try bench.start("bravo")
        let script = "\(bench.root)/pair.crm"
        try """
        configure
        property stonith-enabled=false no-quorum-policy=ignore
        rsc_defaults resource-stickiness=INFINITY migration-threshold=1
        primitive ckVIP ocf:pacer:Dummy op monitor interval=5s
        primitive vIP_10 ocf:pacer:Dummy op monitor interval=5s
        primitive haproxyd ocf:pacer:Dummy op monitor interval=5s
        group proxyGroup ckVIP vIP_10 haproxyd
        commit
        """.write(toFile: script, atomically: true, encoding: .utf8)
        try bench.command([bin.appendingPathComponent("pacer").path, "configure", "-f", script], environment: ["PACER_IPC": "pacer-bench-\(getpid())-alpha"])
        guard bench.wait(30, { bench.running("alpha") == 3 || bench.running("bravo") == 3 }) else {
            print("cluster benchmark: the group never started"); return
        }
        print("settings: interval 100ms, deadtime 300ms (Pacer's defaults); Dummy agents; loopback")
        var detection: [Double] = [], started: [Double] = []
        for run in 1...runs {
            let owner = bench.running("alpha") == 3 ? "alpha" : "bravo"
            let survivor = owner == "alpha" ? "bravo" : "alpha"
            guard bench.wait(20, { bench.peerState(survivor) == "member" }) else { print("run \(run): peer not member"); continue }
            let t0 = Date()
            let victim = bench.daemons[owner]!
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            // The node died: what it ran is gone with it.
            for file in (try? FileManager.default.contentsOfDirectory(atPath: "\(bench.root)/\(owner)/rsctmp")) ?? [] {
                try? FileManager.default.removeItem(atPath: "\(bench.root)/\(owner)/rsctmp/\(file)")
            }
            var lostAt: Double?, startedAt: Double?
            _ = bench.wait(30) {
                if startedAt == nil, bench.running(survivor) == 3 { startedAt = Date().timeIntervalSince(t0) }
                if lostAt == nil, bench.peerState(survivor) == "lost" { lostAt = Date().timeIntervalSince(t0) }
                return lostAt != nil && startedAt != nil
            }
            if let lostAt { detection.append(lostAt) }
            if let startedAt { started.append(startedAt) }
            print(String(format: "run %d: heartbeat loss declared after %.0f ms, group started on %@ after %.0f ms",
                         run, (lostAt ?? .nan) * 1000, survivor, (startedAt ?? .nan) * 1000))
            try bench.start(owner)
            _ = bench.wait(20) { bench.peerState(survivor) == "member" && bench.peerState(owner) == "member" }
        }
        print(String(format: "kill -9 -> peer declared lost (heartbeat): median %.0f ms, max %.0f ms over %d runs (target <= 3 x interval + 50 ms = 350 ms)",
                     median(detection) * 1000, (detection.max() ?? 0) * 1000, detection.count))
        print(String(format: "kill -9 -> group started on the survivor: median %.0f ms, max %.0f ms over %d runs",
                     median(started) * 1000, (started.max() ?? 0) * 1000, started.count))
        // Idle: both daemons settled, nothing happening but heartbeats and 5 s monitors.
        usleep(2_000_000)
        let pid = bench.daemons["alpha"]!.processIdentifier
        let ticks0 = cpuTicks(pid)
        let start = Date()
        var peakRSS = 0
        while Date().timeIntervalSince(start) < Double(idleSeconds) {
            peakRSS = max(peakRSS, rssKB(pid))
            usleep(500_000)
        }
        let cpu = Double(cpuTicks(pid) - ticks0) / Double(sysconf(Int32(_SC_CLK_TCK))) / Date().timeIntervalSince(start) * 100
        print(String(format: "idle pacerd over %d s: RSS %.1f MiB (peak), CPU %.2f%% of one core (targets: < 20 MB, < 0.5%%)",
                     idleSeconds, Double(peakRSS) / 1024, cpu))
    }
}
