// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCrmSyntax
#if canImport(Glibc)
import Glibc
#endif

/// `--lifetime DURATION` of `pacer resource move|ban` (crm_resource's `--lifetime`, what
/// `crm resource move RSC NODE DURATION` passes on): when the constraint stops applying.
enum ResourceLifetime {
    /// The end of a constraint made now with `lifetime`, in local time as crm_resource writes
    /// it (`2026-12-03 09:27:29Z` in UTC); nil without a lifetime. A value that is not an ISO 8601
    /// duration, or one that does not end in the future, exits 64 naming it, before anything is written.
    static func end(_ lifetime: String?) -> String? {
        guard let lifetime else { return nil }
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        do { return try ResourceEdits.lifetimeEnd(lifetime, now: Int(now), offset: Int(local.tm_gmtoff)) } catch {
            fail(error.description, code: error.exitCode)
        }
    }

    /// What the move or ban prints about how long it lasts.
    static func clearHint(_ resource: String, until end: String?) -> String {
        guard let end else { return "Use 'pacer resource clear \(resource)' to remove it" }
        return "It expires at \(end); 'pacer resource clear \(resource)' removes it sooner"
    }
}
