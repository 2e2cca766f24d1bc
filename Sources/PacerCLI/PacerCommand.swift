// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import CPacerSys
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// The `pacer` command line.
public struct PacerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pacer",
        abstract: "Configure and inspect a Pacer cluster.",
        version: String(cString: pacer_version()),
        subcommands: [Configure.self, ResourceCommand.self, NodeCommand.self, CibCommand.self, RaCommand.self, Simulate.self, Keygen.self, ClusterCommand.self, Why.self, Status.self])

    public init() {}
}

/// Entry point for the `pacer` executable.
public enum PacerMain {
    /// Process-wide set-up, before the first `await` (the command runs on a pool thread).
    ///
    /// A command's work happens on one pool thread, whose own malloc heap grows by an mprotect
    /// of a few pages whenever it runs out: 15,780 of them in a 9,000-resource `simulate -S`.
    /// With one heap (brk, 4 MiB at a time) that is 23 brk calls.
    public static func prepareProcess() {
        pacer_malloc_one_heap()
    }

    /// Parses the process arguments and runs the chosen command, exiting with its status.
    public static func run() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-") {
            let names = PacerCommand.configuration.subcommands.map { $0._commandName }
            if !names.contains(first) {
                let hint = Suggestion.closest(to: first, among: names).map { "; did you mean '\($0)'?" } ?? ""
                printError("pacer: unknown command '\(first)'\(hint) (see 'pacer --help')")
                exit(64)
            }
        }
        await PacerCommand.main()
    }
}
