// SPDX-License-Identifier: GPL-2.0-or-later
/// A Pacemaker score: an integer clamped to ±INFINITY (1,000,000) with saturating arithmetic.
///
/// Mirrors `char2score()` and `pcmk__add_scores()` (lib/common/scores.c):
/// `-INFINITY` wins over `+INFINITY`, and any sum beyond the limits saturates.
public struct Score: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The magnitude Pacemaker calls INFINITY.
    public static let infinityValue = 1_000_000
    public static let infinity = Score(infinityValue)
    public static let negativeInfinity = Score(-infinityValue)
    public static let zero = Score(0)

    /// The clamped value, in -1,000,000 ... 1,000,000.
    public let value: Int

    /// A score from an integer, clamped to ±INFINITY.
    public init(_ value: Int) {
        self.value = Swift.min(Swift.max(value, -Score.infinityValue), Score.infinityValue)
    }

    /// Parses a score as Pacemaker's `char2score()` does: `INFINITY`, `+INFINITY`,
    /// `-INFINITY`, `red`/`yellow`/`green` (0 unless node-health scores say otherwise),
    /// or a decimal integer (leading digits only, as `strtoll`); anything else is 0.
    public init(parsing text: String?) {
        guard let raw = text else { self.init(0); return }
        // Over the UTF-8 bytes (scores are read for every resource and constraint): leading
        // spaces, tabs and newlines skipped; then INFINITY, matched case-sensitively as
        // pcmk_str_is_infinity() does; else a sign and the ASCII digits up to the first
        // other character. Anything else, "red", "yellow" and "green" included, is 0.
        var bytes = raw.utf8[...]
        while let c = bytes.first, c == 0x20 || c == 0x09 || c == 0x0A { bytes = bytes.dropFirst() }
        var sign = 1
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            bytes = bytes.dropFirst()
        }
        if bytes.elementsEqual("INFINITY".utf8) { self.init(sign * Score.infinityValue); return }
        var magnitude = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { break }
            magnitude = magnitude > Score.infinityValue ? magnitude : magnitude * 10 + Int(c - 0x30)
        }
        self.init(sign * magnitude)
    }

    /// Whether the text is a score Pacemaker accepts without falling back to 0.
    public static func isValid(_ text: String) -> Bool {
        if ["INFINITY", "+INFINITY", "-INFINITY"].contains(text) { return true }
        if ["red", "yellow", "green"].contains(text.lowercased()) { return true }
        var s = Substring(text)
        if let f = s.first, f == "-" || f == "+" { s = s.dropFirst() }
        return !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Saturating addition as `pcmk__add_scores()`: -INFINITY dominates, then +INFINITY.
    public static func + (lhs: Score, rhs: Score) -> Score {
        Score(Score.add(lhs.value, rhs.value))
    }

    /// The same addition on raw integers, for hot loops.
    @inlinable
    public static func add(_ a: Int, _ b: Int) -> Int {
        let inf = infinityValue
        if a <= -inf || b <= -inf { return -inf }
        if a >= inf || b >= inf { return inf }
        let sum = a + b
        return sum > inf ? inf : (sum < -inf ? -inf : sum)
    }

    public static func < (lhs: Score, rhs: Score) -> Bool { lhs.value < rhs.value }

    /// As `pcmk_readable_score()`: `INFINITY`, `-INFINITY` or the number.
    public var description: String {
        if value >= Score.infinityValue { return "INFINITY" }
        if value <= -Score.infinityValue { return "-INFINITY" }
        return String(value)
    }
}

