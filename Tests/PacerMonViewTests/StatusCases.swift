// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerXML
import PacerTestKit

/// CIBs with status for the differential tests, made once per test run with the
/// reference tools: every scheduler corpus case after `crm_simulate -S`, variants of each
/// with injected failures, a node taken down, a start failure and a node in standby, and
/// the proxy-pair scenarios of REFERENCE.md §3 (realistic DC, stack and
/// change headers; moves, bans, unmanaged, disabled, maintenance).
struct StatusCase: CustomStringConvertible, Sendable {
    enum Kind: String, Sendable { case corpus, variant, proxyPair }
    var name: String
    var path: String
    var kind: Kind
    var description: String { name }
}

enum StatusCases {
    /// All cases, and what could not be generated.
    static let generated: (cases: [StatusCase], problems: [String]) = generate()

    static var all: [StatusCase] { generated.cases }
    /// The subset the other option sets run on: corpus outputs and proxy-pair scenarios.
    static var subset: [StatusCase] { all.filter { $0.kind != .variant } }

    static let directory: String = {
        let path = NSTemporaryDirectory() + "pacer-monview-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        scratchDirectory = path
        atexit { if let path = scratchDirectory { try? FileManager.default.removeItem(atPath: path) } }
        return path
    }()

    private static func generate() -> ([StatusCase], [String]) {
        var cases: [StatusCase] = []
        var problems: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: Tool.corpusCases)) ?? [])
            .filter { $0.hasSuffix(".xml") }.sorted()
        if names.isEmpty { problems.append("no corpus cases in \(Tool.corpusCases)") }
        for file in names {
            let name = String(file.dropLast(4))
            let base = "\(directory)/\(name).xml"
            do {
                let r = try Tool.run(["crm_simulate", "-x", "\(Tool.corpusCases)/\(file)", "-S", "-O", base])
                guard r.status == 0 else { problems.append("crm_simulate -S \(name): \(r.stderr)"); continue }
                cases.append(StatusCase(name: name, path: base, kind: .corpus))
                cases += try variants(of: name, base: base, problems: &problems)
            } catch {
                problems.append("\(name): \(error)")
            }
        }
        do { cases += try proxyPair(problems: &problems) } catch { problems.append("proxy-pair: \(error)") }
        return (cases, problems)
    }

    /// Failures injected into a corpus case's simulated result.
    private static func variants(of name: String, base: String, problems: inout [String]) throws -> [StatusCase] {
        let mon = try Tool.run(["crm_mon", "--output-as=xml"], environment: ["CIB_file": base])
        guard mon.status == 0, let doc = try? XMLParser.parse(mon.stdout) else { return [] }
        var running: [(rsc: String, node: String)] = []
        doc.forEachElement { e in
            guard e.name == "resource", e["role"] == "Started", !(e["resource_agent"] ?? "").hasPrefix("stonith") else { return }
            let nodes = e.elements(named: "node")
            if nodes.count == 1, let node = nodes[0]["name"], let id = e["id"] { running.append((id, node)) }
        }
        let online = doc.firstElement(named: "nodes")?.elements(named: "node").filter { $0["online"] == "true" }
            .compactMap { $0["name"] } ?? []
        let cib = try Tool.read(base)
        var specs: [(String, [String]?)] = []
        if let (rsc, node) = running.first {
            let interval = monitorInterval(cib, rsc)
            specs.append(("inj7", ["-S", "-i", "\(rsc)_monitor_\(interval)@\(node)=7"]))
            specs.append(("inj1-noS", ["-i", "\(rsc)_monitor_\(interval)@\(node)=1"]))
            if let other = online.first(where: { $0 != node }) {
                specs.append(("down-startfail", ["-S", "-d", node, "-F", "\(rsc)_start_0@\(other)=1"]))
            }
        }
        if let first = online.first {
            specs.append(("down", ["-S", "-d", first]))
            specs.append(("standby", nil))
        }
        var result: [StatusCase] = []
        for (variant, arguments) in specs {
            let out = "\(directory)/\(name)--\(variant).xml"
            var input = base
            var args = arguments ?? ["-S"]
            if arguments == nil {
                // Standby set the way `pacer node standby` / crmsh set it: a permanent node attribute.
                var edited = cib
                edited.modifyAll(where: { $0.name == "node" && $0["uname"] == online.first }) { node in
                    let id = "pacer-test-\(node["id"] ?? "x")-standby"
                    node.append(XMLElement("instance_attributes", [("id", id)],
                                           elements: [XMLElement("nvpair", [("id", id + "-nv"), ("name", "standby"), ("value", "on")])]))
                }
                input = "\(directory)/\(name)--standby-in.xml"
                try Tool.write(edited, to: input)
                args = ["-S"]
            }
            let r = try Tool.run(["crm_simulate", "-x", input] + args + ["-O", out])
            // A transition that fails part-way ("Transition failed: terminated") still saves
            // the state it reached: a CIB worth showing like any other.
            if FileManager.default.fileExists(atPath: out) {
                result.append(StatusCase(name: "\(name)--\(variant)", path: out, kind: .variant))
            } else {
                problems.append("crm_simulate \(args.joined(separator: " ")) on \(name): \(r.stderr.prefix(200))")
            }
        }
        return result
    }

    /// The configured monitor interval of a primitive in milliseconds (10 s when none).
    static func monitorInterval(_ cib: XMLElement, _ rsc: String) -> Int {
        var interval: Int?
        cib.forEachElement { e in
            guard interval == nil, e.name == "primitive", e["id"] == rsc else { return }
            e.forEachElement { op in
                if interval == nil, op.name == "op", op["name"] == "monitor", let ms = milliseconds(op["interval"]), ms > 0 {
                    interval = ms
                }
            }
        }
        return interval ?? 10_000
    }

    static func milliseconds(_ spec: String?) -> Int? {
        guard let spec else { return nil }
        let digits = spec.prefix { $0.isNumber }
        guard let v = Int(digits) else { return nil }
        switch spec.dropFirst(digits.count) {
        case "", "s", "sec": return v * 1000
        case "ms", "msec": return v
        case "m", "min": return v * 60_000
        case "h", "hr": return v * 3_600_000
        default: return nil
        }
    }

    // MARK: proxy pair

    /// The proxy pair of cib-examples (REFERENCE.md §3): proxyGroup on pm01/pm02 with DC, stack and change headers.
    private static func proxyPair(problems: inout [String]) throws -> [StatusCase] {
        var cib = try Tool.read(Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path)
        for (k, v) in [("dc-uuid", "1"), ("cib-last-written", "Mon Nov 23 15:00:00 2026"), ("update-origin", "pm01"),
                       ("update-client", "cibadmin"), ("update-user", "root"), ("have-quorum", "1")] {
            cib[k] = v
        }
        cib.modifyAll(where: { $0.name == "cluster_property_set" }) { set in
            for (k, v) in [("dc-version", "2.1.5-a3f44794f94"), ("cluster-infrastructure", "corosync"),
                           ("cluster-name", "pacer"), ("have-watchdog", "false")] {
                set.append(XMLElement("nvpair", [("id", "cib-bootstrap-options-\(k)"), ("name", k), ("value", v)]))
            }
        }
        cib.modifyAll(where: { $0.name == "nodes" }) { nodes in
            nodes.append(XMLElement("node", [("id", "1"), ("uname", "pm01")]))
            nodes.append(XMLElement("node", [("id", "2"), ("uname", "pm02")]))
        }
        var result: [StatusCase] = []
        func save(_ name: String, _ cib: XMLElement) throws -> String {
            let path = "\(directory)/pp-\(name).xml"
            try Tool.write(cib, to: path)
            return path
        }
        func simulate(_ name: String, from input: String, _ args: [String], execute: Bool = true) throws -> String? {
            let out = "\(directory)/pp-\(name).xml"
            let r = try Tool.run(["crm_simulate", "-x", input] + (execute ? ["-S"] : []) + args + ["-O", out])
            guard r.status == 0 else { problems.append("proxy-pair \(name): \(r.stderr.prefix(200))"); return nil }
            result.append(StatusCase(name: "pp-\(name)", path: out, kind: .proxyPair))
            return out
        }
        let seed = try save("seed-in", cib)
        guard let startedPath = try simulate("started", from: seed, ["-u", "pm01", "-u", "pm02"]) else { return result }
        // Transient #feature-set attributes, as a live cluster has them.
        var started = try Tool.read(startedPath)
        started.modifyAll(where: { $0.name == "node_state" }) { state in
            let id = state["id"] ?? "x"
            state.append(XMLElement("transient_attributes", [("id", id)], elements: [
                XMLElement("instance_attributes", [("id", "status-\(id)")], elements: [
                    XMLElement("nvpair", [("id", "status-\(id)-feature-set"), ("name", "#feature-set"), ("value", "3.16.1")]),
                ]),
            ]))
        }
        try Tool.write(started, to: startedPath)

        if let failed = try simulate("monfail", from: startedPath, ["-i", "haproxyd_monitor_5000@pm01=7"]) {
            var attrs = try Tool.read(failed)
            attrs.modifyAll(where: { $0.name == "instance_attributes" && ($0["id"] ?? "").hasPrefix("status-") }) { set in
                let id = set["id"]!
                set.append(XMLElement("nvpair", [("id", "\(id)-pingd"), ("name", "pingd"), ("value", "100")]))
            }
            attrs.modifyAll(where: { $0.name == "node" && $0["uname"] == "pm01" }) { node in
                node.append(XMLElement("instance_attributes", [("id", "nodes-1")], elements: [
                    XMLElement("nvpair", [("id", "nodes-1-rack"), ("name", "rack"), ("value", "r1")]),
                ]))
            }
            result.append(StatusCase(name: "pp-attributes", path: try save("attributes", attrs), kind: .proxyPair))
        }
        _ = try simulate("monfail-pending", from: startedPath, ["-i", "haproxyd_monitor_5000@pm01=1"], execute: false)
        _ = try simulate("down", from: startedPath, ["-d", "pm01"])
        _ = try simulate("startfail", from: startedPath, ["-d", "pm01", "-F", "ckVIP_start_0@pm02=1"])

        func edited(_ name: String, simulateIt: Bool = true, _ edit: (inout XMLElement) -> Void) throws {
            var c = try Tool.read(startedPath)
            edit(&c)
            let input = try save("\(name)-in", c)
            if simulateIt {
                _ = try simulate(name, from: input, [])
            } else {
                result.append(StatusCase(name: "pp-\(name)", path: input, kind: .proxyPair))
            }
        }
        let standby: (inout XMLElement) -> Void = { c in
            c.modifyAll(where: { $0.name == "node" && $0["uname"] == "pm01" }) { node in
                node.append(XMLElement("instance_attributes", [("id", "nodes-1")], elements: [
                    XMLElement("nvpair", [("id", "nodes-1-standby"), ("name", "standby"), ("value", "on")]),
                ]))
            }
        }
        try edited("standby", standby)
        try edited("standby-active", simulateIt: false, standby)
        try edited("stopped") { c in
            c.modifyAll(where: { $0.name == "meta_attributes" && $0["id"] == "haproxyd-meta_attributes" }) { meta in
                meta.append(XMLElement("nvpair", [("id", "haproxyd-meta_attributes-target-role"), ("name", "target-role"), ("value", "Stopped")]))
            }
        }
        try edited("unmanaged") { c in
            c.modifyAll(where: { $0.name == "primitive" && $0["id"] == "vIP_10" }) { p in
                p.append(XMLElement("meta_attributes", [("id", "vIP_10-meta_attributes")], elements: [
                    XMLElement("nvpair", [("id", "vIP_10-meta_attributes-is-managed"), ("name", "is-managed"), ("value", "false")]),
                ]))
            }
        }
        try edited("maintenance") { c in
            c.modifyAll(where: { $0.name == "cluster_property_set" }) { set in
                set.append(XMLElement("nvpair", [("id", "cib-bootstrap-options-maintenance-mode"), ("name", "maintenance-mode"), ("value", "true")]))
            }
        }
        try edited("ban") { c in
            c.modifyAll(where: { $0.name == "constraints" }) { cons in
                cons.append(XMLElement("rsc_location", [("id", "cli-ban-proxyGroup-on-pm01"), ("rsc", "proxyGroup"),
                                                        ("role", "Started"), ("node", "pm01"), ("score", "-INFINITY")]))
            }
        }
        try edited("move") { c in
            c.modifyAll(where: { $0.name == "constraints" }) { cons in
                cons.append(XMLElement("rsc_location", [("id", "cli-prefer-proxyGroup"), ("rsc", "proxyGroup"),
                                                        ("role", "Started"), ("node", "pm02"), ("score", "INFINITY")]))
            }
        }
        try edited("no-quorum", simulateIt: false) { c in c["have-quorum"] = "0" }
        try edited("group-disabled") { c in
            c.modifyAll(where: { $0.name == "group" }) { g in
                g.append(XMLElement("meta_attributes", [("id", "proxyGroup-meta_attributes")], elements: [
                    XMLElement("nvpair", [("id", "proxyGroup-meta_attributes-target-role"), ("name", "target-role"), ("value", "Stopped")]),
                ]))
            }
        }
        try edited("empty", simulateIt: false) { c in
            c.modifyAll(where: { $0.name == "resources" }) { $0.children = [] }
            c.modifyAll(where: { $0.name == "status" }) { $0.children = [] }
        }
        return result
    }
}

nonisolated(unsafe) private var scratchDirectory: String?
