// SPDX-License-Identifier: GPL-2.0-or-later
/// Lets a log line of each kind through at most once per `every`, saying how many of that
/// kind were held back since: whoever floods the node with bad input cannot flood its log.
struct LogLimiter {
    let every: Duration
    private var last: [String: (at: ContinuousClock.Instant, suppressed: Int)] = [:]

    init(every: Duration) { self.every = every }

    /// The line to log now, or nil when this kind was logged less than `every` ago.
    mutating func admit(_ kind: String, _ message: String, now: ContinuousClock.Instant) -> String? {
        if let previous = last[kind], previous.at.duration(to: now) < every {
            last[kind] = (previous.at, previous.suppressed + 1)
            return nil
        }
        let suppressed = last[kind]?.suppressed ?? 0
        if last.count > 64 { last = last.filter { $0.value.at.duration(to: now) < every } }
        last[kind] = (now, 0)
        return suppressed > 0 ? "\(message) (and \(suppressed) more like it in the last \(every))" : message
    }
}
