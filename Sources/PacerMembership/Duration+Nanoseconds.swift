// SPDX-License-Identifier: GPL-2.0-or-later
extension Duration {
    /// The duration in whole nanoseconds (sub-nanosecond parts dropped), saturating at
    /// the `Int64` limits so absurd settings fail validation instead of trapping.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return attoseconds < 0 ? .min : .max }
        return sum
    }

    /// A short human form for messages and status: `100ms`, `2s`, `1.5s`, `250us`, `7ns`.
    var compactDescription: String {
        let ns = wholeNanoseconds
        let sign = ns < 0 ? "-" : ""
        let magnitude = ns.magnitude
        func decimal(_ value: UInt64, unit: UInt64, suffix: String) -> String {
            let whole = value / unit
            var fraction = String(value % unit)
            let width = String(unit).count - 1
            fraction = String(repeating: "0", count: width - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return sign + String(whole) + (fraction.isEmpty ? "" : "." + fraction) + suffix
        }
        if magnitude >= 1_000_000_000 { return decimal(magnitude, unit: 1_000_000_000, suffix: "s") }
        if magnitude >= 1_000_000 { return decimal(magnitude, unit: 1_000_000, suffix: "ms") }
        if magnitude >= 1_000 { return decimal(magnitude, unit: 1_000, suffix: "us") }
        return sign + String(magnitude) + "ns"
    }
}
