// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Node state from `<node_state>`. Mirrors `unpack_node_state()`,
/// `determine_online_status()` and `unpack_node_history()` (lib/pengine/unpack.c).
extension WorkingSet {
    func findNode(id: String?, uname: String?) -> Node? {
        if let id, let n = nodeByID[id] { return n }
        if let uname, let n = nodeByUname[uname] { return n }
        return nil
    }

    func unpackStatus() {
        guard let status = input.firstElement(named: "status") else { return }
        unpackTickets()
        let states = status.elements(named: "node_state")
        for state in states {
            guard let id = state["id"], let uname = state["uname"] else {
                warn("Ignoring malformed node_state entry without id or uname"); continue
            }
            guard let node = findNode(id: id, uname: uname), !node.orphanConnection else {
                warn("Ignoring recorded node state for '\(uname)' because it is no longer in the configuration")
                continue
            }
            node.hasState = true
            if node.isRemote {
                // Remote nodes are unpacked once their connection's state is known.
                node.remoteWasFenced = (Int(state["node_fenced"] ?? "") ?? 0) != 0
                continue
            }
            if let t = state.firstElement(named: "transient_attributes") {
                var attrs: [String: String] = [:]
                nvpairs(of: t, setName: "instance_attributes", node: node, into: &attrs)
                for (k, v) in attrs { node.attributes[k] = v }
                node.standby = isTrue(node.attributes["standby"])
                node.maintenance = isTrue(node.attributes["maintenance"])
            }
            node.unclean = false
            determineOnlineStatus(state, node)
            if !haveQuorum && node.online && noQuorumPolicy == .suicide {
                fenceNode(node, reason: "cluster does not have quorum")
            }
        }
        // unpack_node_history(): passes until no more node can be unpacked; a remote
        // node's history waits for its connection (and guest resource) to be started.
        var progress = true
        while progress {
            progress = false
            for (index, state) in states.enumerated() {
                guard let node = findNode(id: state["id"], uname: state["uname"]), !node.unpacked else { continue }
                if node.isGuest {
                    guard let rsc = node.remoteRsc, rsc.role == .started, rsc.container?.role == .started else { continue }
                } else if node.isRemote {
                    guard let rsc = node.remoteRsc, rsc.role == .started else { continue }
                } else if !stonithEnabled && !node.online {
                    continue
                }
                unpackHistoryOf(node, state, stateIndex: index)
                progress = true
            }
        }
        if stonithEnabled {
            for (index, state) in states.enumerated() {
                guard let node = findNode(id: state["id"], uname: state["uname"]), !node.unpacked else { continue }
                unpackHistoryOf(node, state, stateIndex: index)
            }
        }
        for node in nodes where node.isRemote {
            if node.shutdown, let rsc = node.remoteRsc { rsc.nextRole = .stopped }
            if !node.unpacked { determineRemoteOnlineStatus(node) }
        }
    }

    private func unpackHistoryOf(_ node: Node, _ state: XMLElement, stateIndex: Int) {
        if node.isRemote {
            determineRemoteOnlineStatus(node)
            unpackRemoteAttributes(node, state)
        }
        node.unpacked = true
        unpackNodeHistory(node, state, stateIndex: stateIndex)
    }

    private func determineOnlineStatus(_ state: XMLElement, _ node: Node) {
        let exp = state["expected"]
        node.shutdown = false
        node.expectedUp = false
        if let s = node.attributes["shutdown"], !s.isEmpty, s != "0" {
            node.shutdown = true
        } else if exp?.lowercased() == "member" {
            node.expectedUp = true
        }
        let online = stonithEnabled ? onlineWithFencing(state, node) : onlineWithoutFencing(state, node)
        node.online = online
    }

    private func onlineWithoutFencing(_ state: XMLElement, _ node: Node) -> Bool {
        let join = state["join"]?.lowercased(), peer = state["crmd"]?.lowercased()
        if !isTrue(state["in_ccm"]) { return false }
        if peer == "online" { return join == "member" }
        if !node.expectedUp { return false }
        fenceNode(node, reason: "peer is unexpectedly down")
        return false
    }

    private func onlineWithFencing(_ state: XMLElement, _ node: Node) -> Bool {
        let join = state["join"]?.lowercased(), inCluster = state["in_ccm"]
        let crmdOnline = state["crmd"]?.lowercased() == "online"
        let exp = state["expected"]?.lowercased() ?? "down"
        let terminateRaw = node.attributes["terminate"] ?? ""
        let terminate = isTrue(terminateRaw) || (terminateRaw.first.map { $0 != "0" && $0.isNumber } ?? false)
        var online = isTrue(inCluster)
        if node.shutdown {
            online = crmdOnline
        } else if inCluster == nil {
            fenceNode(node, reason: "peer has not been seen by the cluster")
        } else if join == "banned" {   // CRMD_JOINSTATE_NACK
            fenceNode(node, reason: "peer failed Pacemaker membership criteria")
        } else if !terminate && exp == "down" {
            if isTrue(inCluster) || crmdOnline { node.standby = true; node.pending = true }
        } else if terminate && join == "down" && !isTrue(inCluster) && !crmdOnline {
            online = false
        } else if !isTrue(inCluster) {
            fenceNode(node, reason: "peer is no longer part of the cluster")
        } else if !crmdOnline {
            fenceNode(node, reason: "peer process is no longer available")
        } else if terminate {
            fenceNode(node, reason: "termination was requested")
        } else if join == "member" {
        } else if join == "pending" || join == "down" {
            node.standby = true; node.pending = true
        } else {
            fenceNode(node, reason: "peer was in an unknown state")
        }
        return online
    }
}
