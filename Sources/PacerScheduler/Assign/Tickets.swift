// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// A ticket's state from `<status><tickets><ticket_state/>` (`pe_ticket_t`).
struct Ticket {
    var granted = false
    var standby = false
}

/// `rsc_ticket` constraints. Mirrors `unpack_rsc_ticket()`, `rsc_ticket_new()` and
/// `constraints_for_ticket()` (pcmk_sched_tickets.c) for single resources.
extension WorkingSet {
    /// Mirrors `unpack_ticket_state()`.
    func unpackTickets() {
        guard let tickets = input.firstElement(named: "status")?.firstElement(named: "tickets") else { return }
        for state in tickets.elements(named: "ticket_state") {
            guard let id = state["id"], !id.isEmpty else { continue }
            self.tickets[id] = Ticket(granted: isTrue(state["granted"]), standby: isTrue(state["standby"]))
        }
    }

    func unpackTicketConstraint(_ el: XMLElement) {
        guard let ticketID = el["ticket"], !ticketID.isEmpty else {
            warn("Ignoring constraint '\(el.id)' without ticket"); return
        }
        if el.firstElement(named: "resource_set") != nil {
            // unpack_rsc_ticket_set(): every member, with the set's role.
            guard let sets = resourceSets(el) else { return }
            for set in sets {
                for rsc in set.resources { applyTicket(el, ticketID: ticketID, to: rsc, role: set["role"]) }
            }
            return
        }
        let targets = constraintTargets(el, "rsc")
        for rsc in targets { applyTicket(el, ticketID: ticketID, to: rsc, role: el["rsc-role"]) }
    }

    private func applyTicket(_ el: XMLElement, ticketID: String, to rsc: Resource, role roleText: String?) {
        let ticket = tickets[ticketID] ?? Ticket()
        tickets[ticketID] = ticket
        var role = Role(text: roleText ?? "")
        if role == .started { role = .unknown }
        var policy = (el["loss-policy"] ?? "").lowercased()
        if policy == "fence" && !stonithEnabled {
            warn("Resetting 'loss-policy' for ticket '\(ticketID)' to 'stop' because fencing is not configured")
            policy = "stop"
        }
        if !["fence", "freeze", "demote", "stop"].contains(policy) { policy = role == .promoted ? "demote" : "stop" }
        if role == .promoted, rsc.variant == .clone, rsc.clone!.promotable { rsc.clone!.promotionTickets.append(ticketID) }
        if !ticket.granted || ticket.standby { constraintsForTicket(rsc, ticket, role: role, policy: policy) }
    }

    private func constraintsForTicket(_ rsc: Resource, _ ticket: Ticket, role: Role, policy: String) {
        if ticket.granted && !ticket.standby { return }
        if !rsc.children.isEmpty {
            for c in rsc.children { constraintsForTicket(c, ticket, role: role, policy: policy) }
            return
        }
        let roleMatches = role == .unknown || role == rsc.role
        if !ticket.granted && !rsc.runningOn.isEmpty {
            switch policy {
            case "stop":
                rsc.addLocation(nil, -Score.infinityValue, nodes: nodes)
            case "demote":
                if role != .promoted { rsc.addLocation(nil, -Score.infinityValue, nodes: nodes) }
            case "fence":
                guard roleMatches else { return }
                rsc.addLocation(nil, -Score.infinityValue, nodes: nodes)
                for n in rsc.runningOn { fenceNode(n, reason: "deadman ticket was lost") }
            case "freeze":
                guard roleMatches else { return }
                rsc.managed = false
                rsc.block = true
            default: break
            }
        } else if !ticket.granted || ticket.standby {
            if role != .promoted || policy == "stop" { rsc.addLocation(nil, -Score.infinityValue, nodes: nodes) }
        }
    }
}
