// SPDX-License-Identifier: GPL-2.0-or-later
import PacerController
import PacerHeartbeat
import PacerMembership
import PacerModel

/// `pacer node clearstate NODE` on the DC, for the peer when it is down: what Pacemaker's
/// controller records when an operator confirms the node's fencing (`stonith_admin --confirm`,
/// which `crm node clearstate` runs). The scheduler then sees the node cleanly down, stops
/// asking to fence it, and its resources are recovered here; the controller keeps it so
/// (`StatusRecorder.setMembership`) until the node joins again.
extension Daemon {
    /// Applies the edit; returns why it is refused instead.
    func clearState(_ target: String) -> String? {
        guard target == node || target == peer else { return "node '\(target)' not found" }
        guard target == peer, heartbeat.instance.peerState != .member else {
            return "node '\(target)' is a running member of the cluster: its state is not cleared (pacer resource cleanup cleans up its failures)"
        }
        var recorder = StatusRecorder(cib: controller.cib)
        recorder.confirmDown(target)
        apply(controller.handle(.edited(recorder.cib), now: Self.epochSeconds()))
        return nil
    }
}
