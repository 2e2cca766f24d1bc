// SPDX-License-Identifier: GPL-2.0-or-later
/// The Transition Summary lines. Mirrors `pcmk__output_resource_actions()`
/// (pcmk_sched_resource.c) and the `rsc-action` / `rsc-action-item` messages
/// of lib/pacemaker/pcmk_output.c, including their growing column widths.
extension WorkingSet {
    func transitionSummary() -> [String] {
        // crm_simulate formats the summary after an earlier pass has already grown
        // the (static) column widths, so lines come out aligned: do the same.
        var printer = SummaryPrinter(measuring: true)
        for rsc in resources { outputActions(rsc, &printer) }
        printer.lines = []
        printer.measuring = false
        // Node actions first, newest first (`pcmk__output_actions()`); only fencing
        // has a reason, and a node action without one is only logged.
        for a in actions.reversed() where a.rsc == nil && !a.optional && a.task == "stonith" {
            guard let reason = a.reason, let node = a.node else { continue }
            // A guest node is named with the resource that hosts it.
            let name = node.isGuest ? "\(node.uname) (resource: \(node.remoteRsc?.container?.id ?? ""))" : node.uname
            printer.lines.append("  * Fence (\(a.fenceAction ?? stonithAction)) \(name) '\(reason)'")
        }
        for rsc in resources { outputActions(rsc, &printer) }
        return printer.lines
    }

    private func outputActions(_ rsc: Resource, _ p: inout SummaryPrinter) {
        if !rsc.children.isEmpty { for c in rsc.children { outputActions(c, &p) }; return }
        let next = rsc.allocatedTo
        var current: Node?
        if !rsc.runningOn.isEmpty {
            current = rsc.currentNode
            if rsc.role == .stopped { rsc.role = .started }
        }
        if current == nil && rsc.orphan { return }
        rscAction(rsc, current, next, &p)
    }

    /// Actions of `rsc` with `task` on `node` (node-less ones match too), newest first.
    private func actions(_ rsc: Resource, _ node: Node?, _ task: String) -> [Action] {
        let key = opKey(rsc.id, task)
        return rsc.actions.reversed().filter { $0.key == key && (node == nil || $0.node == nil || $0.node === node) }
    }

    private func rscAction(_ rsc: Resource, _ current: Node?, _ next: Node?, _ p: inout SummaryPrinter) {
        if !rsc.managed || (current == nil && next == nil) { return }
        let moving = current != nil && next != nil && current !== next
        let start = actions(rsc, next, "start").first
        let startNode = (start == nil || !start!.runnable) ? nil : current
        var stop = actions(rsc, startNode, "stop").first
        if stop == nil && rsc.stopUnexpected { stop = actions(rsc, nil, "stop").first }
        let promote = actions(rsc, next, "promote").first
        let demote = actions(rsc, next, "demote").first
        if rsc.role == rsc.nextRole {
            guard next != nil else { return }
            let migrateOp = actions(rsc, next, "migrate_from").first
            if let migrateOp, current != nil, migrateOp.runnable {
                p.item("Migrate", rsc, current, next, start, nil)
            } else if rsc.reload {
                p.item("Reload", rsc, current, next, start, nil)
            } else if start == nil || start!.optional {
                if let demote, let promote, !demote.optional, !promote.optional {
                    p.item("Re-promote", rsc, current, next, promote, demote)
                }
                return
            } else if !start!.runnable {
                p.item("Stop", rsc, current, nil, stop ?? start, (stop?.reason != nil) ? stop : start)
            } else if moving && current != nil {
                p.item(rsc.failed ? "Recover" : "Move", rsc, current, next, stop ?? start, nil)
            } else if rsc.failed {
                p.item("Recover", rsc, current, nil, stop ?? start, nil)
            } else {
                p.item("Restart", rsc, current, next, start, nil)
            }
            return
        }
        if let stop, rsc.nextRole == .stopped || (start != nil && !start!.runnable) {
            for node in rsc.runningOn {
                let stopOp = actions(rsc, node, "stop").first ?? stop
                p.item("Stop", rsc, node, nil, stopOp, stopOp.reason != nil ? stopOp : start)
            }
        } else if let stop, rsc.failed && rsc.stopFlag {
            p.item("Recover", rsc, current, next, stop, start)
        } else if moving {
            p.item("Move", rsc, current, next, stop ?? start, nil)
        } else if rsc.reload {
            p.item("Reload", rsc, current, next, start, nil)
        } else if let stop, !stop.optional {
            p.item("Restart", rsc, current, next, start ?? stop, nil)
        } else if rsc.role == .promoted {
            p.item("Demote", rsc, current, next, demote, nil)
        } else if rsc.nextRole == .promoted {
            p.item("Promote", rsc, current, next, promote, nil)
        } else if rsc.role == .stopped && rsc.nextRole > .stopped, let start {
            p.item("Start", rsc, current, next, start, nil)
        }
    }
}

/// Formats `rsc-action-item` lines; widths only grow, as the C statics do.
struct SummaryPrinter {
    var lines: [String] = []
    /// Grow the column widths only, making no lines.
    var measuring = false
    var rscWidth = 5
    var detailWidth = 5

    mutating func item(_ change: String, _ rsc: Resource, _ origin: Node?, _ destination: Node?,
                       _ action: Action?, _ sourceIn: Action?) {
        guard let action else { return }
        let source = sourceIn ?? action
        if rsc.id.count > rscWidth { rscWidth = rsc.id.count + 2 }
        let sameHost = origin != nil && destination != nil && origin === destination
        let sameRole = rsc.role == rsc.nextRole
        let needRole = rsc.role > .started || rsc.nextRole > .unpromoted
        let details: String
        if needRole && origin == nil {
            details = "\(rsc.role.text) -> \(rsc.nextRole.text) \(destination?.uname ?? "")"
        } else if origin == nil {
            details = destination?.uname ?? ""
        } else if needRole && destination == nil {
            details = "\(rsc.role.text) \(origin!.uname)"
        } else if destination == nil {
            details = origin!.uname
        } else if needRole && sameRole && sameHost {
            details = "\(rsc.role.text) \(origin!.uname)"
        } else if sameRole && sameHost {
            details = origin!.uname
        } else if needRole && sameRole {
            details = "\(origin!.uname) -> \(destination!.uname) \(rsc.role.text)"
        } else if sameRole {
            details = "\(origin!.uname) -> \(destination!.uname)"
        } else if sameHost {
            details = "\(rsc.role.text) -> \(rsc.nextRole.text) \(origin!.uname)"
        } else {
            details = "\(rsc.role.text) \(origin!.uname) -> \(rsc.nextRole.text) \(destination!.uname)"
        }
        if details.count > detailWidth { detailWidth = details.count }
        if measuring { return }   // the first pass only grows the widths
        var reason: String?
        if let r = source.reason, !action.runnable { reason = "due to \(r) (blocked)" }
        else if let r = source.reason { reason = "due to \(r)" }
        else if !action.runnable { reason = "blocked" }
        let line = "  * " + pad(change, 8) + "   " + pad(rsc.id, rscWidth) + "   ( " + padLeft(details, detailWidth) + " )"
            + (reason.map { "  " + $0 } ?? "")
        lines.append(line)
    }

    private func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
    private func padLeft(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
}
