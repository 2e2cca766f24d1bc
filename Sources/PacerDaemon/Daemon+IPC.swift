// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import Logging
import PacerController
import PacerTransition
import PacerHeartbeat
import PacerIPC
import PacerMembership
import PacerModel
import PacerXML
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Who asked for an edit: the node it was made on and the user who ran `pacer`.
struct EditClient {
    var origin: String
    var user: String
}

/// Requests from `pacer` on this node. Each is a `WireStrings` list; replies start with
/// `ok`, `error` or `conflict`.
extension Daemon {
    func ipcRequest(_ request: IPCRequest) {
        guard let message = try? WireStrings.decode(request.payload), let kind = message.first else {
            request.reply(WireStrings.encode(["error", "malformed request"]))
            return
        }
        switch kind {
        case "cib":
            request.reply(WireStrings.encode(["ok", controller.cib.serialized()]))
        case "status":
            request.reply(WireStrings.encode(["ok", controller.cib.serialized()] + statusLines()))
        case "reload":
            guard request.client.mayWrite else {
                request.reply(WireStrings.encode(["error", "permission denied: only root and members of haclient may reload resources (uid \(request.client.uid))"]))
                return
            }
            guard message.count == 2 else {
                request.reply(WireStrings.encode(["error", "reload needs one resource"]))
                return
            }
            reloadHere(message[1], user: Self.userName(request.client.uid)) { status, text in
                request.reply(WireStrings.encode([status, text]))
            }
        case "replace-config", "cleanup", "attribute", "clearstate":
            guard request.client.mayWrite else {
                request.reply(WireStrings.encode(["error", "permission denied: only root and members of haclient may change the cluster (uid \(request.client.uid))"]))
                return
            }
            let arguments = Array(message)
            let client = EditClient(origin: node, user: Self.userName(request.client.uid))
            if controller.isDC {
                ipcRequestAsDC(arguments, client: client, request: request)
            } else {
                forwardToDC(arguments, client: client, request: request, patience: 20)
            }
        default:
            request.reply(WireStrings.encode(["error", "unknown request '\(kind)'"]))
        }
    }

    /// Sends an edit to the DC. Right after start-up the peer link may lag the heartbeat
    /// by a moment, so wait for it (up to `patience` × 100 ms) before giving up.
    func forwardToDC(_ arguments: [String], client: EditClient, request: IPCRequest, patience: Int) {
        if controller.isDC {
            ipcRequestAsDC(arguments, client: client, request: request)
            return
        }
        nextTag += 1
        let tag = "\(node)-\(nextTag)"
        if peerLink.send(["edit", tag, client.user] + arguments) {
            forwarded[tag] = request
            return
        }
        guard patience > 0, request.isClientConnected else {
            request.reply(WireStrings.encode(["error", "the DC (\(controller.dc)) cannot be reached from \(node)"]))
            return
        }
        loop.addTimer(after: .milliseconds(100)) { [self] in forwardToDC(arguments, client: client, request: request, patience: patience - 1) }
    }

    func ipcRequestAsDC(_ arguments: [String], client: EditClient, request: IPCRequest) {
        applyEdit(arguments, client: client) { status, text in
            if status == "ok" && text.hasPrefix("wait:"), let version = CIBVersion(parsing: text.dropFirst(5)) {
                self.awaitingAck.append((version, request))
                self.answerEdits()
            } else {
                request.reply(WireStrings.encode([status, text]))
            }
        }
    }

    /// Applies an operator edit on the DC. `reply(status, text)`: `ok` with `wait:VERSION`
    /// when the result must first reach the peer, `conflict` when the CIB moved on meanwhile.
    func applyEdit(_ arguments: [String], client: EditClient, reply: @escaping (String, String) -> Void) {
        guard controller.isDC else {
            reply("error", "\(node) is not the DC")
            return
        }
        noteTrigger("operator: \(arguments.first ?? "edit")")
        switch arguments.first {
        case "replace-config":
            guard arguments.count == 3 else { reply("error", "replace-config needs a base version and a configuration"); return }
            let current = CIBVersion(of: controller.cib)
            guard arguments[1] == "\(current.adminEpoch).\(current.epoch)" else {
                reply("conflict", "the configuration changed meanwhile (now \(current))")
                return
            }
            guard let configuration = try? XMLParser.parse(arguments[2]), configuration.name == "configuration" else {
                reply("error", "the new configuration is not a <configuration> element")
                return
            }
            var edited = controller.cib
            if let index = edited.childIndex(where: { $0.name == "configuration" }) {
                edited.children[index] = .element(configuration)
            }
            stampChange(&edited, client: client)
            apply(controller.handle(.edited(edited), now: Self.epochSeconds()))
        case "attribute":
            // [attribute, node, name, value?]: a transient node attribute (no value: delete it).
            guard arguments.count == 3 || arguments.count == 4 else { reply("error", "attribute needs a node, a name and maybe a value"); return }
            guard arguments[1] == node || arguments[1] == peer else { reply("error", "node '\(arguments[1])' not found"); return }
            apply(controller.handle(.transientAttribute(node: arguments[1], name: arguments[2], value: arguments.count == 4 ? arguments[3] : nil),
                                    now: Self.epochSeconds()))
        case "cleanup":
            guard arguments.count >= 2 else { reply("error", "cleanup needs a resource"); return }
            apply(controller.handle(.cleanup(resource: arguments[1], node: arguments.count > 2 ? arguments[2] : nil),
                                    now: Self.epochSeconds()))
        case "clearstate":
            guard clearState(arguments, reply: reply) else { return }
        default:
            reply("error", "unknown edit")
            return
        }
        let version = CIBVersion(of: controller.cib)
        if peerLink.isConnected && heartbeat.instance.peerState == .member {
            reply("ok", "wait:\(version)")
        } else {
            reply("ok", "\(version)")
        }
    }

    /// The user name of `uid` (the number when it has none).
    static func userName(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    /// Who changed the configuration, from where and when, as Pacemaker's CIB manager writes
    /// it (`Last change:` in status): `cib-last-written`, `update-origin`, `update-client`, `update-user`.
    func stampChange(_ cib: inout XMLElement, client: EditClient) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, buffer.count, "%a %b %e %H:%M:%S %Y", &parts)
        cib["cib-last-written"] = String(cString: buffer)
        cib["update-origin"] = client.origin
        cib["update-client"] = "pacer"
        cib["update-user"] = client.user
    }

    /// Extra lines for `pacer status`: membership, links, timing.
    func statusLines() -> [String] {
        let instance = heartbeat.instance
        var lines = ["node=\(node)", "peer=\(peer)", "dc=\(controller.dc)", "peer-state=\(instance.peerState)",
                     "quorum=\(instance.hasQuorum)", "interval=\(config.interval)", "deadtime=\(config.deadtime)",
                     "last-transition=\(lastTransition)"]
        for link in instance.links {
            lines.append("link=\(link.id) \(link.state)")
        }
        lines += alertStatusLines()
        return lines
    }
}
