// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Operation digests as Pacemaker records them in `op-digest`: the MD5 of
/// ` <parameters NAME="VALUE" …/>\n` with the names sorted. Mirrors
/// `calculate_main_digest()` (lib/pengine/pe_digest.c) and
/// `pcmk__filter_op_for_digest()` (lib/common/operations.c).
public enum OperationDigest {
    /// The digest of a parameter list.
    public static func digest(of params: [(String, String)]) -> String {
        MD5.hex(" " + parametersXML(params) + "\n")
    }

    /// `<parameters …/>` with attributes sorted by name and escaped as libxml2 does.
    static func parametersXML(_ params: [(String, String)]) -> String {
        let sorted = params.sorted { $0.0 < $1.0 }
        if sorted.isEmpty { return "<parameters/>" }
        var out = "<parameters"
        for (k, v) in sorted {
            out += " \(k)=\""
            XMLEscaping.appendAttribute(v, to: &out)
            out += "\""
        }
        return out + "/>"
    }

    /// Computes the digests freshly executed operations get, for one CIB's
    /// configuration (used by `pacer simulate` when it records simulated results).
    public struct Calculator {
        let ws: WorkingSet

        public init(cib: XMLElement) {
            ws = WorkingSet(input: cib, now: 0)
            ws.unpackConfig()
            ws.unpackNodes()
            ws.unpackResources()
        }

        /// The `op-digest` of `task` (with `intervalMs`) of `resource` on `node`.
        public func digest(resource: String, task: String, intervalMs: Int, node: String?) -> String {
            guard let rsc = ws.resourceByID[resource], rsc.variant == .primitive else { return OperationDigest.digest(of: []) }
            let n = node.flatMap { ws.nodeByUname[$0] }
            return OperationDigest.digest(of: ws.digestParameters(rsc, node: n, task: task, intervalMs: intervalMs))
        }
    }
}

extension WorkingSet {
    /// What `pcmk__filter_op_for_digest()` leaves out of a digest.
    private static let undigestedParameters = ["id", "crm_feature_set", "op-digest", "CRM_meta_on_node", "CRM_meta_on_node_uuid",
                                               "pcmk_external_ip"]

    /// Parameters that go into an operation's digest: instance attributes (parents'
    /// too), the op's own instance attributes, and `CRM_meta_timeout` for recurring ops.
    func digestParameters(_ rsc: Resource, node: Node?, task: String, intervalMs: Int) -> [(String, String)] {
        var params = AttributeMap()
        var r: Resource? = rsc
        while let cur = r {
            nvpairs(of: cur.xml, setName: "instance_attributes", node: node, into: &params)
            r = cur.parent
        }
        let digestTask = (intervalMs == 0 && (task == "monitor" || task == "migrate_from" || task == "promote")) ? "start" : task
        if let op = rsc.ops.first(where: { $0.name == digestTask && $0.intervalMs == intervalMs }),
           let opEl = rsc.xml.firstElement(named: "operations")?.elements(named: "op").first(where: { $0.id == op.id }) {
            var extra = AttributeMap()
            nvpairs(of: opEl, setName: "instance_attributes", node: node, into: &extra)
            for (k, v) in extra { params[k] = v }
            if intervalMs > 0 {
                let timeout = op.timeout ?? opDefaults["timeout"]
                params["CRM_meta_timeout"] = String(timeout.flatMap(IntervalSpec.milliseconds) ?? 20000)
            }
        } else if intervalMs > 0 {
            params["CRM_meta_timeout"] = String(opDefaults["timeout"].flatMap(IntervalSpec.milliseconds) ?? 20000)
        }
        for name in Self.undigestedParameters { params[name] = nil }
        return params.map { ($0.key, $0.value) }
    }
}
