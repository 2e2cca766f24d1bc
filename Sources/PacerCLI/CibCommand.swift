// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerXML
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// `pacer cib …`: shadow CIBs to stage a change (crmsh's `cib` level, Pacemaker's crm_shadow),
/// and empty CIB files.
struct CibCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cib",
        abstract: "Stage changes in shadow CIBs and commit them; create CIB files.",
        discussion: """
        A shadow is a copy of the live CIB that pacer configure/resource/node commands change
        instead of the cluster while it is in use:
          pacer cib new s1          copy the live CIB into shadow s1 and use it
          pacer configure …         changes s1 only
          pacer cib diff s1         what committing would change
          pacer simulate -x $(pacer cib path s1) -S    what the cluster would do
          pacer cib commit s1       apply it (refused if the cluster changed since; --force)
          pacer cib use             back to the live cluster
        A NAME ending in .xml or containing '/' is a file: 'pacer cib new cib.xml' writes an empty CIB there.
        """,
        subcommands: [New.self, Use.self, List.self, Diff.self, Commit.self, Delete.self, Path.self])

    static func run(_ body: () throws -> Void) {
        do { try body() } catch let error as CLIFailure {
            fail(error.description, code: error.code)
        } catch let error as CIBError {
            fail(error.description, code: error.exitCode)
        } catch {
            fail("\(error)", code: 1)
        }
    }

    /// The live CIB, from the daemon (or `$CIB_file` when set, for offline work).
    static func live() throws -> (CIBTarget, XMLElement) {
        var target = CIBTarget.daemon(name: CIBTarget.daemonName)
        if let env = getenv("CIB_file"), env.pointee != 0 { target = .file(CIBFile(path: String(cString: env))) }
        return (target, try target.load())
    }

    static func existing(_ name: String) throws -> ShadowCIB {
        let shadow = try ShadowCIB.named(name)
        guard shadow.exists else {
            let hint = Suggestion.closest(to: name, among: ShadowCIB.all()).map { "; did you mean '\($0)'?" } ?? ""
            throw CLIFailure("shadow CIB '\(name)' does not exist\(hint)", code: 105)
        }
        return shadow
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy the live CIB into a new shadow and use it ('empty': start from an empty CIB).")
        @Argument(help: "The shadow's name (or a file path: an empty CIB is written there).") var name: String?
        @Argument(help: "'empty' for an empty configuration.") var empty: String?
        @Flag(help: "Replace an existing shadow or file.") var force = false

        func validate() throws {
            if let empty, empty != "empty" { throw ValidationError("expected 'empty', not '\(empty)'") }
        }

        func run() {
            CibCommand.run {
                guard let name else {
                    print(EmptyCIB.make().serialized(), terminator: "")
                    return
                }
                if name.contains("/") || name.hasSuffix(".xml") {
                    // A file, as cibadmin --empty writes one.
                    if !force, access(name, F_OK) == 0 { throw CLIFailure("\(name) already exists; use --force to replace it", code: 1) }
                    try CIBFile(path: name, backups: 0).save(EmptyCIB.make())
                    return
                }
                let shadow = try ShadowCIB.named(name)
                if shadow.exists && !force { throw CLIFailure("shadow CIB '\(name)' already exists; use --force to replace it", code: 1) }
                try ShadowCIB.ensureDirectory()
                let (_, cib) = try CibCommand.live()
                var copy = cib
                if empty != nil {
                    var fresh = EmptyCIB.make()
                    for name in ["admin_epoch", "epoch", "num_updates"] { fresh[name] = cib[name] }
                    copy = fresh
                }
                try shadow.file.save(copy)
                try shadow.recordBase(CIBVersion(of: cib))
                try ShadowCIB.select(shadow)
                printError("pacer: shadow CIB '\(name)' created from the live CIB \(CIBVersion(of: cib)); commands now change it (pacer cib use: back to the live cluster)")
            }
        }
    }

    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Work on a shadow CIB from now on; without a name, on the live cluster.")
        @Argument(help: "The shadow's name; omit it for the live cluster.") var name: String?
        func run() {
            CibCommand.run {
                if let name {
                    try ShadowCIB.select(try CibCommand.existing(name))
                } else {
                    try ShadowCIB.select(nil)
                }
                if getenv("CIB_shadow") != nil { printError("pacer: note: $CIB_shadow is set and takes precedence") }
            }
        }
    }

    /// The shadow that diff, commit and path work on: the one named, else the one in use.
    struct ChosenShadow: ParsableArguments {
        @Argument(help: "The shadow's name (the one in use when omitted).") var name: String?

        /// Runs `body` on the shadow, as `CibCommand.run` runs a body.
        func run(_ body: (ShadowCIB) throws -> Void) {
            CibCommand.run {
                guard let shadow = try name.map(CibCommand.existing) ?? ShadowCIB.current else {
                    throw CLIFailure("no shadow CIB in use; name one", code: 64)
                }
                try body(shadow)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the shadow CIBs (the one in use is marked with *).")
        func run() {
            let current = ShadowCIB.current?.name
            for name in ShadowCIB.all() {
                let shadow = ShadowCIB(name: name)
                print("\(name == current ? "*" : " ") \(name)\(shadow.base.map { " (from live \($0))" } ?? "")")
            }
        }
    }

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the file of a shadow CIB (for pacer simulate -x, crm_simulate -x).")
        @OptionGroup var chosen: ChosenShadow
        func run() {
            chosen.run { shadow in print(shadow.path) }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what committing a shadow would change, in crm syntax (- live, + shadow).")
        @OptionGroup var chosen: ChosenShadow
        func run() {
            chosen.run { shadow in
                let (_, live) = try CibCommand.live()
                let staged = try shadow.file.load()
                let before = CrmShow.render(live).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let after = CrmShow.render(staged).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                for line in LineDiff.unified(before, after) { print(line) }
            }
        }
    }

    struct Commit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a shadow's configuration to the live cluster (refused when the cluster changed since the shadow was taken).")
        @OptionGroup var chosen: ChosenShadow
        @Flag(help: "Commit even though the live configuration changed since the shadow was taken.") var force = false
        func run() {
            chosen.run { shadow in
                let (target, live) = try CibCommand.live()
                let now = CIBVersion(of: live)
                let current = "\(now.adminEpoch).\(now.epoch)"
                let base = shadow.base ?? current
                if base != current && !force {
                    throw CLIFailure("the live configuration changed since shadow '\(shadow.name)' was taken (then \(base), now \(current)): "
                                     + "see pacer cib diff \(shadow.name); commit --force to replace it anyway", code: 1)
                }
                guard let configuration = try shadow.file.load().firstElement(named: "configuration") else {
                    throw CLIFailure("shadow CIB '\(shadow.name)' has no configuration", code: 65)
                }
                switch target {
                case .file(let file):
                    try file.update { (cib: inout XMLElement) in
                        if let index = cib.childIndex(where: { $0.name == "configuration" }) { cib.children[index] = .element(configuration) }
                    }
                case .daemon(let ipc):
                    switch try CIBTarget.request(ipc, .edit(.replaceConfiguration(base: now, configuration: configuration.serialized()))) {
                    case .ok: break
                    case .conflict: throw CLIFailure("the live configuration changed while committing; try again", code: 1)
                    case .error(let reason): throw CLIFailure(reason, code: 1)
                    default: throw CLIFailure("the daemon refused the change", code: 1)
                    }
                }
                // The shadow now matches the cluster: a later commit of it is based on what is live.
                let (_, after) = try CibCommand.live()
                try shadow.recordBase(CIBVersion(of: after))
                if ShadowCIB.current?.name == shadow.name && getenv("CIB_shadow") == nil { try ShadowCIB.select(nil) }
                printError("pacer: shadow CIB '\(shadow.name)' committed; commands work on the live cluster again")
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a shadow CIB.")
        @Argument(help: "The shadow's name.") var name: String
        func run() {
            CibCommand.run {
                let shadow = try CibCommand.existing(name)
                guard unlink(shadow.path) == 0 else { throw CLIFailure("cannot delete \(shadow.path): \(String(cString: strerror(errno)))", code: 1) }
                unlink(shadow.basePath)
                if ShadowCIB.current?.name == name && getenv("CIB_shadow") == nil { try ShadowCIB.select(nil) }
            }
        }
    }
}

/// A unified diff of two line lists (longest common subsequence; configurations are small).
enum LineDiff {
    static func unified(_ a: [String], _ b: [String]) -> [String] {
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] { i += 1; j += 1 }
            else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] { out.append("+" + b[j]); j += 1 }
            else { out.append("-" + a[i]); i += 1 }
        }
        return out
    }
}
