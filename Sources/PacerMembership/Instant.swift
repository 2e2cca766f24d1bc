// SPDX-License-Identifier: GPL-2.0-or-later
/// A point in time for the membership core: nanoseconds since an arbitrary origin.
///
/// The core never reads a clock; the shell passes `now` with every event (CONVENTIONS.md §2),
/// as swift-nio's `EmbeddedEventLoop` counts from 0. Only differences between two
/// instants of the same origin are meaningful. Arithmetic traps on `Int64` overflow
/// (about 292 years from the origin), which a monotonic clock never reaches.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since the origin.
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the origin.
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin.
    public static let zero = Instant(nanoseconds: 0)

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant `rhs` later than `lhs` (earlier when `rhs` is negative).
    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds + rhs.wholeNanoseconds)
    }

    /// The instant `rhs` earlier than `lhs`.
    public static func - (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds - rhs.wholeNanoseconds)
    }

    /// The time from `rhs` to `lhs`; negative when `lhs` is earlier.
    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        .nanoseconds(lhs.nanoseconds - rhs.nanoseconds)
    }

    public static func += (lhs: inout Instant, rhs: Duration) {
        lhs = lhs + rhs
    }

    /// Seconds since the origin with millisecond precision, e.g. `t=2.007s`.
    public var description: String {
        "t=" + Duration.nanoseconds(nanoseconds).compactDescription
    }
}
