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

    /// A cluster node, a Pacemaker Remote node or a guest node (`pe__is_remote_node()`).
    var kind = ClusterStatus.NodeKind.cluster
    /// The connection resource of a remote or guest node (`remote_rsc`).
    var remoteRsc: Resource?
    /// Not seen in the status yet (startup fencing may still be revoked).
    var unseen = false
    /// A remote or guest node that must be reset (`remote_requires_reset`).
    var remoteRequiresReset = false
    /// The status says the remote node was fenced (`node_fenced`).
    var remoteWasFenced = false
    /// Probes are allowed here (`resource-discovery-enabled`).
    var rscDiscoveryEnabled = true

    /// Made for a connection found only in the status (`create_fake_resource()`): not
    /// among the nodes resources were given as symmetric default.
    var orphanConnection = false

    /// A Pacemaker Remote or guest node.
    var isRemote: Bool { kind != .cluster }
    var isGuest: Bool { kind == .guest }

    init(id: String, uname: String) {
        self.id = id
        self.uname = uname
    }

    /// Mirrors `pcmk__node_available()` without the score check.
    var available: Bool { online && !shutdown && !unclean && !standby && !maintenance }
}

/// A set of node indexes (where a resource's state is known, `rsc->known_on`). The first 64
/// are bits of one word, so the usual set (a node or two per resource) allocates nothing.
struct NodeIndexSet {
    private var low: UInt64 = 0
    private var high: Set<Int> = []

    var isEmpty: Bool { low == 0 && high.isEmpty }

    func contains(_ index: Int) -> Bool {
        (0..<64).contains(index) ? low & (1 << UInt64(index)) != 0 : high.contains(index)
    }

    mutating func insert(_ index: Int) {
        if (0..<64).contains(index) { low |= 1 << UInt64(index) } else { high.insert(index) }
    }

    mutating func formUnion(_ other: NodeIndexSet) {
        low |= other.low
        high.formUnion(other.high)
    }
}
