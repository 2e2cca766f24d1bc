// SPDX-License-Identifier: GPL-2.0-or-later
import ArgumentParser
import PacerCIB
import PacerModel
import PacerMonView
import PacerXML
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// `pacer status`: crm_mon's view of the cluster, once (`-1`) or refreshed until Ctrl-C.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the cluster's nodes, resources and failures, as crm_mon does.")

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, xml, json
    }

    @OptionGroup var cib: CIBOptions
    @Flag(name: [.customShort("1"), .customLong("one-shot")], help: "Print once and exit.")
    var oneShot = false
    @Flag(name: [.customShort("r"), .customLong("inactive")], help: "List stopped resources too.")
    var inactive = false
    @Flag(name: [.customShort("f"), .customLong("failcounts")], help: "Show fail counts (the Migration Summary).")
    var failcounts = false
    @Flag(name: [.customShort("A"), .customLong("show-node-attributes")], help: "Show node attributes.")
    var nodeAttributes = false
    @Flag(name: [.customShort("o"), .customLong("operations")], help: "Show each resource's operation history.")
    var operations = false
    @Flag(name: [.customShort("n"), .customLong("group-by-node")], help: "List resources under the node they run on.")
    var groupByNode = false
    @Option(name: .customLong("output-as"), help: ArgumentHelp("Output format: text, xml or json.", valueName: "format"))
    var outputAs: OutputFormat = .text
    @Option(name: [.customShort("i"), .customLong("interval")],
            help: ArgumentHelp("Seconds between refreshes of the live view.", valueName: "seconds"))
    var interval: Int = 5

    func validate() throws {
        if interval < 1 { throw ValidationError("The value '\(interval)' is invalid for '--interval <seconds>': expected at least 1") }
    }

    func run() throws {
        // XML and JSON are documents, printed once, as crm_mon does for --output-as=xml.
        // Not a terminal (a pipe, a file, a script): print once, without screen control codes.
        if oneShot || outputAs != .text || isatty(1) == 0 {
            switch snapshot() {
            case .success(let text): writeStandardOutput(text)
            case .failure(let error): fail(error.description, code: error.code)
            }
            return
        }
        live()
    }

    /// Redraws every `interval` seconds until SIGINT; a daemon that goes away while watched is
    /// shown (and retried), one that is not there at the start fails at once.
    func live() -> Never {
        signal(SIGINT) { _ in
            let bytes: [UInt8] = Array("\n".utf8)
            _ = bytes.withUnsafeBytes { write(1, $0.baseAddress!, 1) }
            _exit(0)
        }
        // No daemon at the start is an error, not something to watch.
        if case .failure(let error) = snapshot() { fail(error.description, code: error.code) }
        while true {
            let body: String
            switch snapshot() {
            case .success(let text): body = text
            case .failure(let error): body = "pacer: \(error.description)\nRetrying every \(interval)s; Ctrl-C to quit.\n"
            }
            writeStandardOutput("\u{1B}[H\u{1B}[2J" + body)
            var request = timespec(tv_sec: interval, tv_nsec: 0)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
        }
    }

    /// The CIB (and daemon extras) rendered in the chosen format.
    func snapshot() -> Result<String, CLIFailure> {
        let source: (cib: XMLElement, extras: DaemonStatus?)
        switch load() {
        case .success(let s): source = s
        case .failure(let error): return .failure(error)
        }
        let now = Int(time(nil))
        let clock = MonClock { epoch in
            var t = time_t(epoch)
            var parts = tm()
            localtime_r(&t, &parts)
            return Int(parts.tm_gmtoff)
        }
        let options = MonOptions(inactive: inactive, failcounts: failcounts, nodeAttributes: nodeAttributes,
                                 operations: operations, groupByNode: groupByNode)
        switch outputAs {
        case .text:
            return .success(MonView.text(cib: source.cib, now: now, options: options, extras: source.extras, clock: clock))
        case .xml:
            return .success(MonView.xml(cib: source.cib, now: now, request: request, clock: clock))
        case .json:
            return .success(MonView.json(cib: source.cib, now: now, request: request, extras: source.extras, clock: clock))
        }
    }

    /// From `--cib-file`/`CIB_file=`, or the local daemon's `status` reply (CIB, then extras).
    func load() -> Result<(cib: XMLElement, extras: DaemonStatus?), CLIFailure> {
        switch cib.resolve() {
        case .file(let file):
            do { return .success((try file.load(), nil)) } catch { return .failure(CLIFailure(error.description, code: error.exitCode)) }
        case .daemon(let name):
            do {
                let text: String, status: DaemonStatus
                switch try CIBTarget.request(name, .status) {
                case .status(let xml, let facts): (text, status) = (xml, facts)
                case .error(let reason): return .failure(CLIFailure(reason, code: 1))
                default: return .failure(CLIFailure("pacerd sent an unexpected status reply", code: 1))
                }
                let root: XMLElement
                do { root = try XMLParser.parse(text) } catch {
                    return .failure(CLIFailure("the daemon sent a CIB that does not parse: \(error)", code: 1))
                }
                return .success((root, status))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The command line, for the XML document's `request` attribute.
    var request: String {
        (["pacer"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }
}
