// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerExecutor
import PacerTestKit
import Testing

/// Two real `pacerd` processes on loopback (alpha on 127.0.0.1, bravo on 127.0.0.2), each
/// with its own state directory, IPC name and resource-agent scratch directory, running
/// `ocf:pacer:Dummy` resources. Everything is torn down by PID in `deinit`, and each
/// daemon's log is printed when a test fails.
final class TwoNodeCluster {
    let root: String
    let port: UInt16
    let tag: String
    /// The daemons, by node (Foundation's `Process` reaps them, so liveness is asked of it).
    var processes: [String: Process] = [:]
    var logs: [String: String] = [:]
    static let nodes = ["alpha": "127.0.0.1", "bravo": "127.0.0.2"]

    static var pacer: String { Tool.binary("pacer") }
    static var pacerd: String { Tool.binary("pacerd") }

    init(interval: String = "100ms", deadtime: String? = nil, monitor: String = "1s") throws {
        tag = "\(getpid())-\(UInt32.random(in: 0..<UInt32.max) % 100_000)"
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-it-\(tag)").path
        port = UInt16(20_000 + Int.random(in: 0..<20_000) * 2)
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(root)/ocf/resource.d/pacer", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Tool.packageRoot.appendingPathComponent("agents/pacer/Dummy").path, toPath: "\(root)/ocf/resource.d/pacer/Dummy")
        try fm.createSymbolicLink(atPath: "\(root)/ocf/lib", withDestinationPath: "/usr/lib/ocf/lib")
        for node in Self.nodes.keys {
            try fm.createDirectory(atPath: "\(root)/\(node)/rsctmp", withIntermediateDirectories: true)
        }
        var arguments = ["cluster", "init", "--name", "it", "--directory", root, "--state-dir", "\(root)/state",
                         "--port", String(port), "--interval", interval,
                         "--node", "alpha=127.0.0.1", "--node", "bravo=127.0.0.2"]
        if let deadtime { arguments += ["--deadtime", deadtime] }
        let result = try run([Self.pacer] + arguments)
        try #require(result.status == 0, "pacer cluster init failed: \(result.stderr)")
        self.monitor = monitor
    }
    let monitor: String

    deinit {
        for process in processes.values where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in processes.values { process.waitUntilExit() }
        for node in ["alpha", "bravo"] { ResourceProcesses.removeLeftovers(scope: ResourceProcesses.scope(stateDirectory: stateDirectory(node))) }
        removeIPCLeftovers(containing: "pacer-it-\(tag)-")
        try? FileManager.default.removeItem(atPath: root)
    }

    func ipcName(_ node: String) -> String { "pacer-it-\(tag)-\(node)" }
    func stateDirectory(_ node: String) -> String { "\(root)/\(node)/state" }
    func logPath(_ node: String) -> String { "\(root)/\(node)/pacerd.log" }

    /// Starts `node`'s daemon.
    func start(_ node: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.pacerd)
        process.arguments = ["--config", "\(root)/pacer.conf", "--node", node, "--state-dir", stateDirectory(node),
                             "--ipc-name", ipcName(node), "--ocf-root", "\(root)/ocf"]
        var environment = ProcessInfo.processInfo.environment
        environment["HA_RSCTMP"] = "\(root)/\(node)/rsctmp"
        process.environment = environment
        FileManager.default.createFile(atPath: logPath(node), contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath(node)))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        processes[node] = process
        // Ready once it answers on IPC (bounded: a daemon that never comes up fails the test).
        let ready = wait(upTo: 20) { (try? pacer(node, ["configure", "show"]).status) == 0 }
        try #require(ready, "pacerd on \(node) did not come up\n\(dumpLogs())")
    }

    /// SIGKILL, as a crash.
    func kill9(_ node: String) {
        guard let process = processes.removeValue(forKey: node) else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait for the daemon to exit (a graceful stop).
    func stop(_ node: String, within seconds: Double = 30) -> Bool {
        guard let process = processes[node] else { return true }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !process.isRunning { processes[node] = nil; return true }
            usleep(20_000)
        }
        return false
    }

    /// The resources whose Dummy state file exists on `node` (what really runs there).
    func running(on node: String) -> Set<String> {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(node)/rsctmp")) ?? []
        return Set(files.filter { $0.hasPrefix("Dummy-") && $0.hasSuffix(".state") }.map { String($0.dropFirst(6).dropLast(6)) })
    }

    /// Runs `pacer` against `node`'s daemon.
    @discardableResult
    func pacer(_ node: String, _ arguments: [String]) throws -> CommandResult {
        try run([Self.pacer] + arguments, environment: ["PACER_IPC": ipcName(node), "CIB_file": ""])
    }

    /// Polls `condition` every 25 ms for up to `seconds` (a bound, not a timing assertion).
    func wait(upTo seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(25_000)
        }
        return condition()
    }

    func cib(_ node: String) -> String { (try? String(contentsOfFile: "\(stateDirectory(node))/cib.xml", encoding: .utf8)) ?? "" }

    func dumpLogs() -> String {
        Self.nodes.keys.sorted().map { node in
            "---- \(node) ----\n" + ((try? String(contentsOfFile: logPath(node), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    /// The canonical group of three Dummy resources, configured through `node`'s daemon.
    func configurePair(through node: String) throws {
        let script = """
        configure
        property stonith-enabled=false no-quorum-policy=ignore
        rsc_defaults resource-stickiness=INFINITY migration-threshold=1
        primitive ckVIP ocf:pacer:Dummy op monitor interval=\(monitor)
        primitive vIP_10 ocf:pacer:Dummy op monitor interval=\(monitor)
        primitive haproxyd ocf:pacer:Dummy op monitor interval=\(monitor)
        group proxyGroup ckVIP vIP_10 haproxyd
        commit
        """
        let file = "\(root)/pair.crm"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try pacer(node, ["configure", "-f", file])
        try #require(result.status == 0, "configure failed: \(result.stderr)")
    }
}

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command to completion (120 s at most) and returns its status and output.
///
/// Uses Pacer's own `ChildProcess` rather than Foundation's `Process`: a script that
/// leaves a daemon behind (the topology script does) holds Foundation's pipes open, and
/// Foundation then never reports the script's exit.
func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { if value.isEmpty { env[key] = nil } else { env[key] = value } }
    var child = ChildProcess(path: arguments[0], arguments: Array(arguments.dropFirst()),
                             environment: env.map { "\($0.key)=\($0.value)" }.sorted(), timeout: .seconds(120))
    child.limit = 8 << 20
    let outcome = child.runBlocking()
    let status: Int32
    switch outcome.termination {
    case .exited(let code): status = code
    case .signaled(let signal): status = 128 + signal
    case .timedOut: status = 124
    case .spawnFailed(let code): throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
    }
    return CommandResult(status: status, stdout: String(decoding: outcome.stdout, as: UTF8.self),
                         stderr: String(decoding: outcome.stderr, as: UTF8.self))
}

/// Removes the libqb ring directories in /dev/shm whose files name `fragment` (a daemon killed
/// with SIGKILL cannot remove the rings of the clients it had).
func removeIPCLeftovers(containing fragment: String) {
    let shm = "/dev/shm"
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: shm)) ?? [] where entry.hasPrefix("qb-") {
        let directory = "\(shm)/\(entry)"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        if files.contains(where: { $0.contains(fragment) }) { try? FileManager.default.removeItem(atPath: directory) }
    }
}
