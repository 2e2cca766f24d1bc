// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
import PacerModel
#endif

/// `/etc/pacer/pacer.conf`: the two nodes, their links, timings and where things live.
///
/// The format is INI-like:
///
///     [cluster]
///     name = lbpair
///     authkey = /etc/pacer/authkey
///     port = 5405                  # UDP heartbeats; TCP CIB replication on port + 1
///     interval = 100ms
///     deadtime = 300ms
///
///     [node alpha]
///     interlink = 10.0.0.1
///     data = 192.168.10.11         # optional second link
///
///     [node bravo]
///     interlink = 10.0.0.2
///     data = 192.168.10.12
///
/// Parsing reports every problem with its line number; nothing is guessed.
public struct ClusterConfig: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        /// The dedicated interlink address (link 0).
        public var interlink: String
        /// An optional second link, usually the data network (link 1).
        public var data: String?
        public var line: Int
    }

    public var clusterName: String
    public var nodes: [Node]
    public var authkeyPath: String
    /// UDP port for heartbeats; the CIB replication (TCP) uses `port + 1`.
    public var port: UInt16
    public var interval: Duration
    public var deadtime: Duration
    public var stateDirectory: String
    /// Where the IPC socket lives (libqb names it under /dev/shm or the abstract namespace).
    public var ipcName: String
    public var twoNode: Bool
    public var waitForAll: Bool

    public static let defaultPath = "/etc/pacer/pacer.conf"

    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// The other node of the pair.
    public func peer(of name: String) -> Node? { nodes.first { $0.name != name } }
}
