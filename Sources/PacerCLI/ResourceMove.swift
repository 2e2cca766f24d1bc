// SPDX-License-Identifier: GPL-2.0-or-later
import ArgumentParser
import PacerCrmSyntax
import PacerModel
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

    /// The node and the lifetime from crmsh's words as well as Pacer's: `move RSC NODE PT1H`
    /// (crmsh's positional lifetime), `move RSC PT1H` (a lifetime, not a node, when it reads as
    /// an ISO 8601 duration and no node has that name, as crmsh decides), or `--lifetime`.
    static func words(node: String?, positional: String?, option: String?, cib: CIBOptions) -> (node: String?, lifetime: String?) {
        if let positional {
            guard option == nil else { fail("the lifetime is given twice: '\(positional)' and --lifetime '\(option!)'", code: 64) }
            return (node, positional)
        }
        guard let node, option == nil, IntervalSpec.iso8601Duration(node) != nil else { return (node, option) }
        let nodes = ResourceCommand.load(cib).firstElement(named: "configuration")?.firstElement(named: "nodes")?
            .elements(named: "node").compactMap { $0["uname"] } ?? []
        return nodes.contains(node) ? (node, nil) : (nil, node)
    }

    /// What the move or ban prints about how long it lasts.
    static func clearHint(_ resource: String, until end: String?) -> String {
        guard let end else { return "Use 'pacer resource clear \(resource)' to remove it" }
        return "It expires at \(end); 'pacer resource clear \(resource)' removes it sooner"
    }
}

/// The lifetime of a move or a ban, given as crmsh takes it (after the node) or as an option.
struct LifetimeArguments: ParsableArguments {
    @Argument(help: "The lifetime as crmsh takes it (RSC NODE PT1H): same as --lifetime.") var crmLifetime: String?
    @Option(help: "How long the constraint applies: an ISO 8601 duration (PT1H, P1D, P1W, P1M2DT3H).") var lifetime: String?

    /// The node meant (a lone duration where the node goes is the lifetime, as crmsh reads it)
    /// and the constraint's end date, if it has one.
    func resolve(node: String?, cib: CIBOptions) -> (node: String?, end: String?) {
        let (node, lifetime) = ResourceLifetime.words(node: node, positional: crmLifetime, option: lifetime, cib: cib)
        return (node, ResourceLifetime.end(lifetime))
    }
}
