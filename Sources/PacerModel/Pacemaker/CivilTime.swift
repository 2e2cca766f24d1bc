// SPDX-License-Identifier: GPL-2.0-or-later
/// A civil (proleptic Gregorian) date and time in UTC from seconds since the epoch, as
/// `crm_time_t` holds it for printing (crm_simulate's `-t`, crm_mon's times).
package struct CivilTime: Sendable {
    package var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// Days since 1970-01-01 (for the weekday).
    package var dayNumber: Int

    package init(_ t: Int) {
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - days * 86400
        dayNumber = days
        // civil_from_days (Howard Hinnant)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        if month <= 2 { y += 1 }
        year = y
        hour = secs / 3600
        minute = secs / 60 % 60
        second = secs % 60
    }
}
