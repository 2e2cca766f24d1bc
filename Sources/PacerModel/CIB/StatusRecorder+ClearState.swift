// SPDX-License-Identifier: GPL-2.0-or-later

extension StatusRecorder {
    /// `crm node clearstate NODE` for a node that is down: crmsh 4.4.1 runs `stonith_admin
    /// --confirm NODE`, and Pacemaker's controller records the confirmed fencing as it records any
    /// (`send_stonith_update()` then `controld_delete_node_state()`): the node cleanly down
    /// (`in_ccm=false crmd=offline join=down expected=down`), its resource history and transient
    /// attributes gone. The scheduler then no longer fences the node and recovers its resources.
    public mutating func confirmDown(_ uname: String) {
        withNodeState(uname) { state in
            for (name, value) in [("in_ccm", "false"), ("crmd", "offline"), ("join", "down"), ("expected", "down"),
                                  ("crm-debug-origin", "send_stonith_update")] where state[name] != value {
                state[name] = value
            }
            state.removeElements { $0.name == "lrm" || $0.name == "transient_attributes" }
        }
    }

    /// Whether the node is known to be down cleanly (`crmd=offline` and `expected=down`), as
    /// after ``confirmDown(_:)``: ``setMembership(_:online:expectedDown:)`` keeps it so while
    /// the node stays away, since only a node that joins again is expected up.
    public func isConfirmedDown(_ uname: String) -> Bool {
        guard let state = cib.firstElement(named: "status")?.elements(named: "node_state").first(where: { $0["uname"] == uname }) else {
            return false
        }
        return state["crmd"] == "offline" && state["expected"] == "down"
    }
}
