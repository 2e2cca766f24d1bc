// SPDX-License-Identifier: GPL-2.0-or-later
/// A date as Pacemaker 2.1.5's `crm_time_t` holds it (lib/common/iso8601.c): a year, the
/// ordinal day in it, the seconds of the day and the offset from UTC they are counted in.
///
/// Only what `crm_resource --move/--ban --lifetime` needs: "now" as `crm_time_new(NULL)`
/// takes it, plus a duration as `crm_time_add()` adds it, printed as `crm_time_as_string()`
/// prints it with date, time of day and time zone. The arithmetic keeps 2.1.5's quirks, which
/// `iso8601 -d DATE -D DURATION` shows: years are added to the ordinal day (2024-03-01 plus
/// `P1Y` is 2025-03-02), months keep the day of the month unless the month is shorter.
package struct CrmTime: Sendable, Equatable {
    package var years: Int
    package var days: Int
    package var seconds: Int
    /// Seconds east of UTC.
    package var offset: Int

    /// `crm_time_set_timet()`: `epoch` seconds since 1970 as local time `offset` seconds east of
    /// UTC (`tm_gmtoff`, whose seconds part `ha_set_tm_time()` drops).
    package init(epoch: Int, offset: Int = 0) {
        let hours = offset / 3600
        self.offset = hours * 3600 + (offset - hours * 3600) / 60 * 60
        let civil = CivilTime(epoch + offset)
        years = civil.year
        days = Self.ordinalDays(civil.year, civil.month, civil.day)
        seconds = civil.hour * 3600 + civil.minute * 60 + civil.second
    }

    /// `crm_time_add(self, duration)` for an ISO 8601 duration (`crm_time_parse_duration()`).
    /// - Returns: nil when `duration` is not one (crm_resource: "Invalid duration specified").
    package func adding(duration text: String) -> CrmTime? {
        guard let duration = IntervalSpec.iso8601Duration(text) else { return nil }
        var answer = self
        answer.years += Int(duration.years)
        answer.addMonths(Int(duration.months))
        answer.addDays(Int(duration.days))
        answer.addSeconds(Int(duration.seconds))
        return answer
    }

    /// Seconds since 1970-01-01 00:00:00 UTC.
    package var epoch: Int { (Self.daysFromCivil(years, 1, 1) + days - 1) * 86_400 + seconds - offset }

    /// `crm_time_as_string(t, crm_time_log_date | crm_time_log_timeofday | crm_time_log_with_timezone)`:
    /// `2026-12-03 09:27:29Z`, or `2026-12-03 10:27:29 +01:00` away from UTC.
    package var description: String {
        let (y, m, d) = gregorian
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var year = String(y)
        while year.count < 4 { year = "0" + year }
        var text = "\(year)-\(two(m))-\(two(d)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if offset == 0 {
            text += "Z"
        } else {
            let magnitude = abs(offset)
            text += " \(offset < 0 ? "-" : "+")\(two(magnitude / 3600)):\(two(magnitude / 60 % 60))"
        }
        return text
    }

    // MARK: - iso8601.c

    /// `crm_time_get_gregorian()`: the month can come out as 13 when `days` exceeds the year.
    var gregorian: (Int, Int, Int) {
        var remaining = days, month = 1
        while month <= 12 && remaining > 0 {
            let length = Self.daysInMonth(month, years)
            if length >= remaining { break }
            remaining -= length
            month += 1
        }
        return (years, month, remaining)
    }

    /// `crm_time_days_in_month()`: 0 for a month outside 1...12.
    static func daysInMonth(_ month: Int, _ year: Int) -> Int {
        guard (1...12).contains(month) else { return 0 }
        if month == 2 && isLeapYear(year) { return 29 }
        return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// `get_ordinal_days()`.
    static func ordinalDays(_ year: Int, _ month: Int, _ day: Int) -> Int {
        var total = day
        var m = 1
        while m < month { total += daysInMonth(m, year); m += 1 }
        return total
    }

    /// `crm_time_add_months()`.
    mutating func addMonths(_ extra: Int) {
        var (y, m, d) = gregorian
        if extra > 0 {
            for _ in 0..<extra { m += 1; if m == 13 { m = 1; y += 1 } }
        } else if extra < 0 {
            for _ in 0..<(-extra) { m -= 1; if m == 0 { m = 12; y -= 1 } }
        }
        d = min(d, Self.daysInMonth(m, y))
        years = y
        days = Self.ordinalDays(y, m, d)
    }

    /// `crm_time_add_days()` for a date (never below day 1).
    mutating func addDays(_ extra: Int) {
        days += extra
        while days > (Self.isLeapYear(years) ? 366 : 365) {
            days -= Self.isLeapYear(years) ? 366 : 365
            years += 1
        }
        while days < 1 {
            years -= 1
            days += Self.isLeapYear(years) ? 366 : 365
        }
    }

    /// `crm_time_add_seconds()`: whole days carry into ``addDays(_:)``.
    mutating func addSeconds(_ extra: Int) {
        seconds += extra
        var carry = seconds / 86_400
        seconds %= 86_400
        if seconds < 0 {
            seconds += 86_400
            carry -= 1
        }
        addDays(carry)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
