// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// `pacer configure …`: crmsh's configure level, on a CIB file.
struct Configure: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit the cluster configuration with crmsh's syntax.",
        discussion: """
        Commands: property, rsc_defaults, op_defaults, node, primitive, rsc_template, group,
        clone, ms, tag, alert, location, colocation, order, delete, erase, show [xml], verify,
        load [--force] replace|update FILE|- (crm text, as configure show prints it),
        edit [--force] [ID…] (the crm text of those objects, or of all, in $EDITOR).
        Examples:
          pacer configure property stonith-enabled=false
          pacer configure primitive vip ocf:heartbeat:IPaddr2 params ip=192.0.2.10 op monitor interval=5s
          pacer configure -f pair.crm        (a crm script, as `crm -f`; - reads stdin)
        """)

    @OptionGroup var cib: CIBOptions

    @Option(name: .customShort("f"), help: ArgumentHelp("Run a crm script (as crm -f); '-' reads standard input.", valueName: "file"))
    var script: String?

    @Argument(parsing: .captureForPassthrough, help: "A configure command and its words.")
    var words: [String] = []

    func validate() throws {
        // `--help` after `configure` is captured with the crm words: answer it here.
        if script == nil, let first = words.first, ["--help", "-h", "help"].contains(first) { throw CleanExit.helpRequest(self) }
        if script == nil && words.isEmpty { throw ValidationError("give a configure command, or -f FILE") }
        if script != nil && !words.isEmpty { throw ValidationError("give either a command or -f FILE, not both") }
    }

    func run() throws {
        if script == nil, words.first == "load" { return load(Array(words.dropFirst())) }
        if script == nil, words.first == "edit" { return ConfigureEdit(cib: cib).run(Array(words.dropFirst())) }
        let file = cib.resolve()
        let text: String
        if let script {
            text = try readScript(script)
        } else {
            text = ""
        }
        var result: CrmScript?
        exitOnFailure {
            try file.update { (root: inout XMLElement) throws(CrmError) in
                var live = false
                if case .daemon = file { live = true }
                var session = CrmScript(cib: root, liveCluster: live)
                if script != nil {
                    try session.run(script: text)
                } else {
                    try session.run(["configure"] + words)
                }
                root = session.cib
                result = session
                // One write; the epoch moves once per commit point, as separate crm commits would.
                if session.commits > 1 {
                    root["epoch"] = String((Int(root["epoch"] ?? "") ?? 0) + session.commits - 1)
                }
            }
        }
        var problems = 0
        for output in result?.outputs ?? [] {
            switch output {
            case .show(let text): print(text)
            case .message(let text): printError(text)
            case .verify(let root): problems += Verify.report(root)
            }
        }
        if problems > 0 { throw ExitCode(78) }
    }

    /// `load [--force] replace|update FILE|-` (crmsh's `configure load`): the file's crm text
    /// replaces the configuration, or updates the objects it defines; all or nothing.
    func load(_ arguments: [String]) {
        let force = arguments.contains("--force") || arguments.contains("force")
        let rest = arguments.filter { $0 != "--force" && $0 != "force" }
        if rest.first == "xml" {
            fail("configure load xml: only crm syntax can be loaded (pacer configure show prints it); for XML use cibadmin --replace on a CIB file", code: 64)
        }
        guard rest.count == 2, let mode = CrmLoad.Mode(rawValue: rest[0]) else {
            fail("usage: pacer configure load [--force] replace|update FILE|-   (got: load \(arguments.joined(separator: " ")))", code: 64)
        }
        let path = rest[1]
        let text: String
        do { text = try readScript(path) } catch { fail("cannot read \(path): \(error)", code: 66) }
        let target = cib.resolve()
        var live = false
        if case .daemon = target { live = true }
        exitOnFailure({
            try target.update { (root: inout XMLElement) throws(CrmError) in
                root = try CrmLoad.apply(mode, text: text, to: root, liveCluster: live, force: force)
            }
        }, crm: { error in
            let place = error.line > 0 ? "\(path == "-" ? "<stdin>" : path):\(error.line): " : ""
            return "configure load \(mode.rawValue): \(place)\(error.message); nothing was changed"
        })
    }

    func readScript(_ path: String) throws -> String {
        var bytes: [UInt8] = []
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { fail("cannot read script \(path): \(String(cString: strerror(errno)))", code: 66) }
        defer { if fd != 0 { close(fd) } }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; fail("cannot read script \(path): \(String(cString: strerror(errno)))", code: 66) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { fail("script \(path) is not UTF-8 text", code: 65) }
        return text
    }
}

/// Schema and reference checks, then what crm_verify reports about fencing and what crmsh
/// warns about (missing agents, alert paths that cannot run), printed as crm_verify would;
/// returns the number of errors.
enum Verify {
    static func report(_ root: XMLElement) -> Int {
        var errors = 0
        switch CIBSchema.validate(root) {
        case .valid: break
        case .skipped(let reason): printError("pacer: warning: schema validation skipped: \(reason)")
        case .invalid(let schema, let problems):
            for problem in problems { printError("pacer: error: \(problem) (schema \(schema))") }
            errors += problems.count
        }
        for problem in CIBReferenceCheck.check(root) {
            switch problem.severity {
            case .error: errors += 1; printError("pacer: error: \(problem)")
            case .warning: printError("pacer: warning: \(problem)")
            }
        }
        for finding in CrmVerify.check(root) {
            switch finding.severity {
            case .error: errors += 1; printError("pacer: error: \(finding)")
            case .warning: printError("pacer: warning: \(finding)")
            }
        }
        return errors
    }
}
