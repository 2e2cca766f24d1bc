// SPDX-License-Identifier: GPL-2.0-or-later
import ArgumentParser
import PacerCIB
import PacerModel
import PacerScheduler
import PacerMonView
#if canImport(Glibc)
import Glibc
#endif

/// `pacer simulate`: crm_simulate's counterpart, on a CIB file.
///
/// The shell around the pure ``Scheduler``: reads the file and the clock, applies the
/// requested injections (`SimulationInjector`), schedules, prints the sections
/// crm_simulate prints (Current cluster status, Performing Requested Modifications,
/// Transition Summary, Executing Cluster Transition, Revised Cluster Status; the
/// compact layout with `-s`), and with `-O` writes the CIB with simulated results.
/// `PACER_TIMING=1` reports load and scheduling time and RSS on stderr (for bench/).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the scheduler would do with a CIB, and optionally simulate doing it.")

    @Option(name: [.customShort("x"), .customLong("xml-file")], help: ArgumentHelp("The CIB file to use.", valueName: "FILE"))
    var xmlFile: String?
    @Flag(name: [.customShort("R"), .customLong("run")], help: "Decide what to do (print the Transition Summary).")
    var runOnly = false
    @Flag(name: [.customShort("S"), .customLong("simulate")], help: "Decide, then simulate executing the transition.")
    var simulate = false
    @Flag(name: [.customShort("s"), .customLong("show-scores")], help: "Show allocation scores.")
    var showScores = false
    @Option(name: .customLong("node-up"), help: ArgumentHelp("Bring a node online first.", valueName: "NODE"))
    var nodeUp: [String] = []
    @Option(name: .customLong("node-down"), help: ArgumentHelp("Take a node offline first.", valueName: "NODE"))
    var nodeDown: [String] = []
    @Option(name: .customLong("node-fail"), help: ArgumentHelp("Mark a node as failed first.", valueName: "NODE"))
    var nodeFail: [String] = []
    @Option(name: [.customShort("i"), .customLong("op-inject")],
            help: ArgumentHelp("Record an operation result first.", valueName: "RSC_OP_INTERVAL@NODE=RC"))
    var opInject: [String] = []
    @Option(name: [.customShort("O"), .customLong("save-output")], help: ArgumentHelp("Write the resulting CIB here.", valueName: "FILE"))
    var saveOutput: String?
    @Option(name: [.customShort("t"), .customLong("set-datetime")],
            help: ArgumentHelp("Use this time: ISO 8601 ('2026-12-03 10:00:00Z') or seconds since the epoch.", valueName: "DATETIME"))
    var dateTime: String?
    @Flag(name: [.customShort("L"), .customLong("live-check")],
          help: "Use the running cluster's CIB as pacerd has it now (or the shadow CIB in use, or $CIB_file).")
    var liveCheck = false

    func validate() throws {
        if xmlFile == nil && !liveCheck { throw ValidationError("Missing expected argument '--xml-file <FILE>' (or --live-check)") }
        if xmlFile != nil && liveCheck { throw ValidationError("--xml-file and --live-check exclude each other") }
        for spec in opInject where SimulationInjector.parseOpSpec(spec) == nil {
            throw ValidationError("The value '\(spec)' is invalid for '--op-inject': expected RSC_OP_INTERVAL@NODE=RC")
        }
    }

    func run() throws {
        let tLoad = clock()
        var cib = SimulateInput.load(xmlFile: xmlFile, live: liveCheck)
        if getenv("PACER_TIMING") != nil { printError("load: \(Double(clock() - tLoad) / Double(CLOCKS_PER_SEC))s rss \(rssKB()) KB") }
        var out = ""
        let now = dateTime.map(SimulateInput.time) ?? Int(time(nil))
        // crm_simulate names the time it was given as given, else the CIB's execution date.
        let execDate = dateTime == nil ? cib["execution-date"].flatMap { Int($0) } : nil
        let dateLine = dateTime.map { "Setting effective cluster time: \($0)\n" } ?? execDate.map { "Using the original execution date of: \(formatUTC($0))\n" }
        if let dateLine { out += dateLine }
        let modifying = !nodeUp.isEmpty || !nodeDown.isEmpty || !nodeFail.isEmpty || !opInject.isEmpty
        // crm_simulate shows the state before the requested modifications.
        let beforeStatus = modifying ? Scheduler.status(SchedulerInput(cib: cib, now: now)) : nil
        var modifications: [String] = []
        if modifying {
            var injector = SimulationInjector(cib: cib, now: now)
            injector.createsNodeEntries = !nodeUp.isEmpty
            for n in nodeUp { modifications.append("Bringing node \(n) online"); injector.nodeState(n, up: true, failed: false) }
            for n in nodeDown { modifications.append("Taking node \(n) offline"); injector.nodeState(n, up: false, failed: false) }
            for n in nodeFail { modifications.append("Failing node \(n)"); injector.nodeState(n, up: true, failed: true) }
            for spec in opInject {
                modifications.append("Injecting \(spec) into the configuration")
                switch injector.injectOp(SimulationInjector.parseOpSpec(spec)!, now: now) {
                case .failure(let error): fail(error.message, code: 105)
                case .success(let attributes): modifications += attributes
                }
            }
            cib = injector.cib
        }
        let t0 = clock()
        // Only a simulated execution (-S) records results, with the operations' digests.
        let transition = Scheduler.schedule(SchedulerInput(cib: cib, now: now, recordScores: showScores, resolveOperations: simulate))
        if getenv("PACER_TIMING") != nil { printError("schedule: \(Double(clock() - t0) / Double(CLOCKS_PER_SEC))s rss \(rssKB()) KB") }
        let current = beforeStatus ?? transition.status
        let compact = showScores   // crm_simulate switches to its compact layout with -s
        if let banner = StatusView.banner(current) { out += banner + "\n" }
        if let line = StatusView.disabledLine(current) { out += line + "\n\n" }
        if compact {
            out += StatusView.compactLines(current).joined(separator: "\n") + "\n"
        } else {
            out += "Current cluster status:\n"
            out += statusLines(current, showPending: true).joined(separator: "\n") + "\n"
        }
        if !modifications.isEmpty {
            out += compact ? "\n" : "\nPerforming Requested Modifications:\n"
            for m in modifications { out += (compact ? "" : "  * ") + m + "\n" }
        }
        if compact { out += "\n" + transition.scores.joined(separator: "\n") + "\n" }
        if runOnly || simulate || showScores {
            out += compact ? "\n" : "\nTransition Summary:\n"
            for line in transition.summary { out += (compact ? String(line.dropFirst(4)) : line) + "\n" }
        }
        var final = cib
        if simulate {
            out += compact ? "\n" : "\nExecuting Cluster Transition:\n"
            var executor = SimulationInjector(cib: cib, now: now)
            executor.createsNodeEntries = !nodeUp.isEmpty
            // The injector's copy is then the only one: its status changes in place.
            cib = XMLElement("cib")
            final = cib
            for action in transition.actions {
                let line = executor.describe(action)
                out += (compact ? String(line.dropFirst(4)) : line) + "\n"
                executor.execute(action)
            }
            executor.flush()
            final = executor.cib
            if let dateLine, !compact || dateTime != nil { out += dateLine }
            writeStandardOutput(out)
            out = ""
            // The last working set: not freed, the process ends right after the output.
            let afterStatus = Scheduler.status(SchedulerInput(cib: final, now: now, skipTeardown: true))
            if compact {
                out += "\n" + StatusView.compactLines(afterStatus, showPending: false).joined(separator: "\n") + "\n"
            } else {
                out += "\nRevised Cluster Status:\n"
                out += statusLines(afterStatus, showPending: false).joined(separator: "\n") + "\n"
            }
        }
        writeStandardOutput(out)
        for w in transition.warnings { printError("pacer: warning: " + w.prefix(1).lowercased() + w.dropFirst()) }
        if let saveOutput {
            do { try CIBFile(path: saveOutput, backups: 0).save(final) } catch { fail(error.description, code: error.exitCode) }
        }
        // Everything is written: leave without freeing the CIB trees and working sets
        // (a tenth of the run at 9,000 resources).
        Glibc.exit(0)
    }

    /// The status lines; clone sets are drawn by ``CloneStatusView``.
    private func statusLines(_ status: ClusterStatus, showPending: Bool) -> [String] {
        guard status.resources.contains(where: { $0.clone != nil }) else { return StatusView.lines(status, showPending: showPending) }
        return CloneStatusView.lines(status, showPending: showPending) { list in
            var part = status
            part.resources = list
            return StatusView.lines(part, showPending: showPending)
        }
    }
}

/// Resident set size in KB from /proc/self/statm (for PACER_TIMING diagnostics).
func rssKB() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var size = 0, resident = 0
    withUnsafeMutablePointer(to: &size) { sp in
        withUnsafeMutablePointer(to: &resident) { rp in
            var buf = [CChar](repeating: 0, count: 128)
            if fgets(&buf, 128, f) != nil {
                let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ")
                if parts.count > 1 { sp.pointee = Int(parts[0]) ?? 0; rp.pointee = Int(parts[1]) ?? 0 }
            }
        }
    }
    return resident * 4
}

/// `YYYY-MM-DD HH:MM:SSZ` for seconds since the epoch (UTC), as crm_simulate prints it.
func formatUTC(_ t: Int) -> String {
    let c = CivilTime(t)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(c.year)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
}
