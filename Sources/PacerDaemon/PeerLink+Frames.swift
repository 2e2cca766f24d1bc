// SPDX-License-Identifier: GPL-2.0-or-later
import PacerHeartbeat
import PacerWire
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Reading a connection (the handshake, then frames of ``PeerMessage``s) and writing to it.
extension PeerLink {
    func readable(_ candidate: Connection) {
        let isPending = pending.contains { $0 === candidate }
        guard isPending || connection === candidate else { return }
        // Before authentication nothing more than a handshake is read.
        var buffer = [UInt8](repeating: 0, count: isPending ? PeerHandshake.maxBytes + 1 : 65536)
        while true {
            if isPending && candidate.inbound.count > PeerHandshake.maxBytes { break }
            let n = buffer.withUnsafeMutableBytes { read(candidate.fd, $0.baseAddress, $0.count) }
            if n > 0 { candidate.inbound += buffer[0..<n]; continue }
            if n == 0 { closed(candidate, reason: "peer closed the connection"); return }
            if errno == EAGAIN || errno == EINTR { break }
            closed(candidate, reason: "read failed: \(String(cString: strerror(errno)))")
            return
        }
        if isPending {
            let progress: PeerHandshake.Progress
            do { progress = try candidate.handshake.advance(&candidate.inbound) } catch {
                handshakeFailed(candidate, error.description)
                return
            }
            if !progress.send.isEmpty {
                candidate.outbound += progress.send
                flush(candidate)
                // A failed write has discarded (and closed) it: it must not be promoted.
                guard pending.contains(where: { $0 === candidate }) else { return }
            }
            guard let session = progress.session else {
                if candidate.inbound.count > PeerHandshake.maxBytes { handshakeFailed(candidate, "handshake too long") }
                return
            }
            candidate.session = session
            promote(candidate)
        }
        receiveFrames(candidate)
    }

    /// An authenticated connection becomes the connection, replacing the old one.
    func promote(_ candidate: Connection) {
        pending.removeAll { $0 === candidate }
        if let deadline = candidate.deadline { loop.cancelTimer(deadline) }
        if connection != nil { drop(reason: "replaced by a newer authenticated connection") }
        if let timer = dialTimer { loop.cancelTimer(timer); dialTimer = nil }
        connection = candidate
        currentRetry = retry
        onConnected()
    }

    func receiveFrames(_ candidate: Connection) {
        while connection === candidate, var session = candidate.session {
            let payload: [UInt8]?
            do { payload = try session.open(from: &candidate.inbound) } catch {
                drop(reason: "dropping the peer connection: \(error)")
                return
            }
            candidate.session = session
            guard let payload else { break }
            let message: PeerMessage
            do { message = try PeerMessage(decoding: payload) } catch {
                if case .version = error {
                    // The peer runs another release: it redials, so say so once in a while, not at each attempt.
                    drop(reason: nil)
                    reject("wire version", "dropping the peer connection: \(error)")
                } else {
                    drop(reason: "dropping the peer connection: \(error)")
                }
                return
            }
            onMessage(message)
        }
    }

    func flush(_ target: Connection) {
        while !target.outbound.isEmpty {
            let n = target.outbound.withUnsafeBytes { Glibc.send(target.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { target.outbound.removeFirst(n); continue }
            if n < 0 && (errno == EAGAIN || errno == EINPROGRESS || errno == EINTR) { break }
            closed(target, reason: "write failed: \(String(cString: strerror(errno)))")
            return
        }
        // Wait for writability with a short timer (the loop's watch is read-only); small
        // backlogs drain on the next event anyway.
        if !target.outbound.isEmpty, !target.writeWatched {
            target.writeWatched = true
            loop.addTimer(after: .milliseconds(5)) { [weak self, weak target] in
                guard let self, let target, self.connection === target || self.pending.contains(where: { $0 === target }) else { return }
                target.writeWatched = false
                self.flush(target)
            }
        }
    }
}
