// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Pacemaker Remote and guest nodes: the nodes that `ocf:pacemaker:remote` primitives
/// (remote nodes) and primitives with a `remote-node` meta attribute (guest nodes)
/// define, their connection resources, and their online state, which follows the
/// connection's. Mirrors `unpack_remote_nodes()`, `expand_remote_rsc_meta()`,
/// `pe_create_remote_xml()`, `setup_container()`, `link_rsc2remotenode()` and
/// `determine_remote_online_status()` (lib/pengine/unpack.c, remote.c).
extension WorkingSet {
    /// Whether `el` is an `ocf:pacemaker:remote` primitive (`xml_contains_remote_node()`).
    func definesRemoteNode(_ el: XMLElement) -> Bool {
        el.name == "primitive" && el["class"]?.lowercased() == "ocf"
            && el["provider"]?.lowercased() == "pacemaker" && el["type"]?.lowercased() == "remote"
    }

    /// Creates the remote and guest nodes the resources define (before the resources
    /// are unpacked), and the connection primitive of each guest node, which is
    /// unpacked after the configured resources. Returns the new nodes.
    func remoteNodesFromResources() -> [Node] {
        guard let resEl = configuration?.firstElement(named: "resources") else { return [] }
        var created: [Node] = []
        func add(_ name: String) {
            guard nodeByUname[name] == nil, nodeByID[name] == nil else { return }
            let node = Node(id: name, uname: name)
            node.kind = .remote
            created.append(node)
            nodeByID[name] = node
            nodeByUname[name] = node
        }
        for el in resEl.elements {
            if definesRemoteNode(el) {
                if let id = el["id"] { add(id) }
            } else if el.name == "primitive" {
                if let name = guestConnection(el) { add(name) }
            } else if el.name == "group" {
                for member in el.elements where member.name == "primitive" {
                    if let name = guestConnection(member) { add(name) }
                }
            }
        }
        return created
    }

    /// Remote nodes of orphaned connections: status history of an `ocf:pacemaker:remote`
    /// resource that is no longer configured makes a node of that name, created while
    /// the history is unpacked (`create_fake_resource()`). They are made here so that
    /// node lists keep their size; resources do not get them as symmetric default.
    func remoteNodesFromOrphanConnections() -> [Node] {
        guard let status = input.firstElement(named: "status") else { return [] }
        var created: [Node] = []
        var configured: Set<String>?   // built only when some history is of a connection
        for state in status.elements(named: "node_state") {
            guard let list = state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources") else { continue }
            list.forEachChild(named: "lrm_resource") { entry in
                guard entry["type"]?.equalsIgnoringASCIICase("remote") == true, entry["class"]?.equalsIgnoringASCIICase("ocf") == true,
                      entry["provider"]?.equalsIgnoringASCIICase("pacemaker") == true, let id = entry["id"],
                      nodeByUname[id] == nil, nodeByID[id] == nil else { return }
                if configured == nil { configured = configuredResourceIDs() }
                if configured!.contains(id) { return }
                let node = Node(id: id, uname: id)
                node.kind = .remote
                node.orphanConnection = true
                created.append(node)
                nodeByID[id] = node
                nodeByUname[id] = node
            }
        }
        return created
    }

    /// The ids of every configured resource element (any depth), guest connections included.
    func configuredResourceIDs() -> Set<String> {
        var ids = Set<String>()
        configuration?.firstElement(named: "resources")?.forEachElement { el in
            if ["primitive", "group", "clone", "master", "bundle"].contains(el.name), let id = el["id"] { ids.insert(id) }
        }
        for el in guestConnectionXML { if let id = el["id"] { ids.insert(id) } }
        return ids
    }

    /// An orphaned connection's node: linked to it and shutting down.
    func linkOrphanConnection(_ rsc: Resource) {
        guard rsc.isRemoteNode, let node = nodeByUname[rsc.id], node.orphanConnection else { return }
        node.remoteRsc = rsc
        handleStartupFencing(node)
        node.shutdown = true
    }

    /// The `remote-node` meta attribute of `el`: records the guest node's connection
    /// primitive, as `pe_create_remote_xml()` writes it, and returns the node's name.
    private func guestConnection(_ el: XMLElement) -> String? {
        var name: String?, server: String?, port: String?, timeout = "60s"
        var migrate: String?, managed: String?
        for set in el.elements(named: "meta_attributes") {
            for pair in set.elements(named: "nvpair") {
                let value = pair["value"]
                switch pair["name"]?.lowercased() {
                case "remote-node": name = value
                case "remote-addr": server = value
                case "remote-port": port = value
                case "remote-connect-timeout": timeout = value ?? timeout
                case "remote-allow-migrate": migrate = value
                case "is-managed": managed = value
                default: break
                }
            }
        }
        guard let name, let container = el["id"] else { return nil }
        var meta = XMLElement("meta_attributes", [("id", "\(name)-meta_attributes")])
        func pair(_ set: String, _ key: String, _ value: String) -> XMLElement {
            XMLElement("nvpair", [("id", "\(set)-\(key)"), ("name", key), ("value", value)])
        }
        var metaPairs = [pair("\(name)-meta_attributes", "internal_rsc", "true"),
                         pair("\(name)-meta_attributes", "container", container)]
        if let migrate { metaPairs.append(pair("\(name)-meta_attributes", "allow-migrate", migrate)) }
        if let managed { metaPairs.append(pair("\(name)-meta_attributes", "is-managed", managed)) }
        meta.children = metaPairs.map { .element($0) }
        var children: [XMLElement] = [meta]
        if server != nil || port != nil {
            var params: [XMLElement] = []
            if let server { params.append(pair("\(name)-instance_attributes", "addr", server)) }
            if let port { params.append(pair("\(name)-instance_attributes", "port", port)) }
            children.append(XMLElement("instance_attributes", [("id", "\(name)-instance_attributes")], elements: params))
        }
        let ops = [XMLElement("op", [("id", "\(name)-monitor-30s"), ("name", "monitor"), ("interval", "30s"), ("timeout", "30s")]),
                   XMLElement("op", [("id", "\(name)-start-0"), ("name", "start"), ("interval", "0"), ("timeout", timeout)])]
        children.append(XMLElement("operations", elements: ops))
        guestConnectionXML.append(XMLElement("primitive", [("id", name), ("class", "ocf"), ("provider", "pacemaker"),
                                                           ("type", "remote")], elements: children))
        return name
    }

    /// Links containers to the resources inside them and remote nodes to their
    /// connections, after all resources are unpacked (`setup_container()`,
    /// `link_rsc2remotenode()`).
    func linkRemoteNodes(_ list: [Resource]) {
        func setupContainer(_ rsc: Resource) {
            if !rsc.children.isEmpty { rsc.children.forEach(setupContainer); return }
            guard let id = rsc.meta["container"], id.lowercased() != rsc.id.lowercased() else { return }
            guard let container = resourceByID[id] else {
                warn("Resource \(rsc.id): Unknown resource container (\(id))"); return
            }
            rsc.container = container
            container.fillers.append(rsc)
        }
        for rsc in list {
            setupContainer(rsc)
            guard rsc.isRemoteNode, let node = nodeByUname[rsc.id] else { continue }
            node.remoteRsc = rsc
            if rsc.container == nil {
                handleStartupFencing(node)
            } else {
                node.kind = .guest
                node.attributes["#kind"] = "container"
            }
        }
    }

    /// Until its state is seen, a node is unclean when start-up fencing is on.
    /// Mirrors `handle_startup_fencing()`.
    func handleStartupFencing(_ node: Node) {
        if node.isRemote && node.remoteRsc == nil { return }
        node.unclean = stonithEnabled && (properties["startup-fencing"].map(isTrue) ?? true)
        node.unseen = true
    }

    /// A remote or guest node is online when its connection is started and neither
    /// the connection nor the guest's resource failed. Mirrors
    /// `determine_remote_online_status()`.
    func determineRemoteOnlineStatus(_ node: Node) {
        guard let rsc = node.remoteRsc else { node.online = false; return }
        let container = rsc.container
        let host = container != nil && rsc.runningOn.count == 1 ? rsc.runningOn[0] : nil
        if rsc.role == .started { node.online = true }
        if rsc.role == .started && rsc.nextRole == .stopped { node.shutdown = true }
        if let container, container.failed {
            node.online = false
            node.remoteRequiresReset = true
        } else if rsc.failed {
            node.online = false
        } else if rsc.role == .stopped || container?.role == .stopped {
            node.online = false
            node.remoteRequiresReset = false
        } else if let host, !host.online, host.unclean {
            node.online = false
            node.remoteRequiresReset = true
        }
    }

    /// The node attributes and flags of a remote or guest node's status entry.
    /// Mirrors `unpack_handle_remote_attrs()`.
    func unpackRemoteAttributes(_ node: Node, _ state: XMLElement) {
        if !node.remoteRequiresReset {
            node.unclean = false
            node.unseen = false
        }
        if let t = state.firstElement(named: "transient_attributes") {
            var attrs: [String: String] = [:]
            nvpairs(of: t, setName: "instance_attributes", node: node, into: &attrs)
            for (k, v) in attrs { node.attributes[k] = v }
        }
        node.attributes["#uname"] = node.uname
        node.attributes["#id"] = node.id
        node.attributes["#is_dc"] = "false"
        if let s = node.attributes["shutdown"], !s.isEmpty, s != "0" { node.shutdown = true }
        if isTrue(node.attributes["standby"]) { node.standby = true }
        if isTrue(node.attributes["maintenance"]) || (node.remoteRsc.map { !$0.managed } ?? false) {
            node.maintenance = true
        }
        if let discovery = node.attributes["resource-discovery-enabled"], !isTrue(discovery) {
            if node.kind == .remote && !stonithEnabled {
                warn("Ignoring resource-discovery-enabled attribute on Pacemaker Remote node \(node.uname) because fencing is disabled")
            } else {
                node.rscDiscoveryEnabled = false
            }
        }
    }

    /// After assignment: a connection that will run brings its node online (and
    /// revokes start-up fencing); one that will not shuts it down.
    /// Mirrors `remote_connection_assigned()`.
    func remoteConnectionAssigned(_ connection: Resource) {
        guard let node = nodeByUname[connection.id] else { return }
        if connection.allocatedTo != nil && connection.nextRole != .stopped {
            node.online = true
            if node.unseen { node.unclean = false }
        } else {
            node.shutdown = true
        }
    }
}
