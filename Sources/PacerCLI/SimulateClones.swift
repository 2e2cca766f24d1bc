// SPDX-License-Identifier: GPL-2.0-or-later
import PacerScheduler
import PacerMonView

/// Clone sets in crm_simulate's status lists, as `pe__clone_default()`
/// (lib/pengine/clone.c) prints them: a "Clone Set:" header, instances that need
/// a line of their own, then "Started: [ … ]" and "Stopped: [ … ]" node lists.
enum CloneStatusView {
    /// Node and resource lines with clone sets; `lines` renders a snapshot of the
    /// given (non-clone) resources.
    static func lines(_ s: ClusterStatus, showPending: Bool,
                      render: ([ClusterStatus.ResourceState]) -> [String]) -> [String] {
        let header = render(s.resources)
        guard let listStart = header.firstIndex(of: "  * Full List of Resources:") else { return render(s.resources) }
        var out = Array(header[...listStart])
        for r in s.resources {
            if let clone = r.clone {
                // resource_list(): an active clone running on no node of its own (only
                // unmanaged instances on lost nodes) is not listed.
                if clone.runningNodes.isEmpty && r.active { continue }
                out += cloneLines(r, clone, showPending: showPending, nodeStates: s.nodes, render: render)
            } else {
                out += body(render([r]))
            }
        }
        return out
    }

    /// The resource lines of a rendered one-resource status.
    private static func body(_ lines: [String]) -> [String] {
        guard let i = lines.firstIndex(of: "  * Full List of Resources:") else { return [] }
        return Array(lines[(i + 1)...])
    }

    /// `native_active()`: running on a node that is unclean or online (or offline, when
    /// unmanaged); an instance on a node that is cleanly down is not active.
    private static func active(_ r: ClusterStatus.ResourceState, _ nodes: [String: ClusterStatus.NodeState]) -> Bool {
        if r.isGroup { return r.members.contains { active($0, nodes) } }
        return r.nodes.contains { name in
            guard let n = nodes[name] else { return true }
            return n.unclean || n.online || !r.managed
        }
    }

    private static func fullyActive(_ r: ClusterStatus.ResourceState, _ nodes: [String: ClusterStatus.NodeState]) -> Bool {
        r.isGroup ? r.members.allSatisfy { fullyActive($0, nodes) } : active(r, nodes)
    }

    private static func any(_ r: ClusterStatus.ResourceState, _ test: (ClusterStatus.ResourceState) -> Bool) -> Bool {
        test(r) || r.members.contains { any($0, test) }
    }

    /// Node names compared as `pcmk__numeric_strcasecmp()`.
    static func nodeNameLess(_ a: String, _ b: String) -> Bool {
        let x = Array(a.lowercased().utf8), y = Array(b.lowercased().utf8)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            let dx = x[i] >= 48 && x[i] <= 57, dy = y[j] >= 48 && y[j] <= 57
            if dx && dy {
                var p = i, q = j
                while p < x.count && x[p] >= 48 && x[p] <= 57 { p += 1 }
                while q < y.count && y[q] >= 48 && y[q] <= 57 { q += 1 }
                let nx = Int(String(decoding: x[i..<p], as: UTF8.self)) ?? 0
                let ny = Int(String(decoding: y[j..<q], as: UTF8.self)) ?? 0
                if nx != ny { return nx < ny }
                i = p; j = q
            } else {
                if x[i] != y[j] { return x[i] < y[j] }
                i += 1; j += 1
            }
        }
        return (x.count - i) < (y.count - j)
    }

    private static func cloneLines(_ r: ClusterStatus.ResourceState, _ c: ClusterStatus.CloneState, showPending: Bool,
                                   nodeStates: [ClusterStatus.NodeState],
                                   render: ([ClusterStatus.ResourceState]) -> [String]) -> [String] {
        var attrs: [String] = []
        if c.promotable { attrs.append("promotable") }
        if c.unique { attrs.append("unique") }
        if !r.managed { attrs.append("unmanaged") }
        if r.targetRoleStopped { attrs.append("disabled") }
        var out = ["    * Clone Set: \(r.id) [\(c.childID)]" + (attrs.isEmpty ? "" : " (\(attrs.joined(separator: ", ")))") + ":"]
        var stopped: [String: String]?
        var started: [String] = []
        var promoted: [String] = []
        var byName: [String: ClusterStatus.NodeState] = [:]
        for n in nodeStates where byName[n.name] == nil { byName[n.name] = n }
        for child in r.members {
            var full = false
            let partially = active(child, byName)
            if c.unique {
                full = true
            } else if showPending, let task = child.pendingTask, task != "probe" {
                full = true
            } else if !partially {
                if !child.orphan { stopped = (stopped ?? [:]).merging([child.id: "Stopped"]) { a, _ in a } }
            } else if any(child, { $0.orphan }) || any(child, { !$0.managed }) || any(child, { $0.failed }) {
                full = true
            } else if fullyActive(child, byName) {
                let locations = Set(child.isGroup ? child.members.flatMap(\.nodes) : child.nodes)
                if locations.count == 1, let node = locations.first {
                    let state = nodeStates.first { $0.name == node }
                    if let state, !state.online && state.unclean {
                        full = true
                    } else if child.role == "Promoted" || (child.isGroup && child.members.contains { $0.role == "Promoted" }) {
                        promoted.append(node)
                    } else {
                        started.append(node)
                    }
                } else {
                    full = true
                }
            } else {
                full = true
            }
            if full { out += body(render([child])).map { "  " + $0 } }
        }
        var activeInstances = 0
        if !promoted.isEmpty {
            out.append("      * Promoted: [ \(promoted.sorted(by: nodeNameLess).joined(separator: " ")) ]")
            activeInstances += promoted.count
        }
        if !started.isEmpty {
            let label = c.promotable ? "Unpromoted" : "Started"
            out.append("      * \(label): [ \(started.sorted(by: nodeNameLess).joined(separator: " ")) ]")
            activeInstances += started.count
        }
        if !c.unique && c.max > activeInstances {
            // pe__clone_default(): nodes missing from the clone's own running_on.
            let running = Set(c.runningNodes)
            var table: [String: String] = [:]
            for node in c.allowedNodes where !running.contains(node) {
                if let probe = c.failedProbes[node] { table[node] = "Stopped (\(probe))" }
                else { table[node] = c.configuredStopped ? "Stopped (disabled)" : "Stopped" }
            }
            stopped = table.isEmpty ? nil : table
        }
        if let stopped {
            for status in Set(stopped.values).sorted() {
                let names = stopped.filter { $0.value == status }.map(\.key).sorted(by: nodeNameLess)
                out.append("      * \(status): [ \(names.joined(separator: " ")) ]")
            }
        }
        return out
    }
}
