// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// pacerd refuses bad configurations and keys with clear messages, and survives bad peers and clients.
@Suite("pacerd: bad input", .serialized)
struct DaemonBadInputTests {
    func pacerd(_ cluster: TwoNodeCluster, config: String) throws -> CommandResult {
        try run([TwoNodeCluster.pacerd, "--config", config, "--node", "alpha", "--state-dir", cluster.stateDirectory("alpha"),
                 "--ipc-name", cluster.ipcName("alpha"), "--ocf-root", "\(cluster.root)/ocf"])
    }

    @Test("a malformed configuration is reported line by line with exit status 78")
    func malformedConfig() throws {
        let cluster = try TwoNodeCluster()
        let path = "\(cluster.root)/bad.conf"
        try "[cluster]\nname = it\nintervall = 100ms\n[node alpha]\ninterlink = 127.0.0.1\n[node bravo]\ninterlink = 10.0.0.999\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try pacerd(cluster, config: path)
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(path):3: unknown key 'intervall'"), "\(result.stderr)")
        #expect(result.stderr.contains("\(path):7: interlink '10.0.0.999'"), "\(result.stderr)")
    }

    @Test("a configuration others can change, or a FIFO in its place, is refused at once")
    func configFileChecks() throws {
        let cluster = try TwoNodeCluster()
        let path = "\(cluster.root)/pacer.conf"
        chmod(path, 0o666)
        let open = try pacerd(cluster, config: path)
        #expect(open.status == 78)
        #expect(open.stderr.contains("has mode 666; refusing a configuration others can change"), "\(open.stderr)")
        let fifo = "\(cluster.root)/fifo.conf"
        #expect(mkfifo(fifo, 0o600) == 0)
        let blocked = try pacerd(cluster, config: fifo)
        #expect(blocked.status == 78 && blocked.stderr.contains("is a FIFO, not a regular file"), "\(blocked.stderr)")
    }

    @Test("a missing or world-readable authkey is refused")
    func authkeyChecks() throws {
        let cluster = try TwoNodeCluster()
        let key = "\(cluster.root)/authkey"
        chmod(key, 0o644)
        let open = try pacerd(cluster, config: "\(cluster.root)/pacer.conf")
        #expect(open.status == 1)
        #expect(open.stderr.contains("has mode 644; refusing a key others can read"), "\(open.stderr)")
        try FileManager.default.removeItem(atPath: key)
        let missing = try pacerd(cluster, config: "\(cluster.root)/pacer.conf")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("does not exist; create it with 'pacer keygen'"), "\(missing.stderr)")
    }

    @Test("an IPC name squatted by another user stops pacerd with a message naming the squatter")
    func squattedIPCName() throws {
        let cluster = try TwoNodeCluster()
        guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("setpriv (util-linux) is needed to run a process as another user")
            return
        }
        let probe = Tool.binary("pacer-ipc-probe")
        let squatter = Process()
        squatter.executableURL = URL(fileURLWithPath: setpriv)
        squatter.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", probe, cluster.ipcName("alpha"), "serve", "-"]
        try squatter.run()
        defer {
            kill(squatter.processIdentifier, SIGKILL)
            squatter.waitUntilExit()
            removeIPCLeftovers(containing: cluster.ipcName("alpha"))
        }
        // The squatter is up once the name answers (and pacer refuses it).
        let up = cluster.wait(upTo: 10) { (try? cluster.pacer("alpha", ["status", "-1"]).stderr.contains("not by the daemon")) == true }
        try #require(up, "the squatter never served")
        let result = try pacerd(cluster, config: "\(cluster.root)/pacer.conf")
        #expect(result.status != 0)
        #expect(result.stderr.contains("served by process \(squatter.processIdentifier) of uid 65534"), "\(result.stderr)")
    }

    @Test("a peer with a different key is never a member and is logged once per interval, not per packet")
    func wrongKeyPeer() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        // bravo gets its own configuration with a different key.
        let other = "\(cluster.root)/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: "\(cluster.root)/pacer.conf", encoding: .utf8)
            .replacingOccurrences(of: "authkey = \(cluster.root)/authkey", with: "authkey = \(other)/authkey")
        try text.write(toFile: "\(other)/pacer.conf", atomically: true, encoding: .utf8)
        #expect(try run([TwoNodeCluster.pacer, "keygen", "--output", "\(other)/authkey"]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TwoNodeCluster.pacerd)
        process.arguments = ["--config", "\(other)/pacer.conf", "--node", "bravo", "--state-dir", cluster.stateDirectory("bravo"),
                             "--ipc-name", cluster.ipcName("bravo"), "--ocf-root", "\(cluster.root)/ocf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        usleep(3_000_000)
        let log = (try? String(contentsOfFile: cluster.logPath("alpha"), encoding: .utf8)) ?? ""
        #expect(!log.contains("to=member"), "a peer with the wrong key became a member:\n\(log)")
        let reports = log.components(separatedBy: "Heartbeats rejected").count - 1
        #expect(reports >= 1 && reports <= 2, "\(reports) reports in 3 s (about 90 packets were rejected):\n\(log)")
        #expect(log.contains("failed authentication"))
    }

    @Test("a request larger than the IPC limit gets a clear error and the daemon carries on")
    func oversizedRequest() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        let script = "\(cluster.root)/huge.crm"
        try ("configure\nproperty blob=" + String(repeating: "x", count: 2 << 20) + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        let result = try cluster.pacer("alpha", ["configure", "-f", script])
        #expect(result.status != 0)
        #expect(result.stderr.contains("exceeds the IPC limit"), "\(result.stderr.prefix(300))")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try cluster.pacer("alpha", ["configure", "property", "small=1"]).status == 0, "the daemon stopped answering")
    }

    @Test("a request of another wire version is refused with an error naming both versions, and a log line")
    func otherWireVersion() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        // A frame whose first byte, the version, is "s" (115): what a client of another release might send.
        let reply = try run([Tool.binary("pacer-ipc-probe"), cluster.ipcName("alpha"), "request", "status"])
        #expect(reply.status == 0, "\(reply.stderr)")
        #expect(reply.stdout.contains("error"), "\(reply.stdout)")
        #expect(reply.stdout.contains("message of wire version 115, this node speaks version 1"), "\(reply.stdout)")
        #expect(cluster.wait(upTo: 5) {
            ((try? String(contentsOfFile: cluster.logPath("alpha"), encoding: .utf8)) ?? "").contains("Refusing a request of another wire version")
        })
        #expect(try cluster.pacer("alpha", ["status"]).status == 0, "the daemon stopped answering")
    }
}

/// Giving the second node the configuration and key (issue #12, point 4).
@Suite("cluster export and import")
struct ClusterBundleCLITests {
    @Test("export | import reproduces pacer.conf and the key (0600); a damaged bundle is refused with nothing written")
    func exportImport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-bundle-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let initd = try run([TwoNodeCluster.pacer, "cluster", "init", "--name", "lb", "--directory", dir, "--state-dir", "\(dir)/state",
                             "--node", "alpha=127.0.0.1", "--node", "bravo=127.0.0.2"])
        try #require(initd.status == 0, "\(initd.stderr)")
        let conf = try String(contentsOfFile: "\(dir)/pacer.conf", encoding: .utf8)
        let key = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/authkey"))
        let exported = try run([TwoNodeCluster.pacer, "cluster", "export", "--directory", dir])
        try #require(exported.status == 0, "\(exported.stderr)")
        #expect(!exported.stdout.contains("name = lb"), "the bundle is not plain text")
        // As on the other host: nothing there yet.
        try FileManager.default.removeItem(atPath: "\(dir)/pacer.conf")
        try FileManager.default.removeItem(atPath: "\(dir)/authkey")
        let bundle = "\(dir)/bundle"
        try exported.stdout.write(toFile: bundle, atomically: true, encoding: .utf8)
        let damaged = "\(dir)/damaged"
        try String(exported.stdout.dropLast(10)).write(toFile: damaged, atomically: true, encoding: .utf8)
        let refused = try run([TwoNodeCluster.pacer, "cluster", "import", damaged, "--directory", dir])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/pacer.conf") && !FileManager.default.fileExists(atPath: "\(dir)/authkey"))
        let imported = try run([TwoNodeCluster.pacer, "cluster", "import", bundle, "--directory", dir])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try String(contentsOfFile: "\(dir)/pacer.conf", encoding: .utf8) == conf)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/authkey")) == key)
        let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/authkey")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try run([TwoNodeCluster.pacer, "cluster", "import", bundle, "--directory", dir])
        #expect(again.status == 1 && again.stderr.contains("already exists"), "\(again.stderr)")
    }
}

/// XML bombs sent to a live daemon (issue #10, finding 5: "offline and live").
@Suite("XML bombs against a live pacerd", .serialized)
struct LiveXMLBombTests {
    @Test("replace-config with a billion-laughs or a deep configuration is refused at once; the daemon keeps running and serving")
    func bombsRefused() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try #require(cluster.wait(upTo: 10) { cluster.cib("alpha").contains("dc-version") })
        let probe = Tool.binary("pacer-ipc-probe")
        let laughs = "<!DOCTYPE configuration [<!ENTITY a \"aaaaaaaaaa\">" + (1...9).map { "<!ENTITY \(Character(UnicodeScalar(97 + $0)!)) \"" + String(repeating: "&\(Character(UnicodeScalar(96 + $0)!));", count: 10) + "\">" }.joined()
            + "]><configuration><crm_config><cluster_property_set id=\"x\"><nvpair id=\"y\" name=\"z\" value=\"&j;\"/></cluster_property_set></crm_config></configuration>"
        let deep = "<configuration>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</configuration>"
        let pid = cluster.processes["alpha"]!.processIdentifier
        for (name, bomb) in [("billion laughs", laughs), ("depth 100,000", deep)] {
            let cib = cluster.cib("alpha")
            func attribute(_ key: String) -> String {
                guard let range = cib.range(of: " \(key)=\"") else { return "0" }
                return String(cib[range.upperBound...].prefix { $0 != "\"" })
            }
            let base = "\(attribute("admin_epoch")).\(attribute("epoch")).\(attribute("num_updates"))"
            let started = Date()
            let file = "\(cluster.root)/bomb.xml"
            try bomb.write(toFile: file, atomically: true, encoding: .utf8)
            let reply = try run([probe, cluster.ipcName("alpha"), "strings", "edit", "replace-config", base, "@\(file)"])
            let elapsed = Date().timeIntervalSince(started)
            #expect(reply.status == 0, "\(name): \(reply.stderr)")
            #expect(reply.stdout.hasPrefix("error"), "\(name) was not refused: \(reply.stdout.prefix(200))")
            #expect(elapsed < 5, "\(name) took \(elapsed) s")
            #expect(kill(pid, 0) == 0, "pacerd died on \(name)")
            #expect(residentKiB(pid) < 50 * 1024, "\(name): pacerd at \(residentKiB(pid)) KiB")
        }
        #expect(try cluster.pacer("alpha", ["configure", "property", "after-bombs=yes"]).status == 0)
        #expect(cluster.wait(upTo: 5) { cluster.cib("bravo").contains("after-bombs") })
        #expect(!cluster.cib("alpha").contains("<a>"), "a bomb reached the disk")
    }
}
