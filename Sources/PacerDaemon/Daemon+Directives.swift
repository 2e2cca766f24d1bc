// SPDX-License-Identifier: GPL-2.0-or-later
import Logging
import PacerConfig
import PacerCIB
import PacerController
import PacerTransition
import PacerExecutor
import PacerHeartbeat
import PacerCrypto
import PacerIPC
import PacerMembership
import PacerModel
import PacerWire
import PacerXML
import CPacerSys
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// The controller's directives carried out, and operators' edits answered once their version is safe.
extension Daemon {
    // MARK: - Controller directives

    func apply(_ directives: [ControllerInstance.Directive]) {
        for directive in directives {
            if departed {
                if case .log = directive {} else { continue }
            }
            switch directive {
            case .execute(let request):
                if transitionStartedAt == nil { transitionStartedAt = HeartbeatShell.now() }
                if request.node == node {
                    runLocal(request) { [unowned self] outcome in
                        self.noteFinished(request)
                        self.apply(self.controller.handle(.actionFinished(request, outcome), now: Self.epochSeconds()))
                    }
                } else if !peerLink.send(.exec(request)) {
                    loop.post { [unowned self] in
                        self.apply(self.controller.handle(.actionLost(request), now: Self.epochSeconds()))
                        self.loop.addTimer(after: .milliseconds(500)) { [unowned self] in
                            self.apply(self.controller.handle(.recheck, now: Self.epochSeconds()))
                        }
                    }
                }
            case .startRecurring(let request):
                if request.node == node { startRecurring(request) } else { peerLink.send(.startRecurring(request)) }
            case .cancelRecurring(let resource, let target, let interval):
                if target == node {
                    cancelRecurring(resource, intervalMs: interval)
                } else {
                    peerLink.send(.cancelRecurring(resource: resource, intervalMs: interval))
                }
            case .persist(let cib):
                // Off the loop: an fsync on a busy disk must not delay heartbeats (see CIBWriter).
                writer.submit(cib)
                alertAttributes(cib)
                scheduleDateRecheck(cib)
            case .replicate(let cib):
                peerLink.send(.cib(cib.serialized()))
            case .settled:
                if let started = transitionStartedAt {
                    let end = HeartbeatShell.now()
                    let origin = trigger.map { min($0.at, started) } ?? started
                    func ms(_ instant: Instant?) -> String { instant.map { "+\(Self.milliseconds($0 - origin)) ms" } ?? "none" }
                    lastTransition = "\(trigger?.what ?? "change") detected at 0 ms; first action \(ms(started)); "
                        + "stops done \(ms(lastStopDone)); starts done \(ms(lastStartDone)); complete \(ms(end))"
                    logger.notice("Transition complete", metadata: ["timeline": "\(lastTransition)"])
                    transitionStartedAt = nil
                    lastStopDone = nil
                    lastStartDone = nil
                }
                trigger = nil   // a change that needed no action ends here too
                pacer_malloc_trim()   // the transition's garbage goes back to the system
            case .shutdownComplete(let target):
                if target == node { depart() } else { peerLink.send(.leaveOK(node: target)) }
            case .log(let message, let metadata):
                logger.info("\(message)", metadata: metadata.mapValues { .string($0) })
            }
        }
    }

    /// Replies to operator edits whose CIB version is now on this node's disk and, when the
    /// peer is connected, acknowledged by it (so a change survives either node dying).
    func answerEdits() {
        let peerNeeded = peerLink.isConnected && heartbeat.instance.peerState == .member
        func ready(_ version: CIBVersion) -> Bool {
            guard let saved = savedVersion, version <= saved else { return false }
            guard peerNeeded else { return true }
            return peerAckedVersion.map { version <= $0 } ?? false
        }
        let answered = awaitingAck.filter { ready($0.version) }
        awaitingAck.removeAll { ready($0.version) }
        for entry in answered { entry.request.answer(.ok("\(entry.version)")) }
    }
}
