// SPDX-License-Identifier: GPL-2.0-or-later

/// An ISO 8601 date and time read as the scheduler reads a `date_expression`'s `start` and
/// `end`, for `pacer simulate -t` (crm_simulate's `--set-datetime`), so the time given and the
/// times in the CIB's rules are compared alike.
public enum ISO8601Date {
    /// Seconds since the epoch of `YYYY-MM-DD`, `YYYY-DDD` or `YYYY-Www-D`, optionally followed
    /// by `T` or a blank and `HH:MM[:SS]`, then `Z` or `±HH[:MM]` (none: UTC); nil if unreadable.
    public static func seconds(_ text: String) -> Int? { WorkingSet.parseISO8601(text) }
}
