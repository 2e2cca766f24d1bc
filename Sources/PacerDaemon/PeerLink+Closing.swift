// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Ending connections: a pending one that failed or stalled, or the established one.
extension PeerLink {
    /// The other end closed or failed `candidate`, pending or established.
    func closed(_ candidate: Connection, reason: String) {
        if connection === candidate {
            drop(reason: reason)
        } else if !pending.contains(where: { $0 === candidate }) {
            return   // already closed
        } else if candidate.dialed && candidate.inbound.isEmpty {
            // A dial that never got an answer is routine while the peer is down: say nothing.
            discard(candidate)
            scheduleDial()
        } else {
            handshakeFailed(candidate, reason)
        }
    }

    func handshakeFailed(_ candidate: Connection, _ reason: String) {
        discard(candidate)
        reject("handshake from \(candidate.remote)", "refusing a peer-channel connection \(candidate.dialed ? "to" : "from") \(candidate.remote): \(reason)")
        if candidate.dialed {
            currentRetry = min(currentRetry * 2, Self.maxRetry)
            scheduleDial()
        }
    }

    func reject(_ kind: String, _ message: String) {
        if let line = rejections.admit(kind, message, now: ContinuousClock.now) { onProblem(line) }
    }

    /// Closes a pending connection; one already discarded is left alone (its descriptor
    /// number may belong to something else by now).
    func discard(_ candidate: Connection) {
        guard pending.contains(where: { $0 === candidate }) else { return }
        pending.removeAll { $0 === candidate }
        if let deadline = candidate.deadline { loop.cancelTimer(deadline) }
        loop.unwatch(fd: candidate.fd)
        close(candidate.fd)
    }

    /// Closes the authenticated connection.
    func drop(reason: String?) {
        guard let connection else { return }
        self.connection = nil
        loop.unwatch(fd: connection.fd)
        close(connection.fd)
        if let reason { onProblem(reason) }
        onDisconnected()
        scheduleDial()
    }
}
