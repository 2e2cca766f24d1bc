// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import PacerHeartbeat
import Logging
import PacerController
import PacerTransition
import PacerIPC
import PacerModel
import PacerWire
import PacerXML

/// Messages from the other daemon.
extension Daemon {
    func peerMessage(_ message: PeerMessage) {
        switch message {
        case .cib(let text):
            guard let cib = try? XMLParser.parse(text), cib.name == "cib" else {
                logger.warning("Peer sent a CIB that does not parse")
                return
            }
            apply(controller.handle(.peerCIB(cib), now: Self.epochSeconds()))
            peerLink.send(.cibAck(CIBVersion(of: cib)))
        case .cibAck(let version):
            peerAckedVersion = max(peerAckedVersion ?? version, version)
            answerEdits()
        case .exec(let request):
            runLocal(request) { [weak self] outcome in
                self?.peerLink.send(.result(id: request.id, outcome))
            }
        case .result(let id, let outcome):
            guard let request = controller.inFlight.first(where: { $0.id == id }) else { return }
            noteFinished(request)
            apply(controller.handle(.actionFinished(request, outcome), now: Self.epochSeconds()))
        case .startRecurring(let request):
            startRecurring(request)
        case .cancelRecurring(let resource, let intervalMs):
            cancelRecurring(resource, intervalMs: intervalMs)
        case .recurringFailed(let request, let outcome):
            noteTrigger("\(request.operationKey) failed on \(request.node)")
            apply(controller.handle(.recurringFailed(request, outcome), now: Self.epochSeconds()))
        case .shutdownRequest(let target):
            if controller.isDC { apply(controller.handle(.shutdown(node: target), now: Self.epochSeconds())) }
        case .leaveOK(let target):
            if target == node { depart() }
        case .edit(let tag, let user, let edit):
            // An operator's edit made on the peer, for us as DC.
            applyEdit(edit, client: EditClient(origin: peer, user: user)) { [weak self] outcome in
                self?.peerLink.send(.editReply(tag: tag, outcome))
            }
        case .editReply(let tag, let outcome):
            guard let request = forwarded.removeValue(forKey: tag) else { return }
            request.answer(DaemonReply(outcome))
        }
    }
}
