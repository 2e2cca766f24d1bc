// SPDX-License-Identifier: GPL-2.0-or-later
/// A cluster node as the scheduler sees it. Mirrors `pe_node_t` + `pe_node_shared_s`.
final class Node {
    let id: String
    let uname: String
    /// Position in the node list (sorted by uname as `unpack_nodes()` does).
    var index = 0
    /// The node's configured `score`, copied into every resource's allowed-node table.
    var baseWeight = 0
    var online = false
    var unclean = false
    var standby = false
    var maintenance = false
    var shutdown = false
    var pending = false
    var expectedUp = false
    var isDC = false
    var unpacked = false
    /// Node attributes: `#uname`, `#id`, `#is_dc`, instance and transient attributes.
    var attributes: [String: String] = [:]
    /// Resources assigned here so far (`num_resources`), used to balance ties.
    var numResources = 0
    var hasState = false
    /// Remaining capacity by utilization attribute (`details->utilization`).
    var utilization: [String: Int] = [:]
    /// Parsed fail-count attributes by resource id (built on first use).
    var failTable: [String: (count: Int, last: Int)]?

    init(id: String, uname: String) {
        self.id = id
        self.uname = uname
    }

    /// Mirrors `pcmk__node_available()` without the score check.
    var available: Bool { online && !shutdown && !unclean && !standby && !maintenance }
}
