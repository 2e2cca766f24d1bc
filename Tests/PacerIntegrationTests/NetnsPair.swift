// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// The demo's topology (scripts/netns-pair.sh) for end-to-end scenarios: two nodes with
/// an interlink and a data network, a client with a backend web server, real VIPcheck,
/// IPaddr2 and HAProxy. Torn down by PID and namespace in `deinit`, failures or not.
final class NetnsPair {
    static var script: String { Tool.packageRoot.appendingPathComponent("scripts/netns-pair.sh").path }
    static let vip = "192.168.77.80"
    let tag: String
    let work: String

    init(dataLink: Bool = true) throws {
        tag = "pt\(getpid() % 100_000)\(Int.random(in: 100...999))"
        work = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-e2e-\(tag)").path
        let result = try run(["/bin/bash", Self.script, "up", tag, work],
                             environment: ["PACER": TwoNodeCluster.pacer, "DATA_LINK": dataLink ? "yes" : "no"])
        try #require(result.status == 0, "topology setup failed: \(result.stderr)")
    }

    deinit {
        _ = try? run(["/bin/bash", Self.script, "down", tag, work])
        try? FileManager.default.removeItem(atPath: work)
    }

    func namespace(_ node: String) -> String { "\(tag)-\(node)" }

    func start(_ node: String) throws {
        let result = try run(["/bin/bash", Self.script, "start", tag, work, node, TwoNodeCluster.pacerd])
        try #require(result.status == 0, "\(result.stderr)")
    }

    @discardableResult
    func pacer(_ node: String, _ arguments: [String]) throws -> CommandResult {
        try run(["/usr/sbin/ip", "netns", "exec", namespace(node), TwoNodeCluster.pacer] + arguments, environment: ["CIB_file": ""])
    }

    /// Nodes that have the VIP on their data interface right now.
    func vipOwners() -> [String] {
        ["alpha", "bravo"].filter { node in
            ((try? run(["/usr/sbin/ip", "-n", namespace(node), "-4", "addr", "show", "dev", "eth0"]))?.stdout ?? "").contains(Self.vip + "/")
        }
    }

    /// One HTTP request from the client through the VIP.
    func clientServed() -> Bool {
        let result = try? run(["/usr/sbin/ip", "netns", "exec", namespace("client"), "curl", "-s", "--max-time", "0.5", "http://\(Self.vip)/"])
        return result?.stdout.contains("hello from the backend") == true
    }

    func pid(_ file: String) -> Int32? {
        (try? String(contentsOfFile: "\(work)/\(file)", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// HAProxy's pid on `node` (its agent keeps the pid file in the node's HA_RSCTMP).
    func haproxyPID(_ node: String) -> Int32? {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(work)/\(node)/rsctmp")) ?? []
        return files.first { $0.hasPrefix("haproxy") && $0.hasSuffix(".pid") }.flatMap { pid("\(node)/rsctmp/\($0)") }
    }

    /// Power-off: the node's links lose carrier, its daemon and HAProxy die, its addresses vanish.
    func powerOff(_ node: String) {
        _ = try? run(["/usr/sbin/ip", "-n", namespace(node), "link", "set", "il0", "down"])
        _ = try? run(["/usr/sbin/ip", "-n", namespace(node), "link", "set", "eth0", "down"])
        if let pid = pid("\(node).pid") { kill(pid, SIGKILL) }
        if let pid = haproxyPID(node) { kill(pid, SIGKILL) }
        _ = try? run(["/usr/sbin/ip", "-n", namespace(node), "addr", "flush", "dev", "eth0"])
        for file in (try? FileManager.default.contentsOfDirectory(atPath: "\(work)/\(node)/rsctmp")) ?? [] {
            try? FileManager.default.removeItem(atPath: "\(work)/\(node)/rsctmp/\(file)")
        }
    }

    /// Power back on: links up, addresses back, daemon started.
    func powerOn(_ node: String) throws {
        let address = node == "alpha" ? "192.168.77.11/24" : "192.168.77.12/24"
        _ = try run(["/usr/sbin/ip", "-n", namespace(node), "addr", "add", address, "dev", "eth0"])
        _ = try run(["/usr/sbin/ip", "-n", namespace(node), "link", "set", "eth0", "up"])
        _ = try run(["/usr/sbin/ip", "-n", namespace(node), "link", "set", "il0", "up"])
        try start(node)
    }

    func setInterlink(_ up: Bool) {
        for node in ["alpha", "bravo"] {
            _ = try? run(["/usr/sbin/ip", "-n", namespace(node), "link", "set", "il0", up ? "up" : "down"])
        }
    }

    func cib(_ node: String) -> String { (try? String(contentsOfFile: "\(work)/\(node)/state/cib.xml", encoding: .utf8)) ?? "" }

    func logs() -> String {
        ["alpha", "bravo"].map { "---- \($0) ----\n" + ((try? String(contentsOfFile: "\(work)/\($0).log", encoding: .utf8)) ?? "") }
            .joined(separator: "\n")
    }

    func wait(upTo seconds: Double, every interval: useconds_t = 50_000, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(interval)
        }
        return condition()
    }

    /// A pair serving the client through the canonical group, and the node running it;
    /// nil (with the logs recorded as an issue) when the client is never served.
    static func serving(dataLink: Bool = true) throws -> (NetnsPair, String)? {
        let pair = try NetnsPair(dataLink: dataLink)
        guard let owner = try pair.bringUpGroup() else {
            Issue.record("the client was never served\n\(pair.logs())")
            return nil
        }
        return (pair, owner)
    }

    /// Sends `signal` to `node`'s pacerd and HAProxy; returns their pids.
    @discardableResult
    func signalStack(of node: String, _ signal: Int32) throws -> (daemon: Int32, haproxy: Int32) {
        let daemon = try #require(pid("\(node).pid")), haproxy = try #require(haproxyPID(node), "no HAProxy pid file on \(node)")
        kill(daemon, signal)
        kill(haproxy, signal)
        return (daemon, haproxy)
    }

    /// Starts both daemons and configures the canonical group; returns the node running it.
    func bringUpGroup() throws -> String? {
        try start("alpha")
        try start("bravo")
        let member = wait(upTo: 30) { (try? self.pacer("alpha", ["cluster", "show"]).stdout.contains("peer-state=member")) == true }
        try #require(member, "the nodes never saw each other\n\(logs())")
        let configured = try pacer("alpha", ["configure", "-f", "\(work)/pair.crm"])
        try #require(configured.status == 0, "\(configured.stderr)")
        guard wait(upTo: 60, { self.clientServed() }) else { return nil }
        return vipOwners().first
    }
}
