// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerWire

/// The "Pacer:" section `pacer status` adds after the Cluster Summary when the local
/// daemon answers: membership, interlinks, the detection time in force, the last
/// transition, and every operator override still in force with the command that clears it.
struct PacerSection {
    let state: MonState
    let extras: DaemonStatus

    /// One override: what it is and how to clear it.
    struct Override {
        var kind: String
        var id: String?
        var resource: String?
        var node: String?
        var description: String
        var clear: String
    }

    /// Overrides in a fixed order: location constraints from `move`/`ban` (document order),
    /// then standby and maintenance nodes (node order), then resources (configuration order).
    var overrides: [Override] {
        var result: [Override] = []
        for c in state.locationConstraints {
            for (node, _) in c.nodes {
                if c.id.hasPrefix("cli-prefer-") {
                    result.append(Override(kind: "move", id: c.id, resource: c.resource, node: node,
                                           description: "\(c.resource) moved to \(node) (\(c.id))",
                                           clear: "pacer resource clear \(c.resource)"))
                } else if c.id.hasPrefix("cli-ban-") {
                    result.append(Override(kind: "ban", id: c.id, resource: c.resource, node: node,
                                           description: "\(c.resource) banned from \(node) (\(c.id))",
                                           clear: "pacer resource clear \(c.resource)"))
                }
            }
        }
        for node in state.nodes {
            if isTrue(node.attributes["standby"]) {
                result.append(Override(kind: "standby", node: node.name, description: "node \(node.name) in standby",
                                       clear: "pacer node online \(node.name)"))
            }
            if isTrue(node.attributes["maintenance"]) {
                result.append(Override(kind: "node-maintenance", node: node.name,
                                       description: "node \(node.name) in maintenance",
                                       clear: "pacer node ready \(node.name)"))
            }
        }
        if state.options.maintenanceMode {
            result.append(Override(kind: "maintenance-mode", description: "cluster in maintenance mode",
                                   clear: "pacer configure property maintenance-mode=false"))
        }
        func resourceOverrides(_ r: MonResource, parent: MonResource?) {
            let managedOff = r.meta["is-managed"].map { !isTrue($0) } ?? false
            if managedOff && parent?.meta["is-managed"] != r.meta["is-managed"] {
                result.append(Override(kind: "unmanaged", resource: r.id, description: "\(r.id) unmanaged (is-managed=false)",
                                       clear: "pacer resource manage \(r.id)"))
            }
            if r.disabled && parent?.targetRole?.lowercased() != "stopped" {
                result.append(Override(kind: "stopped", resource: r.id, description: "\(r.id) stopped (target-role=Stopped)",
                                       clear: "pacer resource start \(r.id)"))
            }
            for m in r.members { resourceOverrides(m, parent: r) }
        }
        for r in state.resources where !r.orphan { resourceOverrides(r, parent: nil) }
        return result
    }

    func text(into out: inout TextOutput) {
        out.spacer()
        out.beginList("Pacer")
        let membership = "Node: \(extras.node), peer \(extras.peer) (\(extras.peerState)), DC \(extras.dc)"
        out.item(membership + (extras.hasQuorum ? ", with quorum" : ", WITHOUT quorum"))
        out.list("Interlinks", extras.links.map { "\($0.name): \($0.state)" }, empty: "Interlinks: none reported")
        out.item("Failure detection: heartbeat every \(extras.interval), peer declared lost after \(extras.deadtime) of silence")
        out.item("Last transition: \(extras.lastTransition)")
        if let alerts = extras.alerts {
            var title = "Alerts: \(alerts.finished) run, \(alerts.failed) failed"
            if alerts.running > 0 { title += ", \(alerts.running) running" }
            out.list(title, alerts.recent, empty: title)
        }
        out.list("Overrides", overrides.map { "\($0.description): clear with '\($0.clear)'" }, empty: "Overrides: none")
        out.endList()
    }

    func json() -> JSONValue {
        var fields: [(String, JSONValue)] = [("node", .string(extras.node)), ("peer", .string(extras.peer)),
                                             ("peer-state", .string("\(extras.peerState)")), ("dc", .string(extras.dc)),
                                             ("quorum", .bool(extras.hasQuorum))]
        fields.append(("links", .array(extras.links.map { .object([("name", .string($0.name)), ("state", .string("\($0.state)"))]) })))
        fields.append(("detection", .object([("interval", .string("\(extras.interval)")), ("deadtime", .string("\(extras.deadtime)"))])))
        fields.append(("last-transition", .string(extras.lastTransition)))
        if let alerts = extras.alerts {
            fields.append(("alerts", .object([("run", .number(alerts.finished)), ("failed", .number(alerts.failed)),
                                              ("running", .number(alerts.running)),
                                              ("recent", .array(alerts.recent.map(JSONValue.string)))])))
        }
        fields.append(("overrides", .array(overrides.map { o in
            var f: [(String, JSONValue)] = [("kind", .string(o.kind))]
            if let id = o.id { f.append(("id", .string(id))) }
            if let r = o.resource { f.append(("resource", .string(r))) }
            if let n = o.node { f.append(("node", .string(n))) }
            f.append(("description", .string(o.description)))
            f.append(("clear", .string(o.clear)))
            return .object(f)
        })))
        return .object(fields)
    }
}
