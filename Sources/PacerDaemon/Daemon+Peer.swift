// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import PacerHeartbeat
import Logging
import PacerController
import PacerTransition
import PacerIPC
import PacerModel
import PacerXML

/// Messages from the other daemon.
extension Daemon {
    func peerMessage(_ message: [String]) {
        let fields = message.dropFirst()
        switch message[0] {
        case "cib":
            guard let text = fields.first, let cib = try? XMLParser.parse(text), cib.name == "cib" else {
                logger.warning("Peer sent a CIB that does not parse")
                return
            }
            apply(controller.handle(.peerCIB(cib), now: Self.epochSeconds()))
            peerLink.send(["cib-ack", "\(CIBVersion(of: cib))"])
        case "cib-ack":
            guard let version = fields.first.flatMap(CIBVersion.init(parsing:)) else { return }
            peerAckedVersion = max(peerAckedVersion ?? version, version)
            answerEdits()
        case "exec":
            guard let request = RequestCodec.decode(fields) else { return }
            runLocal(request) { [weak self] outcome in
                self?.peerLink.send(["result", String(request.id)] + RequestCodec.encode(outcome))
            }
        case "result":
            guard let id = fields.first.flatMap(UInt64.init), let outcome = RequestCodec.decodeOutcome(fields.dropFirst()),
                  let request = controller.inFlight.first(where: { $0.id == id }) else { return }
            noteFinished(request)
            apply(controller.handle(.actionFinished(request, outcome), now: Self.epochSeconds()))
        case "start-recurring":
            if let request = RequestCodec.decode(fields) { startRecurring(request) }
        case "cancel-recurring":
            if let resource = fields.first { cancelRecurring(resource, intervalMs: fields.dropFirst().first.flatMap { Int($0) }) }
        case "recurring-failed":
            guard let (request, outcome) = RequestCodec.decodeRequestAndOutcome(fields) else { return }
            noteTrigger("\(request.operationKey) failed on \(request.node)")
            apply(controller.handle(.recurringFailed(request, outcome), now: Self.epochSeconds()))
        case "shutdown-request":
            if let target = fields.first, controller.isDC { apply(controller.handle(.shutdown(node: target), now: Self.epochSeconds())) }
        case "leave-ok":
            if fields.first == node { depart() }
        case "edit":
            // An operator's edit made on the peer, for us as DC: [tag, user, kind, args…].
            guard fields.count >= 3, let tag = fields.first else { return }
            let reply: (String, String) -> Void = { [weak self] status, text in self?.peerLink.send(["edit-reply", tag, status, text]) }
            applyEdit(Array(fields.dropFirst(2)), client: EditClient(origin: peer, user: fields[fields.startIndex + 1]), reply: reply)
        case "edit-reply":
            guard fields.count == 3, let request = forwarded.removeValue(forKey: fields[fields.startIndex]) else { return }
            request.reply(WireStrings.encode([fields[fields.startIndex + 1], fields[fields.startIndex + 2]]))
        default:
            logger.warning("Unknown peer message", metadata: ["type": "\(message[0])"])
        }
    }
}
