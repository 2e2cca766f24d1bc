// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// `date_expression` rules against the scheduler's time (`execution-date` or the
/// given now). Mirrors `pe__eval_date_expr()` and `pe_cron_range_satisfied()`
/// (lib/pengine/rules.c) with the ISO 8601 subset of `crm_time_new()` the CIB uses.
extension WorkingSet {
    func evaluateDateExpression(_ expr: XMLElement) -> Bool { Self.evaluateDateExpression(expr, now: now) }

    static func evaluateDateExpression(_ expr: XMLElement, now: Int) -> Bool {
        let start = expr["start"].flatMap(parseISO8601)
        var end = expr["end"].flatMap(parseISO8601)
        switch (expr["operation"] ?? "in_range").lowercased() {
        case "in_range":
            if end == nil, let start, let duration = expr.firstElement(named: "duration") {
                end = add(duration, to: start)
            }
            if start == nil && end == nil { return false }
            if let start, start > now { return false }
            if let end, end < now { return false }
            return true
        case "date_spec":
            guard let spec = expr.firstElement(named: "date_spec") else { return false }
            return cronSatisfied(spec, now)
        case "gt":
            guard let start else { return false }
            return now > start
        case "lt":
            guard let end else { return false }
            return now < end
        default:
            return false
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
    /// `days_from_civil`); days beyond the month's end carry over.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = month
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func number(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    /// Seconds since the epoch for an ISO 8601 date and time: `YYYY-MM-DD`, `YYYY-DDD`
    /// or `YYYY-Www-D`, then optionally `T` or a blank and `HH:MM[:SS]`, then `Z` or an
    /// offset `±HH[:MM]`. Without an offset the time is UTC. Nil if unreadable.
    static func parseISO8601(_ text: String) -> Int? {
        var s = Substring(text.trimmingPrefix(" "))
        while s.last == " " { s = s.dropLast() }
        var datePart = s, timePart: Substring = ""
        if let i = s.firstIndex(where: { $0 == "T" || $0 == " " }) {
            datePart = s[..<i]
            timePart = s[s.index(after: i)...].drop { $0 == " " }
        }
        let fields = datePart.split(separator: "-", omittingEmptySubsequences: false)
        var days: Int
        if fields.count == 3, let y = number(fields[0]), let m = number(fields[1]), let d = number(fields[2]) {
            guard (1...12).contains(m), (1...31).contains(d) else { return nil }
            days = daysFromCivil(y, m, d)
        } else if fields.count == 2, let y = number(fields[0]), let yd = number(fields[1]), fields[1].count == 3 {
            guard (1...366).contains(yd) else { return nil }
            days = daysFromCivil(y, 1, 1) + yd - 1
        } else if fields.count == 3, fields[1].first == "W", let y = number(fields[0]),
                  let w = number(fields[1].dropFirst()), let wd = number(fields[2]) {
            // ISO week date: week 1 holds the year's first Thursday.
            let jan4 = daysFromCivil(y, 1, 4)
            let jan4Weekday = ((jan4 + 3) % 7 + 7) % 7 + 1      // 1 = Monday
            days = jan4 - (jan4Weekday - 1) + (w - 1) * 7 + (wd - 1)
        } else {
            return nil
        }
        var seconds = days * 86400
        if timePart.isEmpty { return seconds }
        // Split off the offset: Z, or the first + or - after the time.
        var offset = 0
        var clock = timePart
        if let z = timePart.firstIndex(of: "Z") {
            clock = timePart[..<z]
        } else if let sign = timePart.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            clock = timePart[..<sign]
            let spec = timePart[timePart.index(after: sign)...].filter { $0 != ":" }
            guard let hh = number(Substring(spec.prefix(2))) else { return nil }
            let mm = spec.count >= 4 ? number(Substring(spec.dropFirst(2).prefix(2))) ?? 0 : 0
            offset = (hh * 3600 + mm * 60) * (timePart[sign] == "-" ? -1 : 1)
        }
        while clock.last == " " { clock = clock.dropLast() }
        let parts = clock.split(separator: ":")
        guard parts.count >= 2, let h = number(parts[0]), let m = number(parts[1]) else { return nil }
        let sec = parts.count >= 3 ? number(parts[2].prefix { $0 != "." }) ?? 0 : 0
        seconds += h * 3600 + m * 60 + sec
        return seconds - offset
    }

    /// `start` plus a `<duration>` (years, months, weeks, days, hours, minutes, seconds).
    static func add(_ duration: XMLElement, to start: Int) -> Int {
        func value(_ name: String) -> Int { Int(duration[name] ?? "") ?? 0 }
        let civil = CivilTime(start)
        let months = civil.month - 1 + value("months") + 12 * value("years")
        let year = civil.year + (months >= 0 ? months / 12 : (months - 11) / 12)
        let month = ((months % 12) + 12) % 12 + 1
        let days = daysFromCivil(year, month, civil.day) + 7 * value("weeks") + value("days")
        return days * 86400 + civil.hour * 3600 + civil.minute * 60 + civil.second
            + 3600 * value("hours") + 60 * value("minutes") + value("seconds")
    }

    /// Mirrors `pe_cron_range_satisfied()`: every field given is a number or a
    /// `low-high` range containing the time's value.
    static func cronSatisfied(_ spec: XMLElement, _ now: Int) -> Bool {
        let civil = CivilTime(now)
        let dayNumber = civil.dayNumber
        let yearDay = dayNumber - daysFromCivil(civil.year, 1, 1) + 1
        let weekday = ((dayNumber + 3) % 7 + 7) % 7 + 1            // 1 = Monday
        // ISO week: the week of this week's Thursday.
        let thursday = dayNumber - weekday + 4
        let weekYear = CivilTime(thursday * 86400).year
        let week = (thursday - daysFromCivil(weekYear, 1, 1)) / 7 + 1
        let values: [(String, Int)] = [
            ("years", civil.year), ("months", civil.month), ("monthdays", civil.day),
            ("hours", civil.hour), ("minutes", civil.minute), ("seconds", civil.second),
            ("yeardays", yearDay), ("weekyears", weekYear), ("weeks", week), ("weekdays", weekday),
        ]
        for (name, value) in values {
            guard let range = spec[name] else { continue }
            let bounds = range.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            let low = bounds.first.flatMap { Int($0.trimmingPrefix(" ")) }
            let high = bounds.count > 1 ? Int(bounds[1]) : low
            if let low, value < low { return false }
            if let high, value > high { return false }
        }
        return true
    }
}
