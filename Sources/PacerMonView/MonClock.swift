// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
/// How times are printed: crm_mon prints epochs with `ctime()` in the local time zone.
///
/// The core does no clock or time-zone reads: the caller passes the offset function
/// (the CLI asks `localtime_r`), tests use ``utc``.
public struct MonClock: Sendable {
    /// Seconds east of UTC in force at a given epoch second.
    public var utcOffset: @Sendable (Int) -> Int

    public init(utcOffset: @escaping @Sendable (Int) -> Int) {
        self.utcOffset = utcOffset
    }

    /// Every time printed in UTC.
    public static let utc = MonClock { _ in 0 }

    /// `ctime()` without the newline, as `pcmk__epoch2str()`: `Mon Nov 23 15:12:51 2026`.
    func ctime(_ epoch: Int) -> String {
        let c = CivilTime(epoch + utcOffset(epoch))
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((c.dayNumber % 7) + 7) % 7]
        let day = c.day < 10 ? " \(c.day)" : "\(c.day)"
        return "\(weekday) \(months[c.month - 1]) \(day) \(pad2(c.hour)):\(pad2(c.minute)):\(pad2(c.second)) \(c.year)"
    }

    /// `crm_time_as_string(…, log_date | log_timeofday | log_with_timezone)`:
    /// `2026-11-23 15:13:01Z`, or with `+01:00` outside UTC.
    func isoTime(_ epoch: Int) -> String {
        let offset = utcOffset(epoch)
        let c = CivilTime(epoch + offset)
        var s = "\(c.year)-\(pad2(c.month))-\(pad2(c.day)) \(pad2(c.hour)):\(pad2(c.minute)):\(pad2(c.second))"
        if offset == 0 {
            s += "Z"
        } else {
            let a = abs(offset)
            s += (offset < 0 ? "-" : "+") + "\(pad2(a / 3600)):\(pad2(a / 60 % 60))"
        }
        return s
    }
}

func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// `pcmk__readable_interval()`: `5s`, `1.500s`, `1m30s`, `60m`, `1000ms` (units only when
/// strictly greater than one of them).
func readableInterval(_ ms: Int) -> String {
    var ms = ms
    var s = ""
    let second = 1000, minute = 60 * second, hour = 60 * minute, day = 24 * hour
    if ms > day { s += "\(ms / day)d"; ms %= day }
    if ms > hour { s += "\(ms / hour)h"; ms %= hour }
    if ms > minute { s += "\(ms / minute)m"; ms %= minute }
    if ms > second {
        s += "\(ms / second)"
        ms %= second
        if ms > 0 { s += "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + "\(ms)" }
        s += "s"
    } else if ms > 0 {
        s += "\(ms)ms"
    } else if s.isEmpty {
        s = "0s"
    }
    return s
}
