// SPDX-License-Identifier: GPL-2.0-or-later
/// Durations in the CIB (`interval`, `timeout`, `start-delay`, `failure-timeout`, cluster
/// options), read as Pacemaker 2.1.5 reads them: the one parser every target uses.
///
/// Two readings exist in Pacemaker and the CIB attribute decides which applies:
/// ``milliseconds(_:)`` (`crm_get_msec()`, for timeouts and delays) and
/// ``intervalMilliseconds(_:)`` (`crm_parse_interval_spec()`, for intervals, which also
/// takes ISO 8601 durations). Both reproduce 2.1.5's quirks, since the differential tests
/// compare against its `crm_simulate`: only the integer part of a number counts (`1.5s` is
/// 1 s), a unit is matched by its first letters (`2mins` is 2 minutes, `1h30m` one hour), and
/// an ISO 8601 duration's days and years count as in `crm_time_get_seconds()` for a date
/// (`P1DT2H` is 2 hours, `P1Y` nothing; later Pacemaker releases count them fully).
package enum IntervalSpec {
    /// Pacemaker's `crm_get_msec()` (lib/common/strings.c): optional white space, a number
    /// (digits and dots, of which only the integer part counts), optional white space, then
    /// a unit recognised by its first letters, case-insensitively, in this order: `ms`/`msec`,
    /// `us`/`usec` (truncated to whole milliseconds), `s`/`sec`, `m`/`min`, `h`/`hr`; none
    /// means seconds.
    /// - Returns: milliseconds (at most `Int.max`), or nil where Pacemaker returns -1: no
    ///   number, or text after it that is not a unit.
    package static func milliseconds(_ text: String) -> Int? {
        var text = text
        return text.withUTF8(milliseconds(utf8:))
    }

    private static func milliseconds(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        let numberStart = index
        while index < bytes.count, (bytes[index] >= 48 && bytes[index] <= 57) || bytes[index] == UInt8(ascii: ".") { index += 1 }
        guard index > numberStart else { return nil }
        let number = bytes[numberStart..<index]
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        // The unit by its first letters, ASCII case-insensitively (strncasecmp()).
        func lower(_ i: Int) -> UInt8? {
            guard i < bytes.count else { return nil }
            let c = bytes[i]
            return c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
        }
        let first = lower(index), second = lower(index + 1)
        let multiplier: Int, divisor: Int
        if first == UInt8(ascii: "m") && second == UInt8(ascii: "s") {
            (multiplier, divisor) = (1, 1)
        } else if first == UInt8(ascii: "u") && second == UInt8(ascii: "s") {
            (multiplier, divisor) = (1, 1000)
        } else if first == UInt8(ascii: "s") {
            (multiplier, divisor) = (1000, 1)
        } else if first == UInt8(ascii: "m") {
            (multiplier, divisor) = (60_000, 1)
        } else if first == UInt8(ascii: "h") {
            (multiplier, divisor) = (3_600_000, 1)
        } else if first == nil {
            (multiplier, divisor) = (1000, 1)
        } else {
            return nil
        }
        // scan_ll(): the leading integer of the number ("1.5" is 1, "." is invalid).
        let digits = number.prefix { $0 != UInt8(ascii: ".") }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for digit in digits {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow, times <= Int.max - Int(digit - 48) else { value = Int.max; break }
            value = times + Int(digit - 48)
        }
        if value > Int.max / multiplier { return Int.max }
        return value * multiplier / divisor
    }

    /// Pacemaker's `crm_parse_interval_spec()` (lib/common/utils.c): an ISO 8601 duration
    /// when the text starts with `P` (upper case only), else ``milliseconds(_:)``.
    /// - Returns: milliseconds, capped at `UInt32.max` as Pacemaker's `guint`; 0 for nil,
    ///   for invalid text and for a negative duration (Pacemaker warns "Using 0 instead of").
    package static func intervalMilliseconds(_ text: String?) -> Int {
        guard let text else { return 0 }
        let ms: Int?
        if text.hasPrefix("P") {
            ms = iso8601Seconds(text).map { $0 > Int.max / 1000 ? Int.max : $0 * 1000 }
        } else {
            ms = milliseconds(text)
        }
        guard let ms, ms >= 0 else { return 0 }
        return min(ms, Int(UInt32.max))
    }

    /// An ISO 8601 duration (`PT30S`, `P1DT2H`, `P2W`) in seconds, as Pacemaker 2.1.5's
    /// `crm_time_parse_duration()` then `crm_time_get_seconds()` (lib/common/iso8601.c) give it.
    ///
    /// Parsing stops at white space or `/`; each element is an integer (at most ten digits,
    /// optionally signed) and a unit `Y`, `M` (months before `T`, minutes after), `W`, `D`,
    /// `H` or `S`, in any order. The total counts seconds and hours fully, months as 30
    /// days, but days as `days - 1` and years as the days of years `1 ..< years`, because
    /// 2.1.5 sums a duration as it sums a date.
    /// - Returns: seconds, or nil when the text is not such a duration.
    package static func iso8601Seconds(_ text: String) -> Int? {
        guard let (years, months, days, seconds) = iso8601Duration(text) else { return nil }
        var total = 0
        if years > 1 {
            for year in 1..<Int(years) { total += 86_400 * (isLeapYear(year) ? 366 : 365) }
        }
        if months > 0 { total += 86_400 * 30 * Int(months) }
        if days > 0 { total += 86_400 * (Int(days) - 1) }
        return total + Int(seconds)
    }

    /// The fields of an ISO 8601 duration as `crm_time_parse_duration()` fills a `crm_time_t`
    /// (the grammar of ``iso8601Seconds(_:)``): years and months as given last, weeks and days
    /// summed into days, hours, minutes and seconds into seconds.
    /// - Returns: nil when the text is not such a duration.
    package static func iso8601Duration(_ text: String) -> (years: Int32, months: Int32, days: Int32, seconds: Int32)? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "P"), bytes.count > 1, !isWhitespace(bytes[1]) else { return nil }
        // crm_time_t's fields are C ints.
        var years: Int32 = 0, months: Int32 = 0, days: Int32 = 0, seconds: Int32 = 0
        var inTime = false
        var index = 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "/"), !isWhitespace(bytes[index]) {
            if bytes[index] == UInt8(ascii: "T") {
                inTime = true
                index += 1
                continue
            }
            guard let (value, length) = durationInteger(bytes, at: index) else { return nil }
            index += length
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "Y"): years = value
            case UInt8(ascii: "M"): if inTime { seconds &+= value &* 60 } else { months = value }
            case UInt8(ascii: "W"): days &+= value &* 7
            case UInt8(ascii: "D"): days &+= value
            case UInt8(ascii: "H"): seconds &+= value &* 3600
            case UInt8(ascii: "S"): seconds &+= value
            default: return nil
            }
            index += 1
        }
        return (years, months, days, seconds)
    }

    /// `parse_int(str, 10, 0, …)` of iso8601.c: an optional `T`, then `.`/`,` (a fraction,
    /// which counts as 0), `-`, `+` or `:`, then up to ten digits.
    /// - Returns: the value and the number of bytes read, or nil when no digit follows.
    private static func durationInteger(_ bytes: [UInt8], at start: Int) -> (Int32, Int)? {
        var index = start
        if index < bytes.count, bytes[index] == UInt8(ascii: "T") { index += 1 }
        var fraction = false, negate = false
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "."), UInt8(ascii: ","): fraction = true; index += 1
            case UInt8(ascii: "-"): negate = true; index += 1
            case UInt8(ascii: "+"), UInt8(ascii: ":"): index += 1
            default: break
            }
        }
        var value: Int32 = 0, count = 0
        while index < bytes.count, fraction || count < 10, bytes[index] >= 48, bytes[index] <= 57 {
            value = value &* 10 &+ Int32(bytes[index] - 48)
            index += 1
            count += 1
        }
        guard count > 0 else { return nil }
        if fraction { value = 0 }
        return (negate ? 0 &- value : value, index - start)
    }

    private static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func isWhitespace(_ b: UInt8) -> Bool {
        b == 32 || (b >= 9 && b <= 13)
    }
}
