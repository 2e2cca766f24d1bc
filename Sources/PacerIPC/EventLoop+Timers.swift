import CQB

/// Identifies a timer from ``EventLoop/addTimer(after:_:)`` so it can be cancelled.
public struct TimerID: Hashable, Sendable {
    let raw: UInt64
}

/// A pending timer's closure; the loop's `timers` table owns it, libqb holds it unretained.
final class TimerBox {
    let id: UInt64
    let body: () -> Void
    unowned let loop: EventLoop
    var handle: qb_loop_timer_handle = 0

    init(id: UInt64, body: @escaping () -> Void, loop: EventLoop) {
        self.id = id
        self.body = body
        self.loop = loop
    }
}

extension EventLoop {
    /// Runs `body` once on the loop thread after at least `after` (a zero or negative delay
    /// means the next pass). Timers with different deadlines fire in deadline order.
    ///
    /// Loop thread only (or before `run()`).
    /// - Returns: an id for ``cancelTimer(_:)``.
    @discardableResult
    public func addTimer(after: Duration, _ body: @escaping () -> Void) -> TimerID {
        preconditionLoopThread("EventLoop.addTimer")
        nextTimerID += 1
        let box = TimerBox(id: nextTimerID, body: body, loop: self)
        var handle: qb_loop_timer_handle = 0
        let rc = qb_loop_timer_add(self.handle, QB_LOOP_MED, Self.nanoseconds(after),
                                   Unmanaged.passUnretained(box).toOpaque(), Self.onTimer, &handle)
        // qb_loop_timer_add fails only on a NULL loop or out of memory.
        precondition(rc == 0, "qb_loop_timer_add failed: \(rc)")
        box.handle = handle
        timers[box.id] = box
        return TimerID(raw: box.id)
    }

    /// Cancels a timer that has not fired yet; a fired or unknown id is ignored.
    ///
    /// Loop thread only (or before `run()`).
    public func cancelTimer(_ id: TimerID) {
        preconditionLoopThread("EventLoop.cancelTimer")
        guard let box = timers.removeValue(forKey: id.raw) else { return }
        _ = qb_loop_timer_del(handle, box.handle)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max }
        return whole &+ UInt64(attoseconds / 1_000_000_000)
    }

    private static let onTimer: qb_loop_timer_dispatch_fn = { data in
        guard let data else { return }
        let box = Unmanaged<TimerBox>.fromOpaque(data).takeUnretainedValue()
        // Gone from the table means cancelled; the removal also releases the box after `body`.
        guard box.loop.timers.removeValue(forKey: box.id) != nil else { return }
        box.body()
    }
}
