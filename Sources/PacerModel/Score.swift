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
        let text = raw.trimmingLeadingSpaces()
        // INFINITY is matched case-sensitively, as pcmk_str_is_infinity() does.
        switch text {
        case "INFINITY", "+INFINITY": self.init(Score.infinityValue); return
        case "-INFINITY": self.init(-Score.infinityValue); return
        default: break
        }
        switch text.lowercased() {
        case "red", "yellow", "green": self.init(0); return
        default: break
        }
        var sign = 1
        var digits = Substring(text)
        if let first = digits.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            digits = digits.dropFirst()
        }
        var magnitude = 0
        for ch in digits {
            guard let d = ch.wholeNumberValue, ch.isASCII else { break }
            magnitude = magnitude > Score.infinityValue ? magnitude : magnitude * 10 + d
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

extension String {
    fileprivate func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" }))
    }
}
