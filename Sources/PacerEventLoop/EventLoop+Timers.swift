// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys

/// Identifies a timer from ``EventLoop/addTimer(after:_:)`` so it can be cancelled.
public struct TimerID: Hashable, Sendable {
    let raw: UInt64
}

/// The loop's timers: a deadline-ordered list driven by one timerfd.
///
/// Why not libqb's own timers: its epoll timeout has millisecond resolution, so for the
/// last millisecond before every deadline the loop spins (`epoll_wait(…, 0)` in a row),
/// which with pacerd's 20 ms heartbeat slots cost several per cent of a core at idle.
/// A timerfd armed at the earliest deadline makes the loop sleep until exactly then.
final class TimerQueue {
    struct Entry {
        var deadline: UInt64
        var id: UInt64
    }
    /// Pending entries sorted by (deadline, id); few enough that a sorted array is fastest.
    var entries: [Entry] = []
    var bodies: [UInt64: () -> Void] = [:]
    let fd: Int32
    var armed: UInt64 = 0

    init(fd: Int32) { self.fd = fd }

    func insert(_ entry: Entry) {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if (entries[mid].deadline, entries[mid].id) < (entry.deadline, entry.id) { low = mid + 1 } else { high = mid }
        }
        entries.insert(entry, at: low)
    }

    /// Arms the timerfd for the earliest deadline (disarms when there is none).
    func rearm() {
        let next = entries.first?.deadline ?? 0
        guard next != armed else { return }
        armed = next
        _ = pacer_timerfd_arm(fd, next == 0 ? 0 : max(next, 1))
    }
}

extension EventLoop {
    /// Runs `body` once on the loop thread after at least `after` (a zero or negative delay
    /// means the next pass). Timers with different deadlines fire in deadline order, equal
    /// deadlines in the order they were added.
    ///
    /// Loop thread only (or before `run()`).
    /// - Returns: an id for ``cancelTimer(_:)``.
    @discardableResult
    public func addTimer(after: Duration, _ body: @escaping () -> Void) -> TimerID {
        preconditionLoopThread("EventLoop.addTimer")
        nextTimerID += 1
        let queue = timerQueue
        queue.bodies[nextTimerID] = body
        queue.insert(.init(deadline: pacer_monotonic_ns() &+ Self.nanoseconds(after), id: nextTimerID))
        queue.rearm()
        return TimerID(raw: nextTimerID)
    }

    /// Cancels a timer that has not fired yet; a fired or unknown id is ignored.
    ///
    /// Loop thread only (or before `run()`).
    public func cancelTimer(_ id: TimerID) {
        preconditionLoopThread("EventLoop.cancelTimer")
        let queue = timerQueue
        guard queue.bodies.removeValue(forKey: id.raw) != nil else { return }
        queue.entries.removeAll { $0.id == id.raw }
        queue.rearm()
    }

    /// Runs every timer that is due (called when the timerfd fires).
    func runDueTimers() {
        let queue = timerQueue
        pacer_timerfd_drain(queue.fd)
        queue.armed = 0
        let now = pacer_monotonic_ns()
        while let first = queue.entries.first, first.deadline <= now {
            queue.entries.removeFirst()
            if let body = queue.bodies.removeValue(forKey: first.id) { body() }
        }
        queue.rearm()
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max / 2 }
        return whole &+ UInt64(attoseconds / 1_000_000_000)
    }
}
