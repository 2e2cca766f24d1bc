// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `crm_resource --move/--ban --lifetime DURATION` (what `crm resource move RSC NODE DURATION`
/// runs): the constraint holds a rule whose `date_expression` ends it, ids as crm_resource sets
/// them (`cli_resource_prefer()`/`cli_resource_ban()` in lib/pacemaker/pcmk_resource.c… of 2.1.5).
extension ResourceEdits {
    /// When a constraint made now with `lifetime` ends, as crm_resource prints it in `end`.
    /// - Parameters:
    ///   - now: seconds since the epoch; `offset`: the local time's seconds east of UTC.
    /// - Throws: `.usage` naming the value when it is not an ISO 8601 duration, or when it
    ///   does not end after `now` (crm_resource would write a constraint that never applies).
    public static func lifetimeEnd(_ lifetime: String, now: Int, offset: Int) throws(CrmError) -> String {
        guard let end = CrmTime(epoch: now, offset: offset).adding(duration: lifetime) else {
            throw CrmError(.usage, "invalid lifetime '\(lifetime)': expected an ISO 8601 duration such as PT1H, P1D, P1W or P1M2DT3H")
        }
        guard end.epoch > now else {
            throw CrmError(.usage, "invalid lifetime '\(lifetime)': it ends at \(end.description), not after now")
        }
        return end.description
    }

    /// `crm_resource --move -r R --node N [--lifetime D]`: clears R's move constraint and its
    /// ban from N, then `cli-prefer-R` prefers N (INFINITY, role Started), until `end` when given.
    public static func move(_ cib: inout XMLElement, resource: String, node: String, until end: String?) throws(CrmError) {
        try requireResource(resource, in: cib)
        try requireNode(node, in: cib)
        removeLocation(&cib, id: "cli-prefer-\(resource)")
        removeLocation(&cib, id: "cli-ban-\(resource)-on-\(node)")
        guard let end else {
            addLocation(&cib, XMLElement("rsc_location", [("id", "cli-prefer-\(resource)"), ("rsc", resource), ("role", "Started"),
                                                          ("node", node), ("score", "INFINITY")]))
            return
        }
        let rule = lifetimeRule(id: "cli-prefer-rule-\(resource)", score: "INFINITY", node: node,
                                expressionID: "cli-prefer-expr-\(resource)", dateID: "cli-prefer-lifetime-end-\(resource)", end: end)
        addLocation(&cib, XMLElement("rsc_location", [("id", "cli-prefer-\(resource)"), ("rsc", resource), ("role", "Started")],
                                     children: [.element(rule)]))
    }

    /// `crm_resource --ban -r R --node N [--lifetime D]`: `cli-ban-R-on-N` (-INFINITY, role
    /// Started), until `end` when given.
    public static func ban(_ cib: inout XMLElement, resource: String, node: String, until end: String?) throws(CrmError) {
        guard let end else { return try ban(&cib, resource: resource, node: node) }
        try requireResource(resource, in: cib)
        try requireNode(node, in: cib)
        let id = "cli-ban-\(resource)-on-\(node)"
        removeLocation(&cib, id: id)
        let rule = lifetimeRule(id: "\(id)-rule", score: "-INFINITY", node: node,
                                expressionID: "\(id)-expr", dateID: "\(id)-lifetime", end: end)
        addLocation(&cib, XMLElement("rsc_location", [("id", id), ("rsc", resource), ("role", "Started")], children: [.element(rule)]))
    }

    /// The node a move or ban constraint names, in either form (`node=` or the rule's `#uname`).
    public static func constraintNode(_ location: XMLElement) -> String {
        if let node = location["node"] { return node }
        return location.firstElement(named: "rule")?.elements(named: "expression")
            .first { $0["attribute"] == "#uname" }?["value"] ?? ""
    }

    /// The end of a move or ban constraint's lifetime, if it has one.
    public static func constraintEnd(_ location: XMLElement) -> String? {
        location.firstElement(named: "rule")?.elements(named: "date_expression").first { $0["operation"] == "lt" }?["end"]
    }

    private static func lifetimeRule(id: String, score: String, node: String, expressionID: String,
                                     dateID: String, end: String) -> XMLElement {
        XMLElement("rule", [("id", id), ("score", score), ("boolean-op", "and")], children: [
            .element(XMLElement("expression", [("id", expressionID), ("attribute", "#uname"), ("operation", "eq"),
                                               ("value", node), ("type", "string")])),
            .element(XMLElement("date_expression", [("id", dateID), ("operation", "lt"), ("end", end)])),
        ])
    }
}
