// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerMembership
import PacerModel
import PacerMonView
import PacerXML
import Testing
import PacerTestKit
import PacerWire

/// The "Pacer:" section (daemon extras) and the JSON mirror, in-process.
@Suite("Pacer section and JSON")
struct PacerSectionTests {
    /// proxy-pair.xml with two online nodes, the group on pm01 and the given extra constraints.
    static func cib(constraints: [XMLElement] = [], standby: Bool = false) throws -> XMLElement {
        var cib = try Tool.read(Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path)
        cib.modifyAll(where: { $0.name == "nodes" }) { nodes in
            var pm01 = XMLElement("node", [("id", "1"), ("uname", "pm01")])
            if standby {
                pm01.append(XMLElement("instance_attributes", [("id", "nodes-1")], elements: [
                    XMLElement("nvpair", [("id", "nodes-1-standby"), ("name", "standby"), ("value", "on")]),
                ]))
            }
            nodes.append(pm01)
            nodes.append(XMLElement("node", [("id", "2"), ("uname", "pm02")]))
        }
        cib.modifyAll(where: { $0.name == "constraints" }) { c in for x in constraints { c.append(x) } }
        cib.modifyAll(where: { $0.name == "status" }) { status in
            for (id, name) in [("1", "pm01"), ("2", "pm02")] {
                status.append(XMLElement("node_state", [("id", id), ("uname", name), ("in_ccm", "true"), ("crmd", "online"),
                                                        ("join", "member"), ("expected", "member")]))
            }
        }
        return cib
    }

    static let extras = DaemonStatus(node: "pm01", peer: "pm02", dc: "pm01", peerState: .member, hasQuorum: true,
                                     interval: .seconds(1), deadtime: .seconds(3), lastTransition: "completed in 0.420s",
                                     links: [("link0", .up), ("link1", .down)], alerts: nil)

    static let move = XMLElement("rsc_location", [("id", "cli-prefer-proxyGroup"), ("rsc", "proxyGroup"), ("role", "Started"),
                                                  ("node", "pm02"), ("score", "INFINITY")])

    @Test("a move constraint is listed with the command that clears it")
    func moveConstraintListed() throws {
        let text = MonView.text(cib: try Self.cib(constraints: [Self.move]), now: 1_790_000_000, extras: Self.extras)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "Pacer:"))
        #expect(lines[start - 1] == "", "the section follows the summary after an empty line")
        #expect(lines.contains("    * proxyGroup moved to pm02 (cli-prefer-proxyGroup): clear with 'pacer resource clear proxyGroup'"))
        #expect(lines.contains("  * Overrides:"))
        #expect(lines.contains("    * link0: up"))
        #expect(lines.contains("    * link1: down"))
        #expect(lines.contains("  * Failure detection: heartbeat every 1.0 seconds, peer declared lost after 3.0 seconds of silence"))
        #expect(lines.contains("  * Last transition: completed in 0.420s"))
        #expect(lines.contains("  * Node: pm01, peer pm02 (member), DC pm01, with quorum"))
        // The crm_mon sections follow unchanged.
        let nodeList = try #require(lines.firstIndex(of: "Node List:"))
        #expect(nodeList > start)
    }

    @Test("bans, standby nodes, unmanaged and stopped resources are overrides too")
    func otherOverrides() throws {
        let ban = XMLElement("rsc_location", [("id", "cli-ban-proxyGroup-on-pm01"), ("rsc", "proxyGroup"), ("role", "Started"),
                                              ("node", "pm01"), ("score", "-INFINITY")])
        var cib = try Self.cib(constraints: [ban], standby: true)
        cib.modifyAll(where: { $0.name == "primitive" && $0["id"] == "vIP_10" }) { p in
            p.append(XMLElement("meta_attributes", [("id", "vIP_10-meta")], elements: [
                XMLElement("nvpair", [("id", "vIP_10-meta-managed"), ("name", "is-managed"), ("value", "false")]),
            ]))
        }
        cib.modifyAll(where: { $0.name == "meta_attributes" && $0["id"] == "haproxyd-meta_attributes" }) { m in
            m.append(XMLElement("nvpair", [("id", "haproxyd-meta-role"), ("name", "target-role"), ("value", "Stopped")]))
        }
        let text = MonView.text(cib: cib, now: 1_790_000_000, extras: Self.extras)
        for line in [
            "    * proxyGroup banned from pm01 (cli-ban-proxyGroup-on-pm01): clear with 'pacer resource clear proxyGroup'",
            "    * node pm01 in standby: clear with 'pacer node online pm01'",
            "    * vIP_10 unmanaged (is-managed=false): clear with 'pacer resource manage vIP_10'",
            "    * haproxyd stopped (target-role=Stopped): clear with 'pacer resource start haproxyd'",
        ] {
            #expect(text.contains(line + "\n"), "missing: \(line)\n\(text)")
        }
    }

    @Test("without extras there is no Pacer section, and none in crm_mon's order when nothing is overridden")
    func noExtras() throws {
        let cib = try Self.cib()
        #expect(!MonView.text(cib: cib, now: 0).contains("Pacer:"))
        #expect(MonView.text(cib: cib, now: 0, extras: Self.extras).contains("  * Overrides: none\n"))
    }

    @Test("JSON mirrors the XML document and carries the Pacer section")
    func json() throws {
        let cib = try Self.cib(constraints: [Self.move])
        let text = MonView.json(cib: cib, now: 1_790_000_000, request: "pacer status --output-as=json", extras: Self.extras)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["api-version"] as? String == "2.25")
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["name"] as? String } == ["pm01", "pm02"])
        #expect(nodes.first?["online"] as? Bool == true)
        let resources = try #require(object["resources"] as? [[String: Any]])
        #expect(resources.first?["kind"] as? String == "group")
        #expect((resources.first?["resources"] as? [[String: Any]])?.count == 3)
        let pacer = try #require(object["pacer"] as? [String: Any])
        let overrides = try #require(pacer["overrides"] as? [[String: Any]])
        #expect(overrides.first?["clear"] as? String == "pacer resource clear proxyGroup")
        #expect((pacer["links"] as? [[String: Any]])?.count == 2)
        #expect((object["status"] as? [String: Any])?["code"] as? Int == 0)
        // Same input, same bytes: nothing depends on hashing.
        #expect(text == MonView.json(cib: cib, now: 1_790_000_000, request: "pacer status --output-as=json", extras: Self.extras))
    }
}

/// Sample outputs of crm_mon 2.1.5 (REFERENCE.md §3) that need no simulation.
@Suite("crm_mon samples")
struct ReferenceSampleTests {
    @Test("summary header, plurals and the two spaces after Last change")
    func summary() throws {
        var cib = try PacerSectionTests.cib()
        for (k, v) in [("dc-uuid", "1"), ("cib-last-written", "Mon Nov 23 15:00:00 2026"), ("update-origin", "pm01"),
                       ("update-client", "cibadmin"), ("update-user", "root"), ("have-quorum", "1")] { cib[k] = v }
        cib.modifyAll(where: { $0.name == "cluster_property_set" }) { set in
            set.append(XMLElement("nvpair", [("id", "o-dcv"), ("name", "dc-version"), ("value", "2.1.5-a3f44794f94")]))
            set.append(XMLElement("nvpair", [("id", "o-ci"), ("name", "cluster-infrastructure"), ("value", "corosync")]))
        }
        // 2026-11-23 15:20:35 UTC
        let text = MonView.text(cib: cib, now: 1_795_447_235, options: MonOptions(inactive: true))
        #expect(text == """
            Cluster Summary:
              * Stack: corosync
              * Current DC: pm01 (version 2.1.5-a3f44794f94) - partition with quorum
              * Last updated: Mon Nov 23 15:20:35 2026
              * Last change:  Mon Nov 23 15:00:00 2026 by root via cibadmin on pm01
              * 2 nodes configured
              * 3 resource instances configured

            Node List:
              * Online: [ pm01 pm02 ]

            Full List of Resources:
              * Resource Group: proxyGroup:
                * ckVIP\t(ocf:heartbeat:VIPcheck):\t Stopped
                * vIP_10\t(ocf:heartbeat:IPaddr2):\t Stopped
                * haproxyd\t(ocf:heartbeat:haproxy):\t Stopped

            """)
        #expect(MonView.text(cib: cib, now: 1_795_447_235).hasSuffix("Active Resources:\n  * No active resources\n"))
    }
}
