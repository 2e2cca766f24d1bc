// SPDX-License-Identifier: GPL-2.0-or-later
/// Pacemaker's string helpers (lib/common/strings.c) that the scheduler and the status view
/// both read the CIB with.

/// Pacemaker's `crm_is_true()`: `true`, `on`, `yes`, `y` or `1`, in any case.
package func isTrue(_ value: String?) -> Bool {
    guard let v = value?.lowercased() else { return false }
    return ["true", "on", "yes", "y", "1"].contains(v)
}

/// The integer at the start of `text`, as `strtoll()` reads it for `scan_ll()`: white space,
/// an optional sign, digits; what follows is ignored. Nil when there is no digit.
package func leadingInteger(_ text: String) -> Int? {
    var negative = false, value = 0, digits = 0
    var bytes = text.utf8.makeIterator()
    var next = bytes.next()
    while let c = next, c == 32 || c == 9 || c == 10 { next = bytes.next() }   // spaces, tabs, newlines
    if let c = next, c == 45 || c == 43 { negative = c == 45; next = bytes.next() }   // - or +
    while let c = next, c >= 48 && c <= 57 {
        if value < Int.max / 20 { value = value * 10 + Int(c - 48) }
        digits += 1
        next = bytes.next()
    }
    return digits == 0 ? nil : (negative ? -value : value)
}

extension String {
    /// Whether the UTF-8 bytes end with `suffix`'s, as `pcmk__ends_with()` (no grapheme work).
    package func endsWithBytes(_ suffix: String) -> Bool {
        var text = self, suffix = suffix
        return text.withUTF8 { bytes in
            suffix.withUTF8 { tail in
                bytes.count >= tail.count && UnsafeBufferPointer(rebasing: bytes[(bytes.count - tail.count)...]).elementsEqual(tail)
            }
        }
    }

    /// Equal to `other` ignoring ASCII case, as `strcasecmp()` (no new string is made).
    package func equalsIgnoringASCIICase(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                x.count == y.count && zip(x, y).allSatisfy { p, q in
                    p == q || (p | 0x20 == q | 0x20 && (p | 0x20) >= UInt8(ascii: "a") && (p | 0x20) <= UInt8(ascii: "z"))
                }
            }
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    package var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s.removeLast() }
        return String(s)
    }
}

/// Compares dotted versions as `compare_version()`: -1, 0 or 1; a missing version sorts first.
package func compareVersions(_ a: String?, _ b: String) -> Int {
    guard let a else { return -1 }
    let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
    for i in 0..<max(x.count, y.count) {
        let p = i < x.count ? x[i] : 0, q = i < y.count ? y[i] : 0
        if p != q { return p < q ? -1 : 1 }
    }
    return 0
}
