// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import Logging
import PacerController
import PacerTransition
import PacerHeartbeat
import PacerWire
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

/// Requests from `pacer` on this node (``DaemonRequest``), each answered with one ``DaemonReply``.
extension Daemon {
    func ipcRequest(_ request: IPCRequest) {
        let message: DaemonRequest
        do { message = try DaemonRequest(decoding: request.payload) } catch {
            if case .version = error {
                logger.warning("Refusing a request of another wire version", metadata: ["uid": "\(request.client.uid)", "detail": "\(error)"])
            }
            request.answer(.error("malformed request: \(error)"))
            return
        }
        switch message {
        case .cib:
            request.answer(.cib(controller.cib.serialized()))
        case .status:
            request.answer(.status(cib: controller.cib.serialized(), status()))
        case .reload(let resource):
            guard request.client.mayWrite else {
                request.answer(.error("permission denied: only root and members of haclient may reload resources (uid \(request.client.uid))"))
                return
            }
            reloadHere(resource, user: Self.userName(request.client.uid)) { status, text in
                switch status {
                case "ok": request.answer(.ok(text))
                case "not-running": request.answer(.notRunning(text))
                default: request.answer(.error(text))
                }
            }
        case .edit(let edit):
            guard request.client.mayWrite else {
                request.answer(.error("permission denied: only root and members of haclient may change the cluster (uid \(request.client.uid))"))
                return
            }
            let client = EditClient(origin: node, user: Self.userName(request.client.uid))
            if controller.isDC {
                ipcRequestAsDC(edit, client: client, request: request)
            } else {
                forwardToDC(edit, client: client, request: request, patience: 20)
            }
        }
    }

    /// Sends an edit to the DC. Right after start-up the peer link may lag the heartbeat
    /// by a moment, so wait for it (up to `patience` × 100 ms) before giving up.
    func forwardToDC(_ edit: OperatorEdit, client: EditClient, request: IPCRequest, patience: Int) {
        if controller.isDC {
            ipcRequestAsDC(edit, client: client, request: request)
            return
        }
        nextTag += 1
        let tag = "\(node)-\(nextTag)"
        if peerLink.send(.edit(tag: tag, user: client.user, edit)) {
            forwarded[tag] = request
            return
        }
        guard patience > 0, request.isClientConnected else {
            request.answer(.error("the DC (\(controller.dc)) cannot be reached from \(node)"))
            return
        }
        loop.addTimer(after: .milliseconds(100)) { [self] in forwardToDC(edit, client: client, request: request, patience: patience - 1) }
    }

    func ipcRequestAsDC(_ edit: OperatorEdit, client: EditClient, request: IPCRequest) {
        applyEdit(edit, client: client) { outcome in
            if case .applied(let version, awaitingPeer: true) = outcome {
                self.awaitingAck.append((version, request))
                self.answerEdits()
            } else {
                request.answer(DaemonReply(outcome))
            }
        }
    }

    /// Applies an operator edit on the DC. `reply` gets `.applied` with `awaitingPeer` when
    /// the result must first reach the peer, `.conflict` when the CIB moved on meanwhile.
    func applyEdit(_ edit: OperatorEdit, client: EditClient, reply: @escaping (EditOutcome) -> Void) {
        guard controller.isDC else {
            reply(.refused("\(node) is not the DC"))
            return
        }
        noteTrigger("operator: \(edit.verb)")
        switch edit {
        case .replaceConfiguration(let base, let configuration):
            let current = CIBVersion(of: controller.cib)
            guard base.adminEpoch == current.adminEpoch && base.epoch == current.epoch else {
                reply(.conflict("the configuration changed meanwhile (now \(current))"))
                return
            }
            guard let configuration = try? XMLParser.parse(configuration), configuration.name == "configuration" else {
                reply(.refused("the new configuration is not a <configuration> element"))
                return
            }
            var edited = controller.cib
            if let index = edited.childIndex(where: { $0.name == "configuration" }) {
                edited.children[index] = .element(configuration)
            }
            stampChange(&edited, client: client)
            apply(controller.handle(.edited(edited), now: Self.epochSeconds()))
        case .attribute(let target, let name, let value):
            // A transient node attribute (no value: delete it).
            guard target == node || target == peer else { reply(.refused("node '\(target)' not found")); return }
            apply(controller.handle(.transientAttribute(node: target, name: name, value: value), now: Self.epochSeconds()))
        case .cleanup(let resource, let target):
            apply(controller.handle(.cleanup(resource: resource, node: target), now: Self.epochSeconds()))
        case .clearState(let target):
            if let refusal = clearState(target) { reply(.refused(refusal)); return }
        }
        let version = CIBVersion(of: controller.cib)
        reply(.applied(version, awaitingPeer: peerLink.isConnected && heartbeat.instance.peerState == .member))
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

    /// What `pacer status` and `pacer cluster show` report beside the CIB.
    func status() -> DaemonStatus {
        let instance = heartbeat.instance
        return DaemonStatus(node: node, peer: peer, dc: controller.dc, peerState: instance.peerState, hasQuorum: instance.hasQuorum,
                            interval: config.interval, deadtime: config.deadtime, lastTransition: lastTransition,
                            links: instance.links.map { ("\($0.id)", $0.state) }, alerts: alertStatus())
    }
}

extension IPCRequest {
    /// Replies with one framed ``DaemonReply``.
    func answer(_ reply: DaemonReply) { self.reply(reply.encoded) }
}
