// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import Testing

@Suite("cluster configuration file")
struct ClusterConfigTests {
    static let good = """
    # two nodes
    [cluster]
    name = lbpair
    authkey = /etc/pacer/authkey
    interval = 50ms
    deadtime = 0.2s

    [node alpha]
    interlink = 10.0.0.1
    data = 192.168.10.11   # service network

    [node bravo]
    interlink = 10.0.0.2
    data = 192.168.10.12
    """

    @Test("a valid file parses and renders back to the same configuration")
    func parsesAndRenders() throws {
        let config = try ClusterConfig.parse(Self.good)
        #expect(config.clusterName == "lbpair")
        #expect(config.nodes.map(\.name) == ["alpha", "bravo"])
        #expect(config.interval == .milliseconds(50) && config.deadtime == .milliseconds(200))
        #expect(config.peer(of: "alpha")?.interlink == "10.0.0.2")
        #expect(config.port == 5405 && config.twoNode && config.waitForAll)
        #expect(try ClusterConfig.parse(config.rendered()) == config.withLines(of: try ClusterConfig.parse(config.rendered())))
    }

    @Test("every problem is reported with its line number")
    func lineNumberedErrors() {
        let text = """
        [cluster]
        name = x
        intervall = 5
        deadtime = soon
        [node a]
        interlink = 10.0.0.300
        [node a]
        interlink = 10.0.0.2
        [nodes b]
        """
        #expect {
            try ClusterConfig.parse(text)
        } throws: { error in
            let errors = (error as! ConfigErrors).errors
            let lines = errors.map(\.line)
            return lines.contains(3) && errors.contains { $0.message.contains("'intervall'") }
                && lines.contains(4) && lines.contains(6) && lines.contains(7) && lines.contains(9)
        }
    }

    @Test("deadtime must exceed interval; exactly two nodes are required")
    func semanticChecks() {
        #expect(throws: ConfigErrors.self) {
            try ClusterConfig.parse("[cluster]\nname = x\ninterval = 1s\ndeadtime = 500ms\n[node a]\ninterlink = 10.0.0.1\n[node b]\ninterlink = 10.0.0.2\n")
        }
        #expect(throws: ConfigErrors.self) { try ClusterConfig.parse("[cluster]\nname = x\n[node a]\ninterlink = 10.0.0.1\n") }
    }

    @Test("durations and addresses")
    func primitives() {
        #expect(parseDuration("100ms") == .milliseconds(100))
        #expect(parseDuration("2s") == .seconds(2))
        #expect(parseDuration("1.5s") == .milliseconds(1500))
        #expect(parseDuration("fast") == nil)
        #expect(isIPAddress("127.0.0.2") && isIPAddress("fe80::1") && !isIPAddress("256.1.1.1") && !isIPAddress("alpha"))
    }
}

extension ClusterConfig {
    /// Line numbers differ between the original and the rendered file; compare the rest.
    func withLines(of other: ClusterConfig) -> ClusterConfig {
        var copy = self
        for index in copy.nodes.indices { copy.nodes[index].line = other.nodes[index].line }
        return copy
    }
}
